import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { HostedIssuerClient, IssuerError, openIssuerClient } from '../../src/issuer-client/index.js';

/**
 * An HTTP double of the hosted PassGeni API, written from the request and answer shapes the
 * service publishes: /api/issue-session (no auth), /api/generate-certificate and /api/revoke/:id
 * (Bearer pk_live_…), and the JWKS at /api/.well-known/jwks.json.
 */
const KEY = 'pk_live_EXAMPLEhostedKey0000000001';

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  body: string;
}

type Handler = (req: Seen) => { status: number; body?: unknown; headers?: Record<string, string> };

let server: Server;
let url: string;
let seen: Seen[];
let routes: Map<string, Handler[]>;

/** Queues answers for `METHOD /path`; each call takes the next, the last one repeats. */
function on(route: string, ...handlers: Handler[]): void {
  routes.set(route, handlers);
}

beforeEach(async () => {
  seen = [];
  routes = new Map();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      const handlers = routes.get(`${entry.method} ${entry.path}`) ?? [];
      const handler = handlers.length > 1 ? handlers.shift() : handlers[0];
      const answer = handler ? handler(entry) : { status: 404, body: { error: 'Not found' } };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const session: Handler = () => ({
  status: 200,
  body: {
    session_token: 'sess_abc123',
    expires_in: 300,
    compliance_valid: true,
    gaps: [],
    standards_met: ['HIPAA'],
  },
});
const issued: Handler = () => ({
  status: 201,
  body: {
    cert_id: 'c0ffee00-1111-4222-8333-444455556666',
    cert_url: 'https://passgeni.ai/cert/c0ffee00-1111-4222-8333-444455556666',
    compliance_standard: 'HIPAA',
    standards_met: ['HIPAA', 'SOC2'],
    entropy_bits: 131.09,
    expires_at: '2027-12-03T00:00:00.000Z',
    created_at: '2026-12-03T00:00:00.000Z',
  },
});

function client(): HostedIssuerClient {
  return new HostedIssuerClient({ url, apiKey: KEY, baseDelayMs: 1 });
}

async function certify(dir: string, issuer = client()) {
  return certifyAndStore(
    { standard: 'HIPAA', length: 20, stores: [`file://${join(dir, 'app.env')}#DB_PASSWORD`] },
    { issuer, openStore: (uri) => openStore(uri, { baseDir: dir }) },
  );
}

async function fails(promise: Promise<unknown>): Promise<IssuerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IssuerError);
  return error as IssuerError;
}

describe('the hosted PassGeni issuer', () => {
  it('a pk_live_ key selects the hosted protocol', async () => {
    expect(await openIssuerClient({ issuerUrl: url, apiKey: KEY })).toBeInstanceOf(HostedIssuerClient);
    expect(await openIssuerClient({ issuerUrl: url, apiKey: 'pg_team_key' })).not.toBeInstanceOf(
      HostedIssuerClient,
    );
  });

  it('certifies: the parameters go unauthenticated, the session token with the key, and cert_url is stored', async () => {
    on('POST /api/issue-session', session);
    on('POST /api/generate-certificate', issued);
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-hosted-'));
    const report = await certify(dir);
    const credential = dotenv.parse(readFileSync(join(dir, 'app.env'))).DB_PASSWORD ?? '';
    expect(credential).toHaveLength(20);
    expect(report).toMatchObject({
      cert_id: 'c0ffee00-1111-4222-8333-444455556666',
      cert_url: 'https://passgeni.ai/cert/c0ffee00-1111-4222-8333-444455556666',
      compliance_standard: 'HIPAA',
      standards_met: ['HIPAA', 'SOC2'],
    });
    expect(JSON.parse(readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8'))).toMatchObject({
      DB_PASSWORD: { cert_url: report.cert_url },
    });

    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api/issue-session',
      'POST /api/generate-certificate',
    ]);
    const [open, redeem] = seen as [Seen, Seen];
    expect(open.auth).toBeUndefined();
    const params = JSON.parse(open.body) as Record<string, unknown>;
    expect(Object.keys(params).sort()).toEqual(
      [
        'char_pool_size',
        'compliance_standard',
        'entropy_bits',
        'has_lower',
        'has_numbers',
        'has_special',
        'has_upper',
        'length',
      ].sort(),
    );
    expect(params).toMatchObject({
      compliance_standard: 'HIPAA',
      length: 20,
      has_upper: true,
      has_lower: true,
    });
    expect(params.entropy_bits).toBeGreaterThan(100);
    expect(redeem.auth).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(redeem.body)).toEqual({ session_token: 'sess_abc123' });
    // the credential never left for the issuer
    for (const s of seen) expect(s.body).not.toContain(credential);
  });

  it('keeps the JWT when the service returns one', async () => {
    on('POST /api/issue-session', session);
    on('POST /api/generate-certificate', () => {
      const answer = issued({} as Seen);
      return { ...answer, body: { ...(answer.body as object), certificate: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' } };
    });
    const report = await certify(mkdtempSync(join(tmpdir(), 'passgeni-hosted-')));
    expect(report.certificate).toBe('eyJhbGciOiJFUzI1NiJ9.e30.sig');
  });

  it('a session the service finds non-compliant is POLICY_VIOLATION with its gaps, before any certificate', async () => {
    on('POST /api/issue-session', () => ({
      status: 200,
      body: {
        session_token: 's',
        expires_in: 300,
        compliance_valid: false,
        gaps: ['length below 16'],
        standards_met: [],
      },
    }));
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-hosted-'));
    const error = await fails(certify(dir));
    expect(error.code).toBe('POLICY_VIOLATION');
    expect(error.message).toContain('length below 16');
    expect(seen).toHaveLength(1);
  });

  it.each([
    [400, { error: 'Session expired or invalid' }, 'SESSION_EXPIRED', 'Run certify again'],
    [401, { error: 'Invalid API key', code: 'INVALID_API_KEY' }, 'API_KEY_INVALID', 'pk_live_'],
    [402, { error: 'Upgrade required', code: 'UPGRADE_REQUIRED' }, 'PLAN_UPGRADE_REQUIRED', 'Authority tier'],
    [
      402,
      { error: 'Monthly limit reached', code: 'LIMIT_REACHED' },
      'QUOTA_EXCEEDED',
      'allowance is used up',
    ],
    [
      422,
      { error: 'Compliance failure', code: 'COMPLIANCE_FAILURE', gaps: ['needs 2 more characters'] },
      'POLICY_VIOLATION',
      'needs 2 more characters',
    ],
  ])(
    'HTTP %i from generate-certificate is %s with the service message; nothing is stored',
    async (status, body, code, advice) => {
      on('POST /api/issue-session', session);
      on('POST /api/generate-certificate', () => ({ status, body }));
      const dir = mkdtempSync(join(tmpdir(), 'passgeni-hosted-'));
      const error = await fails(certify(dir));
      expect(error.code).toBe(code);
      expect(error.message).toContain(body.error.replace(/\.$/, ''));
      expect(error.message).toContain(advice);
      expect(error.message).not.toContain(KEY);
      expect(() => readFileSync(join(dir, 'app.env'))).toThrow();
    },
  );

  it('429 is retried after Retry-After; the certificate then comes', async () => {
    on('POST /api/issue-session', session);
    on(
      'POST /api/generate-certificate',
      () => ({ status: 429, body: { error: 'Too many requests' }, headers: { 'retry-after': '0' } }),
      issued,
    );
    const report = await certify(mkdtempSync(join(tmpdir(), 'passgeni-hosted-')));
    expect(report.cert_id).toBe('c0ffee00-1111-4222-8333-444455556666');
    expect(seen.filter((s) => s.path === '/api/generate-certificate')).toHaveLength(2);
  });

  it('429 that persists is RATE_LIMITED; a 5xx on the certificate request is not retried (the session is single use)', async () => {
    on('POST /api/issue-session', session);
    on('POST /api/generate-certificate', () => ({
      status: 429,
      body: { error: 'Too many requests' },
      headers: { 'retry-after': '0' },
    }));
    expect((await fails(certify(mkdtempSync(join(tmpdir(), 'passgeni-hosted-'))))).code).toBe('RATE_LIMITED');
    seen = [];
    on('POST /api/generate-certificate', () => ({ status: 503, body: { error: 'Unavailable' } }));
    await fails(certify(mkdtempSync(join(tmpdir(), 'passgeni-hosted-'))));
    expect(seen.filter((s) => s.path === '/api/generate-certificate')).toHaveLength(1);
  });

  it('a binding or a label cannot be carried: refused before anything is stored', async () => {
    on('POST /api/issue-session', session);
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-hosted-'));
    const error = await fails(
      certifyAndStore(
        { standard: 'HIPAA', stores: [`file://${join(dir, 'a.env')}#K`], bind: true },
        { issuer: client(), openStore: (uri) => openStore(uri, { baseDir: dir }) },
      ),
    );
    expect(error.code).toBe('ISSUER_UNSUPPORTED');
    expect(error.message).toContain('credential binding');
    expect(seen.some((s) => s.path === '/api/generate-certificate')).toBe(false);
  });

  it('revokes with the key; 404 is CERTIFICATE_NOT_FOUND', async () => {
    on('POST /api/revoke/c0ffee00', () => ({
      status: 200,
      body: { revoked: true, cert_id: 'c0ffee00', revoked_at: '2026-12-03T10:00:00.000Z' },
    }));
    const result = await client().revokeCertificate('c0ffee00', 'compromised');
    expect(result).toMatchObject({ status: 'revoked', revoked_at: '2026-12-03T10:00:00.000Z' });
    expect(seen[0]?.auth).toBe(`Bearer ${KEY}`);
    on('POST /api/revoke/gone', () => ({
      status: 404,
      body: { error: 'Certificate not found or already revoked' },
    }));
    const error = await fails(client().revokeCertificate('gone', 'compromised'));
    expect(error.code).toBe('CERTIFICATE_NOT_FOUND');
    expect(error.exitCode).toBe(1);
  });

  it('reads the JWKS at /.well-known/jwks.json, else at /api/.well-known/jwks.json', async () => {
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      kid: 'passgeni-cert-key-1',
      alg: 'ES256',
      use: 'sig',
    };
    on('GET /api/.well-known/jwks.json', () => ({ status: 200, body: { keys: [jwk] } }));
    const jwks = await client().jwks();
    expect(jwks.keys[0]).toMatchObject({ kid: 'passgeni-cert-key-1' });
    expect(seen.map((s) => s.path)).toEqual(['/.well-known/jwks.json', '/api/.well-known/jwks.json']);
  });

  it('refuses a key of another form and a plain-http URL that is not loopback', () => {
    expect(() => new HostedIssuerClient({ url, apiKey: 'sk_live_x' })).toThrow(/pk_live_/);
    expect(() => new HostedIssuerClient({ url: 'http://passgeni.ai', apiKey: KEY })).toThrow(/https/);
  });
});
