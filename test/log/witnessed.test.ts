import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFor, verifierKeyString } from '../../src/certificate/transparency/note.js';
import { parseVerifierKey } from '../../src/certificate/transparency/note.js';
import { Witness, witnessServer } from '../../src/trust/witness.js';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { runCli } from '../support/cli.js';
import { issueOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { verifyCosignature } from './support/signed-note.js';

/**
 * An issuer configured with a witness: each new checkpoint is sent to it with a consistency proof,
 * its cosignature is served with the checkpoint, and `verify --require-witnesses` counts it. A
 * history rewritten in the table gets no cosignature, and verification then fails.
 */
const ISSUER_ID = 'https://issuer.test/witnessed';

describe('checkpoints cosigned by a witness', () => {
  let database: TestDatabase;
  let t: TestServer;
  let key: string;
  let witness: Witness;
  let server: Server;
  const logKey = generateKeyPairSync('ed25519').privateKey;

  beforeAll(async () => {
    witness = new Witness({
      name: 'witness.test/w',
      privateKey: generateKeyPairSync('ed25519').privateKey,
      logs: [parseVerifierKey(verifierKeyString(signerFor(ISSUER_ID, logKey)))],
      statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-witnessed-')), 'state.json'),
    });
    server = witnessServer(witness);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    database = await freshDatabase('pglite');
    t = await testServer(database.db, {
      issuerId: ISSUER_ID,
      logKey,
      logSequenceMs: 0,
      logWitnesses: [
        {
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          verifierKey: witness.verifierKey,
        },
      ],
    });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('witnessed') })).key;
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function activeCert(): Promise<Issued> {
    const cert = await issueOverHttp(t.url, key);
    await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { key, body: {} });
    return cert;
  }

  it('serves each checkpoint with the cosignature the witness gave it', async () => {
    const certs = [await activeCert(), await activeCert(), await activeCert()];
    await t.issuer.log.sequence();
    const note = await (await fetch(`${t.url}/log/checkpoint`)).text();
    const lines = note
      .slice(note.lastIndexOf('\n\n') + 2)
      .split('\n')
      .filter(Boolean);
    expect(lines).toHaveLength(2);
    verifyCosignature(note.slice(0, note.lastIndexOf('\n\n') + 1), lines[1] as string, witness.verifierKey);

    const ok = await runCli([
      'verify',
      `${t.url}/cert/${(certs[1] as Issued).cert_id}`,
      '--witness',
      witness.verifierKey,
      '--require-witnesses',
      '1',
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('cosigned by witness.test/w');

    // a second growth is cosigned too: the witness checked its consistency with the first
    await activeCert();
    await t.issuer.log.sequence();
    expect(witness.latest(ISSUER_ID)?.size).toBe(4);
  });

  it('refuses to count witnesses it was not given, or more than it was given', async () => {
    const cert = await activeCert();
    await t.issuer.log.sequence();
    const url = `${t.url}/cert/${cert.cert_id}`;
    const tooMany = await runCli([
      'verify',
      url,
      '--witness',
      witness.verifierKey,
      '--require-witnesses',
      '2',
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('WITNESSES_REQUIRED');
    const other = new Witness({
      name: 'witness.test/other',
      privateKey: generateKeyPairSync('ed25519').privateKey,
      logs: [],
      statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-witnessed-')), 'state.json'),
    });
    const unknown = await runCli(['verify', url, '--witness', other.verifierKey, '--require-witnesses', '1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('cosigned by 0 of the trusted witnesses');
    expect(unknown.stdout).toContain('[LOG_WITNESSES_MISSING]');
  });

  it('gets no cosignature for a history rewritten in the table, so verification with witnesses fails', async () => {
    const before = witness.latest(ISSUER_ID)?.size ?? 0;
    await database.db.query(`UPDATE log_nodes SET hash = decode($1, 'hex') WHERE level = 2 AND idx = 0`, [
      createHash('sha256').update('rewritten').digest('hex'),
    ]);
    const cert = await activeCert();
    await t.issuer.log.sequence();
    expect(witness.latest(ISSUER_ID)?.size).toBe(before);
    const r = await runCli([
      'verify',
      `${t.url}/cert/${cert.cert_id}`,
      '--witness',
      witness.verifierKey,
      '--require-witnesses',
      '1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[LOG_WITNESSES_MISSING]');
  });

  it('passgeni serve refuses a malformed --log-witness before it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-serve-witness-'));
    const r = await runCli(['serve', '--data-dir', dir, '--port', '0', '--log-witness', 'no-url-here'], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--log-witness takes URL=VERIFIER_KEY');
    const badKey = await runCli(
      ['serve', '--data-dir', dir, '--port', '0', '--log-witness', 'http://127.0.0.1:9=nope'],
      {
        timeoutMs: 30_000,
      },
    );
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('WITNESS_KEY_INVALID');
  });
});
