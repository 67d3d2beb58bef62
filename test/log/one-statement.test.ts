import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/issuer/db/types.js';
import { BACKENDS, freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { issueOverHttp } from './support/issue.js';
import { consistencyVerifies, inclusionVerifies, mth, hashLeaf } from './support/rfc9162.js';

/**
 * A proof is one database statement (docs/performance.md: each round trip may wait for a core on
 * a busy machine, which was the proofs' p99). The inclusion statement finds the nodes its audit
 * paths read by itself, so this checks, against an independent RFC 9162 verifier, every leaf's
 * proof (issuances and revocations) in every tree size from 1 to 40 (every shape of tree that
 * size allows: complete, one short, odd frontiers), and the consistency proof between every pair
 * of sizes, each costing exactly one statement.
 */
const SIZES = 40;

/**
 * The database with a count of the statements sent through it that read the log (the issuer's
 * own timers, such as the JWKS refresh, run their statements meanwhile).
 */
function counting(db: Database): { db: Database; count: () => number } {
  let statements = 0;
  const counted = Object.create(db) as Database;
  counted.query = (...args: Parameters<Database['query']>) => {
    if (/\blog_/.test(args[0])) statements++;
    return db.query(...args);
  };
  return { db: counted, count: () => statements };
}

const rootOf = (note: string) => Buffer.from(note.split('\n')[2] ?? '', 'base64');
const b64 = (hashes: readonly string[]) => hashes.map((h) => Buffer.from(h, 'base64'));

describe.each(BACKENDS)('each proof is one statement (%s)', (backend) => {
  let database: TestDatabase;
  let t: TestServer;
  let statements: () => number;
  let key: string;

  beforeAll(async () => {
    database = await freshDatabase(backend);
    const counted = counting(database.db);
    statements = counted.count;
    t = await testServer(counted.db, { logSequenceMs: 0 });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('one-statement') })).key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  /** Every entry in the log, read from the entry bundle as a tile client would. */
  async function entries(size: number): Promise<Buffer[]> {
    const path = size < 256 ? `000.p/${size}` : '000';
    const bundle = Buffer.from(await (await fetch(`${t.url}/log/tile/entries/${path}`)).arrayBuffer());
    const out: Buffer[] = [];
    for (let at = 0; at < bundle.length;) {
      const length = bundle.readUInt16BE(at);
      out.push(bundle.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    return out;
  }

  it('proves every entry in every tree size from 1 to 40, and consistency between every pair', async () => {
    const ids: string[] = [];
    for (let size = 1; size <= SIZES; size++) {
      // every seventh step revokes an earlier certificate instead: revocation paths too
      if (size % 7 === 0) {
        const r = await api(t.url, `/api/v1/certificates/${ids[ids.length - 3] ?? ''}/revoke`, {
          key,
          body: { reason: 'compromised' },
        });
        expect(r.status, `revoking at size ${size}: ${r.text}`).toBe(200);
      } else {
        const id = (await issueOverHttp(t.url, key)).cert_id;
        expect((await api(t.url, `/api/v1/certificates/${id}/activate`, { key, body: {} })).status).toBe(200);
        ids.push(id);
      }
      await t.issuer.log.sequence();
      const log = await entries(size);
      expect(log).toHaveLength(size);
      for (const id of ids) {
        const before = statements();
        const proof = await t.issuer.log.inclusion(id);
        expect(statements() - before).toBe(1);
        expect(proof.tree_size).toBe(size);
        const root = rootOf(proof.checkpoint);
        expect(mth(log.map((e) => hashLeaf(e))).equals(root)).toBe(true);
        const entry = log[proof.leaf_index] as Buffer;
        expect(inclusionVerifies(entry, proof.leaf_index, size, b64(proof.hashes), root)).toBe(true);
        if (proof.revocation) {
          const revocation = log[proof.revocation.leaf_index] as Buffer;
          expect(revocation.toString('utf8')).toContain(id);
          expect(
            inclusionVerifies(
              revocation,
              proof.revocation.leaf_index,
              size,
              b64(proof.revocation.hashes),
              root,
            ),
          ).toBe(true);
        }
      }
    }
    expect((await t.issuer.log.inclusion(ids[3] as string)).revocation).toBeDefined();

    const leaves = (await entries(SIZES)).map((e) => hashLeaf(e));
    for (let from = 0; from <= SIZES; from++) {
      for (let to = from; to <= SIZES; to++) {
        const before = statements();
        const proof = await t.issuer.log.consistency(String(from), String(to));
        expect(statements() - before, `consistency ${from} → ${to}`).toBe(1);
        if (from === 0) continue; // nothing to prove from the empty tree
        const ok = consistencyVerifies(
          from,
          to,
          b64(proof.hashes),
          mth(leaves.slice(0, from)),
          mth(leaves.slice(0, to)),
        );
        expect(ok, `consistency ${from} → ${to}`).toBe(true);
      }
    }
  }, 240_000);
});
