import { SignJWT, decodeJwt, generateKeyPair, jwtVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider } from '../support/oidc-provider.js';
import type { OidcProvider } from '../support/oidc-provider.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { sessionBody, uniqueIp } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

/**
 * OIDC ID tokens instead of API keys, against a real provider on loopback (discovery, JWKS, RS256
 * tokens with GitHub's claim shapes): what is accepted, what is refused with which status and
 * reason, and that both leave their trace in the audit trail.
 */
const AUDIENCE = 'https://issuer.test';

describe.each(BACKENDS)('OIDC workload identity on %s', (backend) => {
  let tdb: TestDatabase;
  let server: TestServer;
  let provider: OidcProvider;
  let stranger: OidcProvider;

  beforeAll(async () => {
    provider = await startOidcProvider({ audience: AUDIENCE });
    stranger = await startOidcProvider({ audience: AUDIENCE });
    tdb = await freshDatabase(backend);
    server = await testServer(
      tdb.db,
      {
        oidc: {
          trust: [provider.issuer],
          audience: AUDIENCE,
          policies: [
            `repository=acme/infra,environment=prod:prod-db`,
            `repository_owner=acme,ref=refs/heads/*:platform`,
          ],
        },
      },
      { trustProxy: true },
    );
  });

  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
    await provider?.close();
    await stranger?.close();
  });

  async function certify(token: string, ip = uniqueIp()) {
    const headers = { 'x-forwarded-for': ip };
    const session = await api(server.url, '/api/v1/sessions', { key: token, body: sessionBody(), headers });
    if (session.status !== 201) return { session, certificate: undefined };
    const certificate = await api(server.url, '/api/v1/certificates', {
      key: token,
      body: { generation_session_id: session.body.generation_session_id },
      headers,
    });
    return { session, certificate };
  }

  async function eventsFor(ip: string) {
    return tdb.db.query<{
      type: string;
      team_id: string | null;
      api_key_id: string | null;
      detail: Record<string, unknown>;
    }>('SELECT type, team_id, api_key_id, detail FROM usage_events WHERE ip = $1 ORDER BY id', [ip]);
  }

  it('issues a certificate on a valid token whose claims match a policy, recording the workload and never the actor', async () => {
    const ip = uniqueIp();
    const token = await provider.mint();
    const { session, certificate } = await certify(token, ip);
    expect(session.status).toBe(201);
    expect(certificate?.status).toBe(201);
    const jwt = String(certificate?.body.certificate);
    const jwks = createLocalJWKSet((await api(server.url, '/.well-known/jwks.json')).body as never);
    const { payload } = await jwtVerify(jwt, jwks);
    expect(payload.workload).toEqual({
      issuer: provider.issuer,
      repository: 'acme/infra',
      repository_id: '123456789',
      workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
      job_workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
      ref: 'refs/heads/main',
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      run_id: '6012345678',
      run_attempt: '1',
      environment: 'prod',
    });
    expect(jwt).not.toContain('octocat');
    expect(JSON.stringify(payload)).not.toMatch(/octocat|583231|actor/);

    // the first policy matched: the certificate belongs to prod-db
    const team = await tdb.db.query<{ name: string }>('SELECT name FROM teams WHERE id = $1', [payload.sub]);
    expect(team[0]?.name).toBe('prod-db');
    const events = await eventsFor(ip);
    const issued = events.find((e) => e.type === 'certificate.issued');
    expect(issued?.api_key_id).toMatch(/^oidc_[0-9a-f]{32}$/);
    const created = events.find((e) => e.type === 'session.created');
    expect(created?.detail.oidc).toEqual({
      iss: provider.issuer,
      sub: 'repo:acme/infra:environment:prod',
      policy: 'repository=acme/infra,environment=prod:prod-db',
    });
  });

  it('shows the workload on the certificate page, without the actor', async () => {
    const { certificate } = await certify(await provider.mint());
    const page = await fetch(String(certificate?.body.cert_url).replace('https://issuer.test', server.url), {
      headers: { accept: 'text/html' },
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Requested by workload');
    expect(html).toContain('acme/infra/.github/workflows/rotate.yml@refs/heads/main');
    expect(html).toContain('6012345678');
    expect(html).not.toContain('octocat');
  });

  it('maps a token to the first policy that matches (a wildcard ref, another team)', async () => {
    const token = await provider.mint({
      claims: provider.githubClaims({
        environment: undefined,
        sub: 'repo:acme/web:ref:refs/heads/dev',
        repository: 'acme/web',
        ref: 'refs/heads/dev',
      }),
    });
    const { certificate } = await certify(token);
    expect(certificate?.status).toBe(201);
    const payload = decodeJwt(String(certificate?.body.certificate));
    const team = await tdb.db.query<{ name: string }>('SELECT name FROM teams WHERE id = $1', [payload.sub]);
    expect(team[0]?.name).toBe('platform');
    expect((payload.workload as Record<string, unknown>).environment).toBeUndefined();
  });

  it('lists the registry and revokes with a token, as with a key', async () => {
    const token = await provider.mint();
    const { certificate } = await certify(token);
    const id = String(certificate?.body.cert_id);
    const list = await api(server.url, '/api/v1/certificates', { key: token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(id);
    const revoked = await api(server.url, `/api/v1/certificates/${id}/revoke`, {
      key: token,
      body: { reason: 'superseded' },
    });
    expect(revoked.status).toBe(200);
  });

  const refusals: Array<[string, () => Promise<string>, number, string, string]> = [
    ['an untrusted issuer', () => stranger.mint(), 401, 'OIDC_TOKEN_INVALID', 'untrusted-issuer'],
    [
      'a token for another audience',
      () => provider.mint({ audience: 'https://someone-else.test' }),
      401,
      'OIDC_TOKEN_INVALID',
      'wrong-audience',
    ],
    [
      'an expired token',
      () => provider.mint({ issuedAt: -900, expiresIn: -300 }),
      401,
      'OIDC_TOKEN_INVALID',
      'expired',
    ],
    [
      'a token not valid yet',
      () => provider.mint({ notBefore: 600, expiresIn: 1200 }),
      401,
      'OIDC_TOKEN_INVALID',
      'not-yet-valid',
    ],
    [
      'alg: none',
      async () => {
        const signed = await provider.mint();
        const [, payload] = signed.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${header}.${payload}.`;
      },
      401,
      'OIDC_TOKEN_INVALID',
      'algorithm-not-allowed',
    ],
    [
      'HS256 with the JWKS as the secret',
      async () => {
        const jwks = provider.jwks();
        const secret = new TextEncoder().encode(JSON.stringify(jwks));
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT(provider.githubClaims())
          .setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]?.kid ?? '' })
          .setIssuer(provider.issuer)
          .setAudience(AUDIENCE)
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(secret);
      },
      401,
      'OIDC_TOKEN_INVALID',
      'algorithm-not-allowed',
    ],
    [
      'an unknown kid',
      async () =>
        provider.mint({ kid: 'not-in-the-jwks', signingKey: (await generateKeyPair('RS256')).privateKey }),
      401,
      'OIDC_TOKEN_INVALID',
      'unknown-key',
    ],
    [
      'a known kid with a forged signature',
      async () => provider.mint({ signingKey: (await generateKeyPair('RS256')).privateKey }),
      401,
      'OIDC_TOKEN_INVALID',
      'bad-signature',
    ],
    [
      'claims that match no policy',
      () =>
        provider.mint({
          claims: provider.githubClaims({ repository: 'evil/infra', repository_owner: 'evil' }),
        }),
      403,
      'OIDC_POLICY_MISMATCH',
      'no-matching-policy',
    ],
  ];

  it.each(refusals)(
    'refuses %s with the documented status and reason, and audits it',
    async (_name, token, status, code, reason) => {
      const ip = uniqueIp();
      const { session, certificate } = await certify(await token(), ip);
      expect(certificate).toBeUndefined();
      expect(session.status).toBe(status);
      expect(session.body.code).toBe(code);
      expect(session.body.reason).toBe(reason);
      expect(String(session.body.error).length).toBeGreaterThan(20);
      const events = await eventsFor(ip);
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe('auth.failed');
      expect(events[0]?.team_id).toBeNull();
      expect(events[0]?.detail).toMatchObject({ op: 'sessions.create', reason });
      // nothing was created
      expect(await tdb.db.query('SELECT 1 FROM sessions WHERE ip = $1', [ip])).toHaveLength(0);
    },
  );

  it('charges a token identity against the key limits, per identity', async () => {
    // the server runs without limits; an issuer with the defaults charges the identity's bucket
    const limited = await testServer(tdb.db, {
      limits: { keyRequestsPerMinute: 60, keyBurst: 2, keyRefillPerSecond: 0.001 },
      oidc: { trust: [provider.issuer], audience: AUDIENCE, policies: ['repository_owner=acme:platform'] },
    });
    try {
      const token = await provider.mint();
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await api(limited.url, '/api/v1/certificates', { key: token })).status);
      expect(statuses).toEqual([200, 200, 429]);
      // another workload (another sub) has its own bucket
      const other = await provider.mint({
        claims: provider.githubClaims({ sub: 'repo:acme/web:ref:refs/heads/main' }),
      });
      expect((await api(limited.url, '/api/v1/certificates', { key: other })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('OIDC configuration', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it.each([
    [{ trust: ['http://token.example.com'], policies: ['a=b:team'] }, 'INVALID_OIDC_ISSUER', /https/],
    [{ trust: ['https://token.example.com?x=1'], policies: ['a=b:team'] }, 'INVALID_OIDC_ISSUER', /query/],
    [{ trust: ['https://token.example.com'], policies: [] }, 'INVALID_OIDC_OPTION', /--oidc-policy/],
    [{ trust: [], policies: ['a=b:team'] }, 'INVALID_OIDC_OPTION', /--trust-oidc/],
    [
      { trust: ['https://token.example.com'], policies: ['repository=acme/infra'] },
      'INVALID_OIDC_POLICY',
      /CLAIM=VALUE/,
    ],
    [{ trust: ['https://token.example.com'], policies: ['=x:team'] }, 'INVALID_OIDC_POLICY', /CLAIM=VALUE/],
    [
      { trust: ['https://token.example.com'], policies: ['a=b:bad team'] },
      'INVALID_OIDC_POLICY',
      /team name/,
    ],
    [{ trust: ['https://token.example.com'], policies: ['a=b,a=c:team'] }, 'INVALID_OIDC_POLICY', /once/],
  ])('refuses %j before opening', async (oidc, code, message) => {
    const error = await testServer(tdb.db, { oidc }).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
  });

  it('refuses a token on an issuer that trusts no provider, saying how to enable it', async () => {
    const provider = await startOidcProvider();
    const server = await testServer(tdb.db);
    try {
      const response = await api(server.url, '/api/v1/certificates', { key: await provider.mint() });
      expect(response.status).toBe(401);
      expect(response.body.reason).toBe('untrusted-issuer');
      expect(String(response.body.error)).toContain('--trust-oidc');
    } finally {
      await server.close();
      await provider.close();
    }
  });
});
