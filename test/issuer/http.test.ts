import { calculateJwkThumbprint, createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefersJson } from '../../src/issuer/index.js';
import { STANDARD_IDS } from '../../src/policy/types.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import {
  SOURCE,
  countRows,
  sessionBody,
  strongParams,
  testClock,
  uniqueTeam,
  weakParams,
} from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

interface Issued {
  cert_id: string;
  cert_url: string;
  certificate: string;
  expires_at: string;
}

describe.each(BACKENDS)('issuer over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  const clock = testClock('2031-06-01T08:00:00.000Z');

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db, { clock });
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  async function newKey() {
    return t.issuer.createApiKey({ team: uniqueTeam() });
  }

  async function issue(key: string, body: Record<string, unknown> = {}): Promise<Issued> {
    const session = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key,
      body: sessionBody(),
    });
    expect(session.status).toBe(201);
    const cert = await api<Issued>(t.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: session.body.generation_session_id, ...body },
    });
    expect(cert.status).toBe(201);
    // valid from here on: a store holds the credential (pending ones: test/issuer/activation.test.ts)
    const activated = await api(t.url, `/api/v1/certificates/${cert.body.cert_id}/activate`, {
      key,
      method: 'POST',
    });
    expect(activated.status).toBe(200);
    return cert.body;
  }

  it('issues a certificate that verifies with jose against the remote JWKS; claims per DESIGN §5, no personal data', async () => {
    const key = await newKey();
    const session = await api<Record<string, unknown>>(t.url, '/api/v1/sessions', {
      key: key.key,
      body: { ...sessionBody('PCI-DSS'), credential_kind: 'user', entropy_bits: 4096 },
    });
    expect(session.status).toBe(201);
    expect(session.body).toEqual({
      generation_session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expires_at: new Date(clock().getTime() + 60_000).toISOString(),
      entropy_bits: 130.92,
      // a PCI user password (90 days) meets every entry but the STIG (run limits, 60 days) and
      // FIPS-140-3 (the client is not in FIPS mode)
      standards_met: STANDARD_IDS.filter((id) => id !== 'DOD-STIG' && id !== 'FIPS-140-3'),
    });

    const generatedAt = new Date(clock().getTime() - 250).toISOString();
    const cert = await api<Issued & Record<string, unknown>>(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: session.body.generation_session_id, generated_at: generatedAt },
    });
    expect(cert.status).toBe(201);
    expect(cert.headers.get('location')).toBe(cert.body.cert_url);
    expect(cert.body).toMatchObject({
      cert_url: `${t.url}/cert/${cert.body.cert_id}`,
      compliance_standard: 'PCI-DSS',
      entropy_bits: 130.92,
      expires_at: new Date(Math.floor(clock().getTime() / 1000) * 1000 + 365 * 86_400_000).toISOString(),
    });

    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(cert.body.certificate, jwks, {
      issuer: t.issuer.issuerId,
      algorithms: ['ES256'],
      currentDate: clock(),
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: t.issuer.kid });
    // the documented member order (version 2's): what the issuer verified, then what the client
    // asserted, with no optional claim not asked for
    expect(Object.keys(payload)).toEqual([
      'jti',
      'iss',
      'sub',
      'iat',
      'exp',
      'cert_version',
      'compliance_standard',
      'credential_kind',
      'standards_met',
      'generation_params',
      'entropy_bits',
      'generation_session_id',
      'rotate_by',
      'rotation_basis',
      'asserted',
    ]);
    expect(Object.keys(payload.asserted as object)).toEqual(['entropy_source', 'generated_at']);
    expect(payload).toMatchObject({
      jti: cert.body.cert_id,
      iss: t.issuer.issuerId,
      sub: key.team_id,
      cert_version: 2,
      compliance_standard: 'PCI-DSS',
      credential_kind: 'user',
      generation_params: strongParams(),
      entropy_bits: 130.92,
      generation_session_id: session.body.generation_session_id,
      rotate_by: new Date(new Date(generatedAt).getTime() + 90 * 86_400_000).toISOString(),
      rotation_basis: 'clause',
      asserted: { entropy_source: SOURCE, generated_at: generatedAt },
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(365 * 86_400);
    const text = JSON.stringify(payload);
    expect(text).not.toContain(key.team_name);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+/);
  });

  it('answers each refusal with its documented status and code, storing nothing for it', async () => {
    const key = await newKey();
    const noAuth = await api(t.url, '/api/v1/sessions', { body: sessionBody() });
    expect([noAuth.status, noAuth.body.code]).toEqual([401, 'AUTH_REQUIRED']);
    const badAuth = await api(t.url, '/api/v1/sessions', {
      key: 'passgeni_not-a-real-key',
      body: sessionBody(),
    });
    expect([badAuth.status, badAuth.body.code]).toEqual([401, 'API_KEY_INVALID']);

    const weak = await api<{ code: string; violations: Array<{ rule: string; standard: string }> }>(
      t.url,
      '/api/v1/sessions',
      {
        key: key.key,
        body: sessionBody('HIPAA', weakParams()),
      },
    );
    expect(weak.status).toBe(422);
    expect(weak.body.code).toBe('POLICY_VIOLATION');
    expect(weak.body.violations.length).toBeGreaterThan(0);
    expect(weak.body.violations.every((v) => v.standard === 'HIPAA')).toBe(true);
    expect(await countRows(tdb.db, 'sessions', 'team_id = $1', [key.team_id])).toBe(0);

    const forged = await api(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect([forged.status, forged.body.code]).toEqual([404, 'SESSION_NOT_FOUND']);

    const s1 = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody(),
    });
    const first = await api(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: s1.body.generation_session_id },
    });
    expect(first.status).toBe(201);
    const reuse = await api(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: s1.body.generation_session_id },
    });
    expect([reuse.status, reuse.body.code, reuse.body.cert_id]).toEqual([
      409,
      'SESSION_USED',
      first.body.cert_id,
    ]);

    const s2 = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody(),
    });
    clock.advance(61_000);
    const expired = await api(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: s2.body.generation_session_id },
    });
    expect([expired.status, expired.body.code]).toEqual([410, 'SESSION_EXPIRED']);
    expect(await countRows(tdb.db, 'certificates', 'team_id = $1', [key.team_id])).toBe(1);

    const notJson = await api(t.url, '/api/v1/sessions', { key: key.key, body: '{"standard":' });
    expect([notJson.status, notJson.body.code]).toEqual([400, 'INVALID_REQUEST']);
    const wrongType = await api(t.url, '/api/v1/sessions', {
      key: key.key,
      body: 'standard=HIPAA',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([wrongType.status, wrongType.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const huge = await api(t.url, '/api/v1/sessions', { key: key.key, body: { pad: 'x'.repeat(20_000) } });
    expect([huge.status, huge.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unknown = await api(t.url, '/api/v2/whatever');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    const notCertifiable = await api(t.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody('CMMC-L2'),
    });
    expect([notCertifiable.status, notCertifiable.body.code]).toEqual([400, 'STANDARD_NOT_CERTIFIABLE']);
    const badParams = await api<{ issues: unknown[] }>(t.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody('HIPAA', { ...strongParams(), length: -1 }),
    });
    expect([badParams.status, badParams.body.issues.length > 0]).toEqual([400, true]);
  });

  it('shows the status on /cert/:id as a page and as JSON, and revocation at once', async () => {
    const key = await newKey();
    const cert = await issue(key.key, { label: '<script>alert(1)</script> & "quotes"' });
    const page = await fetch(`${t.url}/cert/${cert.cert_id}`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('>VALID<');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(`createRemoteJWKSet(new URL(&quot;${t.url}/.well-known/jwks.json&quot;))`);
    expect(html).toContain(`passgeni verify ${t.url}/cert/${cert.cert_id}`);
    expect(html).toContain(cert.certificate);
    // nothing is loaded from anywhere (no absolute src), and links stay on the issuer (its JWKS)
    expect(html).not.toMatch(/src="https?:/);
    const links = [...html.matchAll(/href="(https?:[^"]*)"/g)].map((m) => m[1]);
    expect(links).toContain(`${t.url}/.well-known/jwks.json`);
    expect(links.filter((link) => !link?.startsWith(`${t.url}/`))).toEqual([]);

    const json = await api<{ status: string; certificate: string; claims: { jti: string } }>(
      t.url,
      `/cert/${cert.cert_id}`,
    );
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      status: 'valid',
      certificate: cert.certificate,
      claims: { jti: cert.cert_id },
    });
    const viaApi = await api(t.url, `/api/v1/certificates/${cert.cert_id}`);
    expect(viaApi.body).toEqual(json.body);

    const revoke = await api(t.url, `/api/v1/certificates/${cert.cert_id}/revoke`, {
      key: key.key,
      body: { reason: 'key-compromise' },
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({
      status: 'revoked',
      revocation_reason: 'key-compromise',
      revoked_at: clock().toISOString(),
    });
    const after = await (await fetch(`${t.url}/cert/${cert.cert_id}`)).text();
    expect(after).toContain('>REVOKED<');
    expect(after).toContain(`Revoked on ${clock().toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    expect(after).toContain('Reason: key-compromise');
    const afterJson = await api(t.url, `/cert/${cert.cert_id}`);
    expect(afterJson.body).toMatchObject({ status: 'revoked', revocation_reason: 'key-compromise' });

    const other = await newKey();
    const cert2 = await issue(other.key);
    const notOwner = await api(t.url, `/api/v1/certificates/${cert2.cert_id}/revoke`, {
      key: key.key,
      body: { reason: 'superseded' },
    });
    expect([notOwner.status, notOwner.body.code]).toEqual([403, 'CERTIFICATE_NOT_OWNED']);

    clock.advance(366 * 86_400_000);
    const expired = await (await fetch(`${t.url}/cert/${cert2.cert_id}`)).text();
    expect(expired).toContain('>EXPIRED<');
    expect((await api(t.url, `/cert/${cert2.cert_id}`)).body).toMatchObject({ status: 'expired' });
    clock.advance(-366 * 86_400_000);

    const download = await fetch(`${t.url}/cert/${cert.cert_id}/jwt`);
    expect(download.headers.get('content-type')).toMatch(/^application\/jwt/);
    expect(download.headers.get('content-disposition')).toContain(`passgeni-${cert.cert_id}.jwt`);
    expect((await download.text()).trim()).toBe(cert.certificate);

    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "'><img src=x>"]) {
      const missing = await fetch(`${t.url}/cert/${encodeURIComponent(id)}`, {
        headers: { accept: 'text/html,*/*;q=0.8' },
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await missing.text()).toContain('NOT FOUND');
      const missingJson = await api(t.url, `/cert/${encodeURIComponent(id)}`);
      expect([missingJson.status, missingJson.body.code]).toEqual([404, 'CERTIFICATE_NOT_FOUND']);
    }
  });

  it('lists the team registry over HTTP with filters and a cursor', async () => {
    const key = await newKey();
    for (const label of ['a/1', 'a/2', 'b/1']) await issue(key.key, { label });
    const page1 = await api<{ certificates: Array<{ label: string }>; next_cursor: string }>(
      t.url,
      '/api/v1/certificates?limit=2',
      { key: key.key },
    );
    expect(page1.status).toBe(200);
    expect(page1.body.certificates).toHaveLength(2);
    const page2 = await api<{ certificates: unknown[]; next_cursor: null }>(
      t.url,
      `/api/v1/certificates?limit=2&cursor=${page1.body.next_cursor}`,
      { key: key.key },
    );
    expect(page2.body).toMatchObject({ next_cursor: null });
    expect(page2.body.certificates).toHaveLength(1);
    const prefixed = await api<{ certificates: unknown[] }>(t.url, '/api/v1/certificates?label_prefix=a/', {
      key: key.key,
    });
    expect(prefixed.body.certificates).toHaveLength(2);
    const bad = await api(t.url, '/api/v1/certificates?limit=0', { key: key.key });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_REQUEST']);
    const noKey = await api(t.url, '/api/v1/certificates');
    expect(noKey.status).toBe(401);
  });

  it('serves the JWKS with caching headers, health and Prometheus metrics', async () => {
    const jwks = await fetch(`${t.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await jwks.json()) as { keys: Array<Record<string, unknown>> };
    expect(body.keys).toEqual([
      expect.objectContaining({ kid: t.issuer.kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' }),
    ]);
    expect(JSON.stringify(body)).not.toContain('"d"');
    const etag = jwks.headers.get('etag') ?? '';
    const cached = await fetch(`${t.url}/.well-known/jwks.json`, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);

    const health = await api(t.url, '/healthz');
    expect([health.status, health.body]).toEqual([200, { status: 'ok', database: 'ok' }]);

    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await metrics.text();
    expect(text).toMatch(
      /^passgeni_http_requests_total\{method="POST",route="\/api\/v1\/certificates",status="201"\} \d+$/m,
    );
    expect(text).toMatch(
      /^passgeni_http_request_duration_seconds_bucket\{le="\+Inf",route="\/api\/v1\/sessions"\} \d+$/m,
    );
    expect(text).toMatch(/^passgeni_certificates_issued_total\{standard="HIPAA"\} \d+$/m);
    expect(text).toMatch(/^passgeni_certificates_revoked_total\{reason="key-compromise"\} 1$/m);
    expect(text).toMatch(/^passgeni_sessions_created_total\{standard="HIPAA"\} \d+$/m);
    expect(text).toMatch(/^passgeni_auth_failures_total \d+$/m);
    expect(text).toMatch(/^passgeni_teams_flagged 0$/m);
    expect(text).toMatch(/^passgeni_signing_keys 1$/m);
    expect(text).toMatch(/^passgeni_database_up 1$/m);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/);
    }
  });

  it('publishes its identity document: who it is, where its keys and certificates are, key thumbprints', async () => {
    const audited = await countRows(tdb.db, 'usage_events');
    const response = await fetch(`${t.url}/.well-known/passgeni-issuer`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string; kty: string; crv: string; x: string; y: string }>;
    };
    const key = jwks.keys[0];
    expect(await response.json()).toEqual({
      issuer: t.issuer.issuerId,
      jwks_uri: `${t.url}/.well-known/jwks.json`,
      certificate_url_prefix: `${t.url}/cert/`,
      api: `${t.url}/api/v1`,
      keys: [{ kid: t.issuer.kid, thumbprint: key && (await calculateJwkThumbprint(key, 'sha256')) }],
      log: {
        origin: t.issuer.issuerId,
        verifier_key: t.issuer.log.verifierKey,
        checkpoint_url: `${t.url}/log/checkpoint`,
        tiles_url: `${t.url}/log/`,
      },
    });
    const etag = response.headers.get('etag') ?? '';
    const cached = await fetch(`${t.url}/.well-known/passgeni-issuer`, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
    // Public and unauthenticated, like the JWKS: reading it leaves no audit row.
    expect(await countRows(tdb.db, 'usage_events')).toBe(audited);
  });

  it('never logs an API key, a token or an Authorization header', async () => {
    const key = await newKey();
    await issue(key.key, { label: 'log-check' });
    await api(t.url, '/api/v1/certificates', { key: key.key });
    await api(t.url, '/api/v1/sessions', {
      key: 'passgeni_wrong_key_value_for_the_log_test_xx',
      body: sessionBody(),
    });
    const all = t.logs.join('');
    expect(all).toContain('"route":"/api/v1/certificates"');
    expect(all).not.toContain(key.key);
    expect(all).not.toContain('passgeni_wrong_key_value');
    expect(all.toLowerCase()).not.toContain('bearer');
  });
});

describe.each(BACKENDS)('rate-limit headers over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  const clock = testClock('2031-07-01T08:00:00.000Z');

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(
      tdb.db,
      {
        clock,
        limits: { keyBurst: 5, keyRefillPerSecond: 1, keyRequestsPerMinute: 60, ipCertificatesPerHour: 10 },
      },
      { trustProxy: true },
    );
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  it('answers a burst beyond 5 with 429, Retry-After and X-RateLimit-* headers', async () => {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    for (let i = 0; i < 5; i++) {
      const ok = await api(t.url, '/api/v1/certificates', { key: key.key });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-scope')).toBe('key-burst');
      expect(ok.headers.get('x-ratelimit-limit')).toBe('5');
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
    }
    const limited = await api(t.url, '/api/v1/certificates', { key: key.key });
    expect([limited.status, limited.body.code, limited.body.limit]).toEqual([
      429,
      'RATE_LIMITED',
      'key-burst',
    ]);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(clock().getTime() / 1000) + 5);
    clock.advance(1000);
    expect((await api(t.url, '/api/v1/certificates', { key: key.key })).status).toBe(200);
  });

  it('limits attempts without a valid key per client address taken from X-Forwarded-For when trusted', async () => {
    const ip = '203.0.113.77';
    const body = { generation_session_id: '00000000-0000-4000-8000-000000000000' };
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    for (let i = 0; i < 10; i++) {
      const r = await api(t.url, '/api/v1/certificates', {
        key: i % 2 ? 'passgeni_unknown' : '',
        body,
        headers: { 'x-forwarded-for': ip },
      });
      expect(r.status).toBe(401);
    }
    const limited = await api(t.url, '/api/v1/certificates', {
      key: 'passgeni_unknown',
      body,
      headers: { 'x-forwarded-for': ip },
    });
    expect([limited.status, limited.body.limit]).toEqual([429, 'ip-hour']);
    const nextHour = Math.ceil((clock().getTime() + 1) / 3_600_000) * 3_600_000;
    expect(Number(limited.headers.get('retry-after'))).toBe(Math.ceil((nextHour - clock().getTime()) / 1000));
    // a valid key from that address is judged by its own limits only (and finds no such session)
    const withKey = await api(t.url, '/api/v1/certificates', {
      key: key.key,
      body,
      headers: { 'x-forwarded-for': ip },
    });
    expect(withKey.status).toBe(404);
    const elsewhere = await api(t.url, '/api/v1/certificates', {
      key: 'passgeni_unknown',
      body,
      headers: { 'x-forwarded-for': '203.0.113.78' },
    });
    expect(elsewhere.status).toBe(401);
  });
});

describe('content negotiation', () => {
  it('serves JSON only when the client ranks it above HTML', () => {
    expect(prefersJson(undefined)).toBe(false);
    expect(prefersJson('application/json')).toBe(true);
    expect(prefersJson('*/*')).toBe(false);
    expect(prefersJson('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(false);
    expect(prefersJson('application/json, text/html;q=0.5')).toBe(true);
    expect(prefersJson('text/html;q=0.1, application/*')).toBe(true);
    expect(prefersJson('application/json;q=0')).toBe(false);
    expect(SOURCE.fips_mode).toBe(false);
  });
});
