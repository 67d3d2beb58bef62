import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey, signerFor, verifierKeyString } from '../../src/certificate/transparency/note.js';
import { Witness, witnessServer } from '../../src/trust/witness.js';
import { BACKENDS, freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { runCli } from '../support/cli.js';
import { holdingProxy } from './support/hold.js';
import type { HoldingProxy } from './support/hold.js';
import { issueOverHttp, revokeOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { startLocalTsa } from './support/tsa.js';
import type { LocalTsa } from './support/tsa.js';

/**
 * The TSA and the witnesses are asked behind the sequencer (issue 19): with both hung, certificates
 * issued meanwhile are still logged on the sequencer's own timer (proofs available within a few
 * seconds, not after the TSA's 10 s or the witness's 30 s timeout), a certificate logged before the
 * hang keeps being proven against the checkpoint that has its timestamp and cosignature (until it is
 * revoked: a proof never uses a checkpoint that hides the revocation), and once
 * they answer again the newest checkpoint gets both, so `verify --require-timestamp
 * --require-witnesses` passes for the certificates issued during the hang.
 */
const ISSUER_ID = 'https://issuer.test/attest-behind';

interface Proof {
  leaf_index: number;
  tree_size: number;
  checkpoint: string;
  timestamp?: { token: string; gen_time: string };
  revocation?: { leaf_index: number; hashes: string[] };
}

/** Cosignature lines (C2SP signed-note: after the blank line, lines starting with the em dash) beyond the log's own. */
const cosignatures = (note: string) =>
  note
    .slice(note.indexOf('\n\n') + 2)
    .split('\n')
    .filter((l) => l.startsWith('\u2014 ') && !l.startsWith(`\u2014 ${ISSUER_ID} `));

describe.each(BACKENDS)('the TSA and witnesses behind the sequencer (%s)', (backend) => {
  let database: TestDatabase;
  let t: TestServer;
  let tsa: LocalTsa;
  let witness: Witness;
  let witnessHttp: Server;
  let proxy: HoldingProxy;
  let key: string;
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const warnings: string[] = [];

  beforeAll(async () => {
    tsa = await startLocalTsa('tsa');
    witness = new Witness({
      name: 'witness.test/behind',
      privateKey: generateKeyPairSync('ed25519').privateKey,
      logs: [parseVerifierKey(verifierKeyString(signerFor(ISSUER_ID, logKey)))],
      statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-behind-')), 'state.json'),
    });
    witnessHttp = witnessServer(witness);
    await new Promise<void>((resolve) => witnessHttp.listen(0, '127.0.0.1', resolve));
    proxy = await holdingProxy(`http://127.0.0.1:${(witnessHttp.address() as AddressInfo).port}`);
    database = await freshDatabase(backend);
    // the sequencer on its own timer, as `passgeni serve` runs it (every 500 ms)
    t = await testServer(database.db, {
      issuerId: ISSUER_ID,
      logKey,
      tsaUrl: tsa.url,
      logWitnesses: [{ url: proxy.url, verifierKey: witness.verifierKey }],
      logger: {
        info: () => undefined,
        warn: (_: Record<string, unknown>, msg: string) => void warnings.push(msg),
        error: () => undefined,
      },
    });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('behind') })).key;
  }, 60_000);

  afterAll(async () => {
    if (tsa) tsa.hold = false;
    if (proxy) proxy.hold = false;
    await t?.close();
    await database?.drop();
    await proxy?.close();
    await new Promise((resolve) => witnessHttp?.close(resolve));
    await tsa?.close();
  });

  async function activeCert(): Promise<Issued> {
    const cert = await issueOverHttp(t.url, key);
    const activated = await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { key, body: {} });
    expect(activated.status).toBe(200);
    return cert;
  }

  /** Polls the inclusion proof until `ready` accepts it or `seconds` pass; the last proof seen. */
  async function proofWhen(
    c: Issued,
    ready: (p: Proof) => boolean,
    seconds: number,
  ): Promise<Proof | undefined> {
    const deadline = Date.now() + seconds * 1000;
    let last: Proof | undefined;
    do {
      const r = await api<Proof>(t.url, `/api/v1/certificates/${c.cert_id}/inclusion`);
      if (r.status === 200) {
        last = r.body;
        if (ready(last)) return last;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    return last;
  }

  const attested = (p: Proof) => p.timestamp !== undefined && cosignatures(p.checkpoint).length === 1;
  const verify = (c: Issued) =>
    runCli([
      'verify',
      `${t.url}/cert/${c.cert_id}`,
      '--require-timestamp',
      '--tsa-cert',
      tsa.certFile,
      '--witness',
      witness.verifierKey,
      '--require-witnesses',
      '1',
    ]);

  it('keeps logging while the TSA and the witness hang, and attests the newest checkpoint once they answer', async () => {
    // healthy: the first certificate's checkpoint gets both a timestamp and a cosignature
    const before = await activeCert();
    const first = await proofWhen(before, attested, 10);
    expect(first && attested(first)).toBe(true);

    tsa.hold = true;
    proxy.hold = true;
    const during: Issued[] = [await activeCert()];
    const logged = await proofWhen(during[0] as Issued, () => true, 4);
    expect(logged?.leaf_index).toBeGreaterThan(first?.leaf_index ?? Infinity);
    // its checkpoint went to the TSA and the witness, and both requests hang
    const deadline = Date.now() + 4000;
    while ((tsa.held === 0 || proxy.held === 0) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tsa.held).toBe(1);
    expect(proxy.held).toBe(1);
    // certificates issued while they hang are still logged on the sequencer's timer, within seconds
    for (let i = 0; i < 3; i++) during.push(await activeCert());
    for (const c of during.slice(1)) {
      const proof = await proofWhen(c, () => true, 4);
      expect(proof?.leaf_index).toBeGreaterThan(logged?.leaf_index ?? Infinity);
      expect(proof?.tree_size).toBeGreaterThan(proof?.leaf_index ?? Infinity);
      expect(proof?.timestamp).toBeUndefined();
    }
    // one request each in flight: the newer checkpoints wait for the attester, not the other way round
    expect(tsa.held).toBe(1);
    expect(proxy.held).toBe(1);
    expect(warnings.filter((w) => w.includes('did not'))).toEqual([]);
    // a certificate logged before the hang is still proven against its attested checkpoint
    const still = await proofWhen(before, () => true, 1);
    expect(still?.tree_size).toBe(first?.tree_size);
    expect(still && attested(still)).toBe(true);
    // ...but never once it is revoked: its proof moves to a checkpoint holding the revocation
    await revokeOverHttp(t.url, key, before.cert_id, 'compromised');
    const revoked = await proofWhen(before, (p) => p.revocation !== undefined, 4);
    expect(revoked?.revocation?.leaf_index).toBeGreaterThanOrEqual(first?.tree_size ?? Infinity);
    expect(revoked?.tree_size).toBeGreaterThan(revoked?.revocation?.leaf_index ?? Infinity);
    const refused = await verify(during.at(-1) as Issued);
    expect(refused.code).toBe(1);

    // they answer again: the newest checkpoint is timestamped and cosigned, without new entries
    tsa.hold = false;
    proxy.hold = false;
    for (const c of during) {
      const proof = await proofWhen(c, attested, 15);
      expect(proof && attested(proof)).toBe(true);
      expect(proof?.tree_size).toBeGreaterThan(first?.tree_size ?? Infinity);
    }
    const ok = await verify(during.at(-1) as Issued);
    expect(ok.stdout).toContain('timestamp');
    expect(ok.code).toBe(0);
  }, 90_000);
});
