import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { runCli } from '../support/cli.js';
import { issueOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { hashLeaf } from './support/rfc9162.js';

/**
 * `passgeni verify --require-log / --log-key`: the certificate's inclusion proof is checked
 * against a checkpoint whose signature verifies with the pinned or published log key; a missing,
 * forged or tampered proof fails with a reason saying which.
 */

/** A verifier key for `name` and a fresh Ed25519 key (written independently of src/). */
async function otherVkey(name: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const raw = Buffer.from(
    generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string,
    'base64url',
  );
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(1), raw]))
    .digest()
    .subarray(0, 4);
  return `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.of(1), raw]).toString('base64')}`;
}

describe('passgeni verify and the transparency log', () => {
  let database: TestDatabase;
  let t: TestServer;
  let key: string;
  let vkey: string;
  const certs: Issued[] = [];

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    t = await testServer(database.db, { logSequenceMs: 0 });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('verify-log') })).key;
    for (let i = 0; i < 3; i++) {
      const cert = await issueOverHttp(t.url, key);
      expect(
        (await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { key, body: {} })).status,
      ).toBe(200);
      certs.push(cert);
    }
    await t.issuer.log.sequence();
    vkey = (await api<{ log: { verifier_key: string } }>(t.url, '/.well-known/passgeni-issuer')).body.log
      .verifier_key;
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const url = (c: Issued) => `${t.url}/cert/${c.cert_id}`;

  it('passes with a verifying inclusion proof, by the published or the pinned key', async () => {
    const published = await runCli(['verify', url(certs[1] as Issued), '--require-log']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(
      /log +included at index 1 in the signed checkpoint of size 3 \(log key .*as published by the issuer\)/,
    );

    const pinned = await runCli([
      'verify',
      url(certs[2] as Issued),
      '--require-log',
      '--log-key',
      vkey,
      '--json',
    ]);
    expect(pinned.code).toBe(0);
    const report = JSON.parse(pinned.stdout) as { valid: boolean; log: Record<string, unknown> };
    expect(report.valid).toBe(true);
    expect(report.log).toMatchObject({
      status: 'included',
      leaf_index: 2,
      tree_size: 3,
      key_source: 'pinned',
    });
  });

  it('fails when the checkpoint is not signed by the pinned log key', async () => {
    const wrong = await otherVkey(t.issuer.issuerId);
    const r = await runCli(['verify', url(certs[0] as Issued), '--require-log', '--log-key', wrong]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no signature by the log key .*\[LOG_PROOF_INVALID\]/);
  });

  it('refuses a malformed pinned key as bad input, before fetching anything', async () => {
    const r = await runCli(['verify', url(certs[0] as Issued), '--log-key', 'not-a-key']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_KEY_INVALID');
    expect(r.stderr).toContain('name+hexkeyid+base64key');
  });

  it('fails when the stored tree was tampered with, so the proof no longer reaches the signed root', async () => {
    // rewrite the leaf hash next to certificate 0 (its audit path's first hash)
    await database.db.query(`UPDATE log_nodes SET hash = decode($1, 'hex') WHERE level = 0 AND idx = 1`, [
      hashLeaf(Buffer.from('forged entry')).toString('hex'),
    ]);
    const r = await runCli(['verify', url(certs[0] as Issued), '--require-log']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does not lead from this certificate to the signed checkpoint of size 3');
    expect(r.stdout).toContain('[LOG_PROOF_INVALID]');
  });

  it('fails with --require-log for a certificate not logged yet, and only reports it without', async () => {
    const fresh = await issueOverHttp(t.url, key);
    await api(t.url, `/api/v1/certificates/${fresh.cert_id}/activate`, { key, body: {} });
    const required = await runCli(['verify', url(fresh), '--require-log']);
    expect(required.code).toBe(1);
    expect(required.stdout).toContain('[LOG_PROOF_MISSING]');
    expect(required.stdout).toContain('not in the transparency log yet');

    const reported = await runCli(['verify', url(fresh), '--log-key', vkey]);
    expect(reported.code).toBe(0);
    expect(reported.stdout).toMatch(/log +not proven: /);
  });
});
