import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openIssuer, startServer } from '../../src/issuer/index.js';
import type { Database, Issuer, RunningServer } from '../../src/issuer/index.js';
import { TEST_DATABASE_URL, createPostgresDatabase } from '../issuer/support/backends.js';
import { NO_LIMITS, TEST_KEY, uniqueTeam } from '../issuer/support/fixtures.js';
import { api, freePort } from '../issuer/support/server.js';
import { b64, inParallel, issueOverHttp, revokeOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { inclusionVerifies } from './support/rfc9162.js';
import { readCheckpoint, readVkey } from './support/signed-note.js';

/**
 * Two issuer replicas on one PostgreSQL, issuing and sequencing concurrently (each runs its own
 * sequencer, every 20 ms, so they race for every batch): every certificate is logged exactly
 * once, and both serve the same tree. Neither is given a log key: the first to start generates
 * it into the database and both sign with it.
 */
const describePg = TEST_DATABASE_URL ? describe : describe.skip;

describePg('the log with two replicas on one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  const replicas: Array<{ issuer: Issuer; server: RunningServer; url: string }> = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    ({ db } = await openDatabase({ databaseUrl: database.url, poolSize: 2 }));
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const issuer = await openIssuer({
        databaseUrl: database.url,
        publicUrl: 'https://issuer.test',
        signingKey: TEST_KEY,
        limits: NO_LIMITS,
        jwksRefreshSeconds: 0,
        housekeepingSeconds: 0,
        logSequenceMs: 20,
        poolSize: 4,
        env: {},
      });
      const server = await startServer({ issuer, port, host: '127.0.0.1', logger: false });
      replicas.push({ issuer, server, url });
    }
  });

  afterAll(async () => {
    for (const r of replicas) {
      await r.server.close();
      await r.issuer.close();
    }
    await db?.close();
    await database?.drop();
  });

  it('logs every certificate exactly once and serves one identical tree from either replica', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    expect(a.issuer.log.verifierKey).toBe(b.issuer.log.verifierKey);
    const { key } = await a.issuer.createApiKey({ team: uniqueTeam('replicas') });
    const urls = [a.url, b.url];
    const issued: Issued[] = await inParallel(Array.from({ length: 300 }), 12, (_x, i) =>
      issueOverHttp(urls[i % 2] as string, key),
    );
    const toRevoke = issued.filter((_c, i) => i % 7 === 0);
    await inParallel(toRevoke, 6, (c, i) =>
      revokeOverHttp(urls[i % 2] as string, key, c.cert_id, 'compromised'),
    );
    await Promise.all([a.issuer.log.sequence(), b.issuer.log.sequence()]);

    const counts = await db.query<{ kind: string; n: number; certs: number; queued: number }>(
      `SELECT kind, count(*)::int AS n, count(DISTINCT cert_id)::int AS certs,
         (SELECT count(*)::int FROM log_queue) AS queued
       FROM log_entries GROUP BY kind ORDER BY kind`,
    );
    expect(counts).toEqual([
      { kind: 'issuance', n: 300, certs: 300, queued: 0 },
      { kind: 'revocation', n: toRevoke.length, certs: toRevoke.length, queued: 0 },
    ]);
    const [{ max } = { max: -1 }] = await db.query<{ max: number }>(
      'SELECT max(idx)::int AS max FROM log_entries',
    );
    expect(max).toBe(300 + toRevoke.length - 1);

    const doc = await api<{ log: { verifier_key: string } }>(a.url, '/.well-known/passgeni-issuer');
    const vkey = readVkey(doc.body.log.verifier_key);
    const [noteA, noteB] = await Promise.all(
      urls.map(async (u) => (await fetch(`${u}/log/checkpoint`)).text()),
    );
    expect(noteA).toBe(noteB);
    const cp = readCheckpoint(noteA as string, vkey);
    expect(cp.size).toBe(300 + toRevoke.length);
    for (const path of ['0/000', '0/001.p/' + String(cp.size - 256), 'entries/000', '1/000.p/1']) {
      const [ta, tb] = await Promise.all(
        urls.map(async (u) => Buffer.from(await (await fetch(`${u}/log/tile/${path}`)).arrayBuffer())),
      );
      expect(ta?.length, path).toBeGreaterThan(0);
      expect(ta?.equals(tb as Buffer), path).toBe(true);
    }
    await inParallel(issued, 8, async (cert, i) => {
      const r = await api<{ leaf_index: number; tree_size: number; hashes: string[] }>(
        urls[(i + 1) % 2] as string,
        `/api/v1/certificates/${cert.cert_id}/inclusion`,
      );
      expect(r.status).toBe(200);
      expect(r.body.tree_size).toBe(cp.size);
      expect(
        inclusionVerifies(
          Buffer.from(cert.certificate, 'ascii'),
          r.body.leaf_index,
          cp.size,
          b64(r.body.hashes),
          cp.root,
        ),
      ).toBe(true);
    });
  }, 120_000);
});
