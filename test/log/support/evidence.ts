import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseVerifierKey,
  signerFor,
  verifierKeyString,
} from '../../../src/certificate/transparency/note.js';
import { Witness, witnessServer } from '../../../src/trust/witness.js';
import { freshDatabase, type TestDatabase } from '../../issuer/support/backends.js';
import { uniqueTeam } from '../../issuer/support/fixtures.js';
import { testServer, type TestServer } from '../../issuer/support/server.js';
import { startLocalTsa, type LocalTsa } from './tsa.js';

/**
 * An issuer whose log carries every kind of evidence a verifier can require: checkpoints cosigned
 * by a real witness (over HTTP, C2SP tlog-witness) and timestamped by a real RFC 3161 TSA
 * (`openssl ts -reply`), plus a second TSA it does not use (a certificate that must be refused).
 * The sequencer runs only when the test calls `t.issuer.log.sequence()`.
 */
export interface EvidenceIssuer {
  t: TestServer;
  /** An API key of a fresh team. */
  key: string;
  witness: Witness;
  tsa: LocalTsa;
  otherTsa: LocalTsa;
  /** The `ISSUER_ID=JWKS_URL` line that pins it. */
  trustLine: string;
  close(): Promise<void>;
}

export async function startEvidenceIssuer(issuerId: string): Promise<EvidenceIssuer> {
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const witness = new Witness({
    name: 'witness.test/evidence',
    privateKey: generateKeyPairSync('ed25519').privateKey,
    logs: [parseVerifierKey(verifierKeyString(signerFor(issuerId, logKey)))],
    statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-evidence-')), 'state.json'),
  });
  const server: Server = witnessServer(witness);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tsa = await startLocalTsa('tsa');
  const otherTsa = await startLocalTsa('other');
  const database: TestDatabase = await freshDatabase('pglite');
  const t = await testServer(database.db, {
    issuerId,
    logKey,
    logSequenceMs: 0,
    tsaUrl: tsa.url,
    logWitnesses: [
      { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, verifierKey: witness.verifierKey },
    ],
  });
  const key = (await t.issuer.createApiKey({ team: uniqueTeam('evidence') })).key;
  return {
    t,
    key,
    witness,
    tsa,
    otherTsa,
    trustLine: `${issuerId}=${t.url}/.well-known/jwks.json`,
    async close() {
      await t.close();
      await database.drop();
      await tsa.close();
      await otherTsa.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
