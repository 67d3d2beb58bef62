import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../src/certificate/transparency/note.js';
import { Witness, witnessServer } from '../../src/trust/witness.js';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { CLI } from '../support/cli.js';
import { issueOverHttp } from './support/issue.js';
import { verifyCosignature } from './support/signed-note.js';

/**
 * The witness (C2SP tlog-witness over HTTP, tlog-cosignature lines): it cosigns the issuer's
 * checkpoints as the log grows, and refuses to cosign when the log table was tampered with
 * (a rewritten root at the same size, a rewritten history, a rollback) or the checkpoint is not
 * the log's.
 */
describe('passgeni witness', () => {
  let database: TestDatabase;
  let t: TestServer;
  let key: string;
  let witness: Witness;
  let server: Server;
  let witnessUrl: string;

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    t = await testServer(database.db, { logSequenceMs: 0 });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('witness') })).key;
    witness = new Witness({
      name: 'witness.test/w1',
      privateKey: generateKeyPairSync('ed25519').privateKey,
      logs: [parseVerifierKey(t.issuer.log.verifierKey)],
      statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-witness-')), 'state.json'),
    });
    server = witnessServer(witness);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    witnessUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    await database?.drop();
  });

  async function grow(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await issueOverHttp(t.url, key);
    await t.issuer.log.sequence();
  }

  /** What a log does: its checkpoint, with a consistency proof from the witness's last size. */
  async function submit(
    old: number,
    note?: string,
  ): Promise<{ status: number; type: string | null; body: string; note: string }> {
    const checkpoint = note ?? (await (await fetch(`${t.url}/log/checkpoint`)).text());
    const size = Number(checkpoint.split('\n')[1]);
    const proof =
      old > 0 && old <= size
        ? ((await api<{ hashes?: string[] }>(t.url, `/log/proof/consistency?from=${old}&to=${size}`)).body
            .hashes ?? [])
        : [];
    const body = `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${checkpoint}`;
    const r = await fetch(`${witnessUrl}/add-checkpoint`, { method: 'POST', body });
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text(), note: checkpoint };
  }

  const textOf = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);

  it('cosigns the first checkpoint and each consistent extension, in the cosignature/v1 format', async () => {
    await grow(3);
    const first = await submit(0);
    expect(first.status).toBe(200);
    const ts = verifyCosignature(textOf(first.note), first.body, witness.verifierKey);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);

    await grow(2);
    const second = await submit(3);
    expect(second.status, second.body).toBe(200);
    verifyCosignature(textOf(second.note), second.body, witness.verifierKey);
    expect(witness.latest(t.issuer.issuerId)?.size).toBe(5);

    // a log that lost track learns the witness's size from a 409
    const stale = await submit(3);
    expect(stale.status).toBe(409);
    expect(stale.type).toBe('text/x.tlog.size');
    expect(stale.body).toBe('5\n');
  });

  it('refuses to cosign a root rewritten in the table at the same size (a fork)', async () => {
    await database.db.query(`UPDATE log_checkpoints SET root = decode($1, 'hex') WHERE size = 5`, [
      createHash('sha256').update('forged').digest('hex'),
    ]);
    const forked = await submit(5);
    expect(forked.status).toBe(409);
    expect(forked.body).toContain('fork');
  });

  it('refuses to cosign a history rewritten in the table (the consistency proof fails)', async () => {
    await grow(2);
    // the tree's stored nodes disagree with what the witness saw at size 5
    await database.db.query(`UPDATE log_nodes SET hash = decode($1, 'hex') WHERE level = 2 AND idx = 0`, [
      createHash('sha256').update('rewritten').digest('hex'),
    ]);
    const rewritten = await submit(5);
    expect(rewritten.status).toBe(422);
    expect(witness.latest(t.issuer.issuerId)?.size).toBe(5);
  });

  it('refuses a rolled-back (truncated) log, a checkpoint not signed by the log, and an unknown log', async () => {
    const current = await (await fetch(`${t.url}/log/checkpoint`)).text();
    const [origin = '', , root = ''] = current.split('\n');
    // a truncated log's checkpoint is smaller than what the witness saw
    await database.db.query(`TRUNCATE log_entries, log_nodes, log_checkpoints`);
    await database.db.query(`UPDATE log_state SET size = 0`);
    await t.issuer.log.init();
    await grow(1);
    expect((await submit(5)).status).toBe(400);
    expect((await submit(0)).status).toBe(409);

    const forged = current.replace(`\n${root}\n`, `\n${createHash('sha256').update('x').digest('base64')}\n`);
    expect((await submit(5, forged)).status).toBe(403);
    expect((await submit(0, current.replaceAll(origin, 'other.example/log'))).status).toBe(404);
    const junk = await fetch(`${witnessUrl}/add-checkpoint`, { method: 'POST', body: 'nonsense' });
    expect(junk.status).toBe(400);
    expect(witness.latest(t.issuer.issuerId)?.size).toBe(5);
  });

  it('runs as `passgeni witness`, printing its URL and verifier key, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-witness-cli-'));
    const keyFile = join(dir, 'witness.pem');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'witness',
        '--name',
        'witness.test/cli',
        '--key-file',
        keyFile,
        '--log',
        t.issuer.log.verifierKey,
        '--state',
        join(dir, 'state.json'),
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const started = await new Promise<{ url: string; verifier_key: string }>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { url: string; verifier_key: string });
      });
      child.on('exit', (code) => reject(new Error(`witness exited ${code}`)));
    });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const note = await (await fetch(`${t.url}/log/checkpoint`)).text();
    const r = await fetch(`${started.url}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${note}` });
    expect(r.status).toBe(200);
    verifyCosignature(textOf(note), await r.text(), started.verifier_key);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
