import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIssuer } from '../../src/issuer/index.js';
import type { Issuer } from '../../src/issuer/index.js';
import { BACKENDS, TEST_DATABASE_URL, createPostgresDatabase, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { NO_LIMITS, TEST_KEY, sessionBody, testClock, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

interface Issued {
  cert_id: string;
  cert_url: string;
  certificate: string;
  expires_at: string;
  status: string;
  activate_by: string;
}

const MINUTE = 60_000;

describe.each(BACKENDS)('pending certificates, activation and idempotent issuance on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  const clock = testClock('2031-03-01T08:00:00.000Z');

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db, { clock, activationTimeoutMinutes: 10 });
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  const newKey = async () => (await t.issuer.createApiKey({ team: uniqueTeam() })).key;

  async function session(key: string): Promise<string> {
    const s = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key,
      body: sessionBody(),
    });
    expect(s.status).toBe(201);
    return s.body.generation_session_id;
  }

  async function issue(key: string, idempotencyKey?: string) {
    const id = await session(key);
    return api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: id, label: 'db' },
      ...(idempotencyKey !== undefined && { headers: { 'idempotency-key': idempotencyKey } }),
    });
  }

  const status = (id: string) =>
    api<{ status: string; activate_by?: string; activated_at?: string; revocation_reason?: string }>(
      t.url,
      `/cert/${id}`,
    );
  const activate = (key: string, id: string) =>
    api<Record<string, unknown>>(t.url, `/api/v1/certificates/${id}/activate`, { key, method: 'POST' });

  async function events(certId: string): Promise<Array<{ type: string; api_key_id: string | null }>> {
    return tdb.db.query('SELECT type, api_key_id FROM usage_events WHERE cert_id = $1::uuid ORDER BY id', [
      certId,
    ]);
  }

  it('issues pending: not valid on the JSON status, the page, the registry or as a JWT download, with the deadline', async () => {
    const key = await newKey();
    const cert = await issue(key);
    expect(cert.status).toBe(201);
    expect(cert.body.status).toBe('pending');
    expect(cert.body.activate_by).toBe(new Date(clock().getTime() + 10 * MINUTE).toISOString());

    const json = await status(cert.body.cert_id);
    expect(json.body.status).toBe('pending');
    expect(json.body.activate_by).toBe(cert.body.activate_by);
    const viaApi = await api<{ status: string }>(t.url, `/api/v1/certificates/${cert.body.cert_id}`);
    expect(viaApi.body.status).toBe('pending');

    const page = await fetch(cert.body.cert_url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('PENDING — NOT VALID');
    expect(html).toContain('has not yet been told that any store holds this credential');
    expect(html).toContain('2031-03-01 08:10:00 UTC');
    expect(html).not.toContain('>VALID<');

    const jwt = await api(t.url, `/cert/${cert.body.cert_id}/jwt`);
    expect(jwt.status).toBe(409);
    expect(jwt.body.code).toBe('CERTIFICATE_PENDING');

    const pending = await api<{
      certificates: Array<{ cert_id: string; status: string; activate_by: string }>;
    }>(t.url, '/api/v1/certificates?status=pending', { key });
    expect(pending.body.certificates.map((c) => [c.cert_id, c.status, c.activate_by])).toEqual([
      [cert.body.cert_id, 'pending', cert.body.activate_by],
    ]);
    const valid = await api<{ certificates: unknown[] }>(t.url, '/api/v1/certificates?status=valid', { key });
    expect(valid.body.certificates).toHaveLength(0);
  });

  it('activates once, idempotently, for the owning team only; then it is valid everywhere and audited', async () => {
    const key = await newKey();
    const cert = (await issue(key)).body;
    const other = await newKey();
    const foreign = await activate(other, cert.cert_id);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'CERTIFICATE_NOT_OWNED']);
    expect((await status(cert.cert_id)).body.status).toBe('pending');

    const first = await activate(key, cert.cert_id);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('valid');
    expect(first.body.activated_at).toBe(clock().toISOString());
    expect(first.body.activate_by).toBeUndefined();
    clock.advance(MINUTE);
    const again = await activate(key, cert.cert_id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    expect((await status(cert.cert_id)).body.status).toBe('valid');
    const jwt = await fetch(`${cert.cert_url}/jwt`);
    expect(jwt.status).toBe(200);
    expect((await jwt.text()).trim()).toBe(cert.certificate);
    const types = (await events(cert.cert_id)).map((e) => e.type);
    expect(types.filter((type) => type === 'certificate.activated')).toHaveLength(1);
    expect(types).toContain('certificate.activate_rejected');
    expect(await t.issuer.metricsText()).toMatch(/passgeni_certificates_activated_total 1\b/);

    const unknown = await activate(key, randomUUID());
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND']);
    const malformed = await activate(key, 'nope');
    expect([malformed.status, malformed.body.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND']);
    const anonymous = await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('refuses to activate a revoked certificate (409 CERTIFICATE_REVOKED)', async () => {
    const key = await newKey();
    const cert = (await issue(key)).body;
    const revoked = await api(t.url, `/api/v1/certificates/${cert.cert_id}/revoke`, {
      key,
      body: { reason: 'issued-in-error' },
    });
    expect(revoked.status).toBe(200);
    const refused = await activate(key, cert.cert_id);
    expect([refused.status, refused.body.code]).toEqual([409, 'CERTIFICATE_REVOKED']);
    expect((await status(cert.cert_id)).body.status).toBe('revoked');
  });

  it('past the deadline, activation answers 409 ACTIVATION_EXPIRED and revokes it not-stored right then', async () => {
    const key = await newKey();
    const cert = (await issue(key)).body;
    clock.advance(10 * MINUTE);
    const late = await activate(key, cert.cert_id);
    expect([late.status, late.body.code]).toEqual([409, 'ACTIVATION_EXPIRED']);
    expect(late.body.error).toContain('revoked (not-stored)');
    const after = await status(cert.cert_id);
    expect([after.body.status, after.body.revocation_reason]).toEqual(['revoked', 'not-stored']);
    const again = await activate(key, cert.cert_id);
    expect([again.status, again.body.code]).toEqual([409, 'ACTIVATION_EXPIRED']);
    expect((await events(cert.cert_id)).map((e) => e.type)).toContain('certificate.expired-pending');
  });

  it("housekeeping revokes pending certificates past their deadline as the issuer's own act, and leaves active ones", async () => {
    const key = await newKey();
    const stale = (await issue(key)).body;
    const kept = (await issue(key)).body;
    expect((await activate(key, kept.cert_id)).status).toBe(200);
    clock.advance(5 * MINUTE);
    const young = (await issue(key)).body;
    clock.advance(5 * MINUTE);
    await t.issuer.housekeeping();
    const swept = await status(stale.cert_id);
    expect([swept.body.status, swept.body.revocation_reason]).toEqual(['revoked', 'not-stored']);
    expect((await status(kept.cert_id)).body.status).toBe('valid');
    expect((await status(young.cert_id)).body.status).toBe('pending');
    const sweptEvents = (await events(stale.cert_id)).filter((e) => e.type === 'certificate.expired-pending');
    expect(sweptEvents).toEqual([{ type: 'certificate.expired-pending', api_key_id: null }]);
    expect(await t.issuer.metricsText()).toMatch(
      /passgeni_certificates_expired_pending_total\{by="sweep"\} [1-9]/,
    );
    clock.advance(5 * MINUTE);
    expect(await t.issuer.revokeExpiredPending()).toBeGreaterThanOrEqual(1);
    expect((await status(young.cert_id)).body.status).toBe('revoked');
  });

  it('a retry with the same Idempotency-Key returns the same certificate (200) and consumes nothing; another request with it is 422', async () => {
    const key = await newKey();
    const idem = randomUUID();
    const sessionId = await session(key);
    const body = { generation_session_id: sessionId, label: 'db' };
    const first = await api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body,
      headers: { 'idempotency-key': idem },
    });
    expect(first.status).toBe(201);
    const retry = await api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body,
      headers: { 'idempotency-key': idem },
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const [{ n } = { n: -1 }] = await tdb.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM certificates WHERE idempotency_key = $1`,
      [idem],
    );
    expect(n).toBe(1);
    const replayed = await tdb.db.query<{ ip: string | null }>(
      `SELECT ip FROM usage_events WHERE type = 'certificate.replayed' AND cert_id = $1::uuid`,
      [first.body.cert_id],
    );
    expect(replayed.map((r) => r.ip)).toEqual(['127.0.0.1']);
    expect(await t.issuer.metricsText()).toMatch(/passgeni_certificate_idempotent_replays_total [1-9]/);

    // the same key with another body: another label for the same session, or a fresh session
    const relabelled = await api(t.url, '/api/v1/certificates', {
      key,
      body: { ...body, label: 'other' },
      headers: { 'idempotency-key': idem },
    });
    expect([relabelled.status, relabelled.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const fresh = await api(t.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: await session(key) },
      headers: { 'idempotency-key': idem },
    });
    expect([fresh.status, fresh.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);

    // without the key, the old behaviour: the session is used
    const keyless = await api(t.url, '/api/v1/certificates', { key, body });
    expect([keyless.status, keyless.body.code]).toEqual([409, 'SESSION_USED']);
    // another team's identical key is its own
    const otherKey = await newKey();
    const other = await api<Issued>(t.url, '/api/v1/certificates', {
      key: otherKey,
      body: { generation_session_id: await session(otherKey) },
      headers: { 'idempotency-key': idem },
    });
    expect(other.status).toBe(201);
    expect(other.body.cert_id).not.toBe(first.body.cert_id);

    const bad = await api(t.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: await session(key) },
      headers: { 'idempotency-key': 'short' },
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  });

  it('a replay of a certificate since activated says valid; of one since revoked is 409 CERTIFICATE_REVOKED', async () => {
    const key = await newKey();
    const idem = randomUUID();
    const body = { generation_session_id: await session(key) };
    const first = await api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body,
      headers: { 'idempotency-key': idem },
    });
    expect((await activate(key, first.body.cert_id)).status).toBe(200);
    const replay = await api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body,
      headers: { 'idempotency-key': idem },
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, status: 'valid', activate_by: undefined });
    await api(t.url, `/api/v1/certificates/${first.body.cert_id}/revoke`, {
      key,
      body: { reason: 'rotated' },
    });
    const gone = await api(t.url, '/api/v1/certificates', {
      key,
      body,
      headers: { 'idempotency-key': idem },
    });
    expect([gone.status, gone.body.code]).toEqual([409, 'CERTIFICATE_REVOKED']);
  });

  it('certificates issued before the upgrade (schema version 3) stay valid', async () => {
    const key = await newKey();
    const cert = (await issue(key)).body;
    // as version 3 wrote it: no activation columns at all
    await tdb.db.query(
      'UPDATE certificates SET activated_at = NULL, activate_by = NULL WHERE id = $1::uuid',
      [cert.cert_id],
    );
    expect((await status(cert.cert_id)).body.status).toBe('valid');
    clock.advance(60 * MINUTE);
    await t.issuer.housekeeping();
    expect((await status(cert.cert_id)).body.status).toBe('valid');
  });
});

const describePg = TEST_DATABASE_URL ? describe : describe.skip;

describePg('pending certificates across two issuers on one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  const clock = testClock('2031-04-01T08:00:00.000Z');
  let a: Issuer;
  let b: Issuer;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // each replica has its own connection pools, as two `passgeni serve` processes would
    [a, b] = (await Promise.all(
      [0, 1].map(() =>
        openIssuer({
          databaseUrl: database.url,
          publicUrl: 'https://issuer.test',
          signingKey: TEST_KEY,
          limits: NO_LIMITS,
          clock,
          jwksRefreshSeconds: 0,
          housekeepingSeconds: 0,
        }),
      ),
    )) as [Issuer, Issuer];
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('a certificate issued on one replica is activated on the other; concurrent sweeps revoke each stale one once', async () => {
    const key = await a.createApiKey({ team: uniqueTeam() });
    const caller = { apiKey: key.key };
    const issueOn = async (issuer: Issuer) => {
      const s = await issuer.createSession(caller, sessionBody());
      return issuer.issueCertificate(caller, { generation_session_id: s.generation_session_id });
    };
    const kept = await issueOn(a);
    expect((await b.activateCertificate(caller, kept.cert_id)).status).toBe('valid');
    expect((await a.getCertificate(kept.cert_id)).status).toBe('valid');

    const stale = await Promise.all([issueOn(a), issueOn(b), issueOn(a), issueOn(b)]);
    clock.advance(15 * MINUTE);
    const swept = await Promise.all([a.revokeExpiredPending(), b.revokeExpiredPending()]);
    expect(swept[0] + swept[1]).toBe(4);
    for (const cert of stale) {
      const status = await b.getCertificate(cert.cert_id);
      expect([status.status, status.revocation_reason]).toEqual(['revoked', 'not-stored']);
    }
    const rows = await a.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM usage_events WHERE type = 'certificate.expired-pending' AND cert_id = ANY($1::uuid[])`,
      [stale.map((c) => c.cert_id)],
    );
    expect(rows[0]?.n).toBe(4);
    expect((await a.getCertificate(kept.cert_id)).status).toBe('valid');
  });
});
