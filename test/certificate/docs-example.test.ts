import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificate } from '../../src/certificate/index.js';
import type { Database, Issuer } from '../../src/issuer/index.js';
import { freshDatabase, type TestDatabase } from '../issuer/support/backends.js';
import { SOURCE, strongParams, testClock, testIssuer, uniqueTeam } from '../issuer/support/fixtures.js';

/**
 * The example payload in docs/certificate.md is what the issuer signs: a real certificate, issued
 * here, with only its random ids (and the issuer's address) replaced by the ones the page shows.
 * PASSGENI_UPDATE_DOCS=1 rewrites the example from the certificate.
 */
const DOC = new URL('../../docs/certificate.md', import.meta.url);
const BLOCK = /(keeps this block in step\):\n\n```json\n)([\s\S]*?)(\n```)/;

const SHOWN = {
  jti: '0b6a1c9e-7f2d-4c55-9a8e-3d1f2b4c6a7e',
  iss: 'https://certs.example.com',
  sub: 'team_3f1c2a9e',
  generation_session_id: '5d3c8f2a-1b4e-4f6a-8c9d-0e1f2a3b4c5d',
};

describe('docs/certificate.md example payload', () => {
  let tdb: TestDatabase;
  let issuer: Issuer;

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    issuer = await testIssuer(tdb.db as Database, {
      publicUrl: SHOWN.iss,
      clock: testClock('2026-06-01T00:00:00.000Z'),
    });
  });
  afterAll(async () => {
    await issuer?.close();
    await tdb?.drop();
  });

  it('is a real certificate from the issuer, ids aside', async () => {
    const { key } = await issuer.createApiKey({ team: uniqueTeam('docs') });
    const caller = { apiKey: key, ip: null };
    const session = await issuer.createSession(caller, {
      standard: 'PCI-DSS',
      // a user password: PCI DSS 8.3.9 sets its 90-day rotate_by
      credential_kind: 'user',
      generation_params: strongParams({ length: 24 }),
      entropy_source: { ...SOURCE, runtime: 'node v24.21.0', openssl: '3.5.8' },
    });
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
      generated_at: '2026-06-01T00:00:00.000Z',
      label: 'prod/db/admin',
    });
    const { claims } = decodeCertificate(cert.certificate);
    const real = { ...claims, ...SHOWN };
    const doc = readFileSync(DOC, 'utf8');
    if (process.env.PASSGENI_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.replace(BLOCK, `$1${JSON.stringify(real, null, 2)}$3`));
      return;
    }
    const shown = JSON.parse(BLOCK.exec(doc)?.[2] ?? 'null') as unknown;
    expect(shown, 'run PASSGENI_UPDATE_DOCS=1 npx vitest run test/certificate/docs-example.test.ts').toEqual(
      real,
    );
  });
});
