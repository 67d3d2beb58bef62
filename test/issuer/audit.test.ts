import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { countRows, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

/**
 * What the audit trail records of requests refused before they reach an operation, and that such
 * requests count against the key they carry (issue 15, item 7).
 */
describe.each(BACKENDS)('audit of refused requests on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db, {
      limits: { keyRequestsPerMinute: 4, keyBurst: 0, ipCertificatesPerHour: 0 },
    });
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  const rejected = (keyId: string) =>
    tdb.db.query<{ code: string }>(
      `SELECT detail->>'code' AS code FROM usage_events WHERE type = 'api.rejected' AND api_key_id = $1 ORDER BY id`,
      [keyId],
    );

  it('audits invalid JSON, a text/plain body (415) and an unknown route sent with a key, and counts them against it', async () => {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    const notJson = await api(t.url, '/api/v1/sessions', { key: key.key, body: '{"standard":' });
    expect([notJson.status, notJson.body.code]).toEqual([400, 'INVALID_REQUEST']);
    const plain = await api(t.url, '/api/v1/sessions', {
      key: key.key,
      body: '{"standard":"HIPAA"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect([plain.status, plain.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const unknown = await api(t.url, '/api/v1/nothing-here', { key: key.key });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await rejected(key.id)).map((r) => r.code)).toEqual([
      'INVALID_REQUEST',
      'UNSUPPORTED_MEDIA_TYPE',
      'NOT_FOUND',
    ]);
    // three refused requests used three of the key's four a minute
    expect((await api(t.url, '/api/v1/certificates', { key: key.key })).status).toBe(200);
    const fifth = await api(t.url, '/api/v1/nothing-here', { key: key.key });
    expect([fifth.status, fifth.body.code]).toEqual([429, 'RATE_LIMITED']);
  });

  it('audits a view of a malformed id like a not-found one', async () => {
    const before = await countRows(tdb.db, 'usage_events', `type = 'certificate.viewed'`);
    expect((await api(t.url, '/api/v1/certificates/not-a-uuid')).status).toBe(404);
    expect((await api(t.url, '/cert/not-a-uuid')).status).toBe(404);
    const views = await tdb.db.query<{ found: string }>(
      `SELECT detail->>'found' AS found FROM usage_events WHERE type = 'certificate.viewed' ORDER BY id OFFSET $1`,
      [before],
    );
    expect(views.map((v) => v.found)).toEqual(['false', 'false']);
  });
});
