import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { randomUUID } from 'node:crypto';
import { countRows, testClock, testIssuer, uniqueTeam } from './support/fixtures.js';
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
    const notFound = async () =>
      (
        await tdb.db.query<{ n: number }>(
          `SELECT coalesce(sum(count), 0)::int AS n FROM usage_events
           WHERE type = 'certificate.viewed' AND detail->>'found' = 'false'`,
        )
      )[0]?.n ?? 0;
    const before = await notFound();
    expect((await api(t.url, '/api/v1/certificates/not-a-uuid')).status).toBe(404);
    expect((await api(t.url, '/cert/not-a-uuid')).status).toBe(404);
    expect((await api(t.url, `/cert/${randomUUID()}`)).status).toBe(404);
    expect(await notFound()).toBe(before + 3);
  });

  it('grows the audit trail by a bounded number of rows for 10,000 junk requests from one client', async () => {
    const started = Date.now();
    const before = await countRows(tdb.db, 'usage_events');
    const junk = (i: number) =>
      i % 2 === 0
        ? fetch(`${t.url}/api/v1/certificates`, { headers: { authorization: `Bearer pg_${randomUUID()}` } })
        : fetch(`${t.url}/cert/${randomUUID()}`, { headers: { accept: 'application/json' } });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const response = await junk(i + j);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      for (const status of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 5000, 404: 5000 });
    // one row per event type per minute the run spanned
    const minutes = Math.ceil((Date.now() - started) / 60_000) + 1;
    const grown = (await countRows(tdb.db, 'usage_events')) - before;
    expect(grown).toBeGreaterThan(0);
    expect(grown).toBeLessThanOrEqual(2 * minutes);
    const [counted] = await tdb.db.query<{ failed: number; unknown: number }>(
      `SELECT coalesce(sum(count) FILTER (WHERE type = 'auth.failed'), 0)::int AS failed,
              coalesce(sum(count) FILTER (WHERE type = 'certificate.viewed' AND detail->>'found' = 'false'), 0)::int AS unknown
       FROM usage_events`,
    );
    // aggregated, not lost
    expect(counted?.failed).toBeGreaterThanOrEqual(5000);
    expect(counted?.unknown).toBeGreaterThanOrEqual(5000);
  }, 120_000);

  it('prunes audit events older than the retention in housekeeping, and keeps newer ones', async () => {
    const clock = testClock('2032-03-01T00:00:00.000Z');
    const issuer = await testIssuer(tdb.db, { clock, auditRetentionDays: 30 });
    try {
      const at = (days: number) => new Date(clock().getTime() - days * 86_400_000);
      for (const [type, when] of [
        ['retention.old', at(31)],
        ['retention.new', at(29)],
      ] as const) {
        await tdb.db.query(`INSERT INTO usage_events (type, at) VALUES ($1::text, $2::timestamptz)`, [
          type,
          when,
        ]);
      }
      await issuer.housekeeping();
      expect(await countRows(tdb.db, 'usage_events', `type = 'retention.old'`)).toBe(0);
      expect(await countRows(tdb.db, 'usage_events', `type = 'retention.new'`)).toBe(1);
    } finally {
      await issuer.close();
    }
    // 0 keeps everything
    const forever = await testIssuer(tdb.db, {
      clock: testClock('2100-01-01T00:00:00.000Z'),
      auditRetentionDays: 0,
    });
    try {
      await forever.housekeeping();
      expect(await countRows(tdb.db, 'usage_events', `type = 'retention.new'`)).toBe(1);
    } finally {
      await forever.close();
    }
  });
});
