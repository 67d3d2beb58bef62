import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificate } from '../../src/certificate/index.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { SOURCE, countRows, sessionBody, testClock, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

const PROVIDER = {
  name: 'OpenSSL FIPS Provider',
  version: '3.0.9',
  source: 'openssl list -providers on fips.so, the module this process loaded',
};
const FIPS_SOURCE = { ...SOURCE, fips_mode: true, fips_provider: PROVIDER };

interface Session {
  generation_session_id: string;
  standards_met: string[];
  code: string;
  error: string;
}

/** FIPS-140-3 over the HTTP API: a claim about the client's random source, never about the string. */
describe.each(BACKENDS)('FIPS-140-3 at the issuer on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db, { clock: testClock('2031-06-01T08:00:00.000Z') });
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  async function session(key: string, standard: string, entropySource: Record<string, unknown>) {
    return api<Session>(t.url, '/api/v1/sessions', {
      key,
      body: { ...sessionBody(standard), entropy_source: entropySource },
    });
  }

  it('refuses a session asserting fips_mode without the provider (400 FIPS_PROVIDER_REQUIRED), whatever the standard, storing nothing', async () => {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    for (const standard of ['FIPS-140-3', 'HIPAA']) {
      const r = await session(key.key, standard, { ...SOURCE, fips_mode: true });
      expect([r.status, r.body.code]).toEqual([400, 'FIPS_PROVIDER_REQUIRED']);
      expect(r.body.error).toContain('entropy_source.fips_provider');
    }
    const providerWithoutMode = await session(key.key, 'HIPAA', { ...SOURCE, fips_provider: PROVIDER });
    expect([providerWithoutMode.status, providerWithoutMode.body.code]).toEqual([
      400,
      'FIPS_PROVIDER_WITHOUT_FIPS_MODE',
    ]);
    for (const fips_provider of [
      { name: 'OpenSSL FIPS Provider', version: '', source: 'x' },
      { name: 'OpenSSL FIPS Provider', version: '3.0.9' },
      { ...PROVIDER, validated: true },
    ]) {
      const r = await session(key.key, 'FIPS-140-3', { ...SOURCE, fips_mode: true, fips_provider });
      expect([r.status, r.body.code]).toEqual([400, 'INVALID_REQUEST']);
    }
    expect(await countRows(tdb.db, 'sessions', 'team_id = $1', [key.team_id])).toBe(0);
  });

  it('refuses FIPS-140-3 from a source not in FIPS mode (400 FIPS_MODE_REQUIRED), storing nothing', async () => {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    const r = await session(key.key, 'fips', SOURCE);
    expect([r.status, r.body.code]).toEqual([400, 'FIPS_MODE_REQUIRED']);
    expect(r.body.error).toContain('fips_provider');
    expect(await countRows(tdb.db, 'sessions', 'team_id = $1', [key.team_id])).toBe(0);
  });

  it('a HIPAA certificate from a non-FIPS source does not list FIPS-140-3; the same parameters from a named FIPS provider do', async () => {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    const plain = await session(key.key, 'HIPAA', SOURCE);
    expect(plain.status).toBe(201);
    expect(plain.body.standards_met).not.toContain('FIPS-140-3');
    const plainCert = await api<{ certificate: string; standards_met: string[] }>(
      t.url,
      '/api/v1/certificates',
      {
        key: key.key,
        body: { generation_session_id: plain.body.generation_session_id },
      },
    );
    expect(plainCert.status).toBe(201);
    expect(decodeCertificate(plainCert.body.certificate).claims.standards_met).not.toContain('FIPS-140-3');

    const fips = await session(key.key, 'FIPS-140-3', FIPS_SOURCE);
    expect(fips.status).toBe(201);
    expect(fips.body.standards_met).toContain('FIPS-140-3');
    const fipsCert = await api<{ certificate: string }>(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: fips.body.generation_session_id },
    });
    expect(fipsCert.status).toBe(201);
    const { claims } = decodeCertificate(fipsCert.body.certificate);
    expect(claims.compliance_standard).toBe('FIPS-140-3');
    expect(claims.standards_met).toContain('FIPS-140-3');
    // recorded as the client sent it, in the schema's order, through the database round trip
    expect((claims.asserted as { entropy_source: unknown }).entropy_source).toEqual(FIPS_SOURCE);
  });
});
