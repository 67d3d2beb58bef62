import { execFileSync as exec } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { runCli } from '../support/cli.js';
import { issueOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { startLocalTsa } from './support/tsa.js';
import type { LocalTsa } from './support/tsa.js';

/**
 * Trusted timestamps of log checkpoints (issue 19, deliverable 6): with --tsa-url, each new
 * checkpoint is timestamped by a real RFC 3161 TSA (`openssl ts -reply` with a test TSA
 * certificate), the token is served with the inclusion proof, and `verify --require-timestamp
 * --tsa-cert` checks it: a token for another checkpoint, or from another TSA, is refused, and a TSA
 * that is down never holds issuance up.
 */

/** openssl quietly: its notes on stderr are not the test's output. */
const execFileSync = (file: string, args: string[], options: { encoding?: 'utf8' } = {}) =>
  exec(file, args, { ...options, stdio: 'pipe' });

interface Proof {
  tree_size: number;
  checkpoint: string;
  timestamp?: { token: string; gen_time: string };
}

describe.each(BACKENDS)('RFC 3161 timestamps of the log checkpoints (%s)', (backend) => {
  let database: TestDatabase;
  let t: TestServer;
  let tsa: LocalTsa;
  let other: LocalTsa;
  let key: string;
  const warnings: string[] = [];
  const certs: Issued[] = [];

  const logger = {
    info: () => undefined,
    warn: (_: Record<string, unknown>, msg: string) => void warnings.push(msg),
    error: () => undefined,
  };

  beforeAll(async () => {
    tsa = await startLocalTsa('tsa');
    other = await startLocalTsa('other');
    database = await freshDatabase(backend);
    t = await testServer(database.db, { logSequenceMs: 0, tsaUrl: tsa.url, logger });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('tsa') })).key;
    for (let i = 0; i < 2; i++) certs.push(await issue());
    await t.issuer.log.sequence();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await tsa?.close();
    await other?.close();
  });

  /** Issued and activated (stored), so the certificate itself is valid and only the log is in question. */
  async function issue(): Promise<Issued> {
    const cert = await issueOverHttp(t.url, key);
    const activated = await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { key, body: {} });
    expect(activated.status).toBe(200);
    return cert;
  }

  const url = (c: Issued) => `${t.url}/cert/${c.cert_id}`;
  const proofOf = async (c: Issued) =>
    (await api<Proof>(t.url, `/api/v1/certificates/${c.cert_id}/inclusion`)).body;

  it('timestamps the new checkpoint, and the token verifies (also with `openssl ts -verify`)', async () => {
    expect(tsa.requests).toBe(1);
    const proof = await proofOf(certs[0] as Issued);
    expect(proof.tree_size).toBe(2);
    expect(proof.timestamp?.gen_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Math.abs(Date.parse(proof.timestamp?.gen_time ?? '') - Date.now())).toBeLessThan(60_000);

    const result = await runCli([
      'verify',
      url(certs[0] as Issued),
      '--require-timestamp',
      '--tsa-cert',
      tsa.certFile,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { valid: boolean; log: Record<string, unknown> };
    expect(report.valid).toBe(true);
    expect(report.log).toMatchObject({
      status: 'included',
      tree_size: 2,
      timestamped_at: proof.timestamp?.gen_time,
    });

    const text = await runCli([
      'verify',
      url(certs[1] as Issued),
      '--require-timestamp',
      '--tsa-cert',
      tsa.certFile,
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `logged no later than ${proof.timestamp?.gen_time} (RFC 3161 timestamp by the pinned TSA)`,
    );

    // an independent check: OpenSSL verifies the stored token over SHA-256 of the checkpoint body
    const body = proof.checkpoint.slice(0, proof.checkpoint.indexOf('\n\n') + 1);
    const token = join(tsa.dir, 'stored.tst');
    const data = join(tsa.dir, 'checkpoint-body');
    writeFileSync(token, Buffer.from(proof.timestamp?.token ?? '', 'base64'));
    writeFileSync(data, body);
    const verified = execFileSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        token,
        '-data',
        data,
        '-CAfile',
        tsa.caFile,
        '-untrusted',
        tsa.certFile,
      ],
      { encoding: 'utf8' },
    );
    expect(verified).toContain('Verification: OK');
  });

  it('shows "logged no later than <TSA time>" on the certificate page', async () => {
    const proof = await proofOf(certs[0] as Issued);
    const page = await fetch(url(certs[0] as Issued), { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain(`logged no later than ${proof.timestamp?.gen_time ?? '?'}`);
  });

  /** A tiny issuer front that serves the real inclusion proof with its timestamp replaced. */
  async function withTimestamp(token: string, run: (base: string) => Promise<void>): Promise<void> {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      void (async () => {
        const upstream = await fetch(`${t.url}${request.url ?? '/'}`, {
          headers: { accept: 'application/json' },
        });
        let body = Buffer.from(await upstream.arrayBuffer());
        if (/\/inclusion$/.test(request.url ?? '')) {
          const proof = JSON.parse(body.toString('utf8')) as Proof;
          body = Buffer.from(
            JSON.stringify({ ...proof, timestamp: { token, gen_time: proof.timestamp?.gen_time } }),
          );
        }
        response
          .writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
          })
          .end(body);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await run(`http://127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('refuses a token for another checkpoint', async () => {
    const query = join(tsa.dir, 'another.tsq');
    const reply = join(tsa.dir, 'another.tst');
    writeFileSync(join(tsa.dir, 'another-body'), 'some other log\n2\nAAAA\n');
    execFileSync('openssl', [
      'ts',
      '-query',
      '-data',
      join(tsa.dir, 'another-body'),
      '-sha256',
      '-cert',
      '-out',
      query,
    ]);
    execFileSync('openssl', [
      'ts',
      '-reply',
      '-config',
      join(tsa.dir, 'tsa-tsa.cnf'),
      '-queryfile',
      query,
      '-token_out',
      '-out',
      reply,
    ]);
    const token = readFileSync(reply).toString('base64');
    await withTimestamp(token, async (base) => {
      const result = await runCli([
        'verify',
        `${base}/cert/${(certs[0] as Issued).cert_id}`,
        '--require-timestamp',
        '--tsa-cert',
        tsa.certFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('its message imprint is not the SHA-256 of the checkpoint body');
      expect(result.stdout).toContain('[TIMESTAMP_WRONG_IMPRINT]');
    });
  });

  it('refuses a token from a TSA signed by another key than the pinned certificate', async () => {
    // the genuine token, checked against another TSA's certificate
    const pinnedOther = await runCli([
      'verify',
      url(certs[0] as Issued),
      '--require-timestamp',
      '--tsa-cert',
      other.certFile,
    ]);
    expect(pinnedOther.code).toBe(1);
    expect(pinnedOther.stdout).toContain('[TIMESTAMP_UNTRUSTED_TSA]');

    // a token for the right checkpoint from the other TSA, checked against the pinned one
    const proof = await proofOf(certs[0] as Issued);
    const body = proof.checkpoint.slice(0, proof.checkpoint.indexOf('\n\n') + 1);
    writeFileSync(join(other.dir, 'body'), body);
    execFileSync('openssl', [
      'ts',
      '-query',
      '-data',
      join(other.dir, 'body'),
      '-sha256',
      '-cert',
      '-out',
      join(other.dir, 'q.tsq'),
    ]);
    execFileSync('openssl', [
      'ts',
      '-reply',
      '-config',
      join(other.dir, 'other-tsa.cnf'),
      '-queryfile',
      join(other.dir, 'q.tsq'),
      '-token_out',
      '-out',
      join(other.dir, 'r.tst'),
    ]);
    const token = readFileSync(join(other.dir, 'r.tst')).toString('base64');
    await withTimestamp(token, async (base) => {
      const result = await runCli([
        'verify',
        `${base}/cert/${(certs[0] as Issued).cert_id}`,
        '--require-timestamp',
        '--tsa-cert',
        tsa.certFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('[TIMESTAMP_UNTRUSTED_TSA]');
    });
  });

  it('refuses a token whose signature does not verify', async () => {
    const proof = await proofOf(certs[0] as Issued);
    const der = Buffer.from(proof.timestamp?.token ?? '', 'base64');
    // the signature is the last field: flip a bit near the end of the token
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
    await withTimestamp(der.toString('base64'), async (base) => {
      const result = await runCli([
        'verify',
        `${base}/cert/${(certs[0] as Issued).cert_id}`,
        '--require-timestamp',
        '--tsa-cert',
        tsa.certFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('[TIMESTAMP_SIGNATURE_INVALID]');
    });
  });

  it('needs --tsa-cert to require a timestamp, and a readable one', async () => {
    const bare = await runCli(['verify', url(certs[0] as Issued), '--require-timestamp']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--tsa-cert FILE');
    const missing = await runCli([
      'verify',
      url(certs[0] as Issued),
      '--require-timestamp',
      '--tsa-cert',
      '/nonexistent.pem',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a readable file');
  });

  it('keeps issuing while the TSA is down; the checkpoint has no token, and the next one is timestamped', async () => {
    tsa.down = true;
    const during = await issue();
    await t.issuer.log.sequence();
    expect(warnings.some((w) => w.includes('did not timestamp checkpoint 3') && w.includes('HTTP 503'))).toBe(
      true,
    );
    const proof = await proofOf(during);
    expect(proof.tree_size).toBe(3);
    expect(proof.timestamp).toBeUndefined();
    const refused = await runCli(['verify', url(during), '--require-timestamp', '--tsa-cert', tsa.certFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('[TIMESTAMP_MISSING]');
    // without --require-timestamp the certificate is still valid
    expect((await runCli(['verify', url(during), '--require-log'])).code).toBe(0);

    tsa.down = false;
    certs.push(await issue());
    await t.issuer.log.sequence();
    const after = await runCli(['verify', url(during), '--require-timestamp', '--tsa-cert', tsa.certFile]);
    expect(after.code).toBe(0);
    expect((await proofOf(during)).tree_size).toBe(4);
  });

  it('refuses a malformed --tsa-url before anything is created', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-tsa-serve-'));
    try {
      const result = await runCli([
        'serve',
        '--data-dir',
        join(dir, 'data'),
        '--port',
        '0',
        '--tsa-url',
        'ftp://tsa.example',
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--tsa-url must be the http(s) URL');
      expect(result.stderr).toContain('[INVALID_TSA_URL]');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed tsaUrl in the issuer options', async () => {
    const db = await freshDatabase('pglite');
    try {
      await expect(testServer(db.db, { tsaUrl: 'ftp://tsa.example' })).rejects.toMatchObject({
        code: 'INVALID_TSA_URL',
      });
    } finally {
      await db.drop();
    }
  });
});
