import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { SOURCE, strongParams, uniqueTeam } from './support/fixtures.js';
import { testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

/**
 * Arbitrary request bodies, paths, queries and headers must get a 4xx answer, never a 5xx, and
 * the server must keep serving afterwards.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Bodies near the valid shape (the interesting part of the space), and arbitrary JSON. */
const sessionLike = fc.record(
  {
    standard: fc.oneof(
      fc.constantFrom('HIPAA', 'pci dss', 'FIPS-140-3', 'DOD-STIG', ''),
      fc.string(),
      fc.integer(),
      fc.constant(null),
    ),
    generation_params: fc.oneof(
      fc.record(
        {
          length: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.string()),
          has_upper: fc.oneof(fc.boolean(), fc.string()),
          has_lower: fc.boolean(),
          has_numbers: fc.boolean(),
          has_special: fc.oneof(fc.boolean(), fc.constant(null)),
          char_pool_size: fc.oneof(fc.integer({ min: -1, max: 300 }), fc.double()),
          excluded_characters: fc.integer({ min: -1, max: 100 }),
          class_sizes: fc.oneof(
            fc.record({
              upper: fc.integer({ min: -1, max: 30 }),
              lower: fc.integer({ min: -1, max: 30 }),
              digit: fc.integer({ min: -1, max: 12 }),
              special: fc.integer({ min: -1, max: 40 }),
            }),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.constant(strongParams()),
      fc.jsonValue(),
    ),
    entropy_source: fc.oneof(
      fc.constant(SOURCE),
      fc.record({
        api: fc.string(),
        runtime: fc.string({ maxLength: 300 }),
        openssl: fc.string(),
        fips_mode: fc.jsonValue(),
      }),
      fc.jsonValue(),
    ),
    entropy_bits: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const certificateLike = fc.record(
  {
    generation_session_id: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
    generated_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
      fc.constant('9999-99-99T99:99:99Z'),
    ),
    credential_binding: fc.oneof(
      fc.record({
        alg: fc.constantFrom('scrypt', 'argon2'),
        N: fc.oneof(fc.integer(), fc.constantFrom(2 ** 14, 2 ** 20, 2 ** 21, 2 ** 31)),
        r: fc.integer({ min: -1, max: 64 }),
        p: fc.integer({ min: -1, max: 64 }),
        salt: fc.string(),
        digest: fc.string(),
      }),
      fc.jsonValue(),
    ),
    label: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 140 }),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

const anyBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  sessionLike.map((v) => JSON.stringify(v)),
  certificateLike.map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
);

describe.each(BACKENDS)('fuzzed requests on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  let key: string;

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db);
    key = (await t.issuer.createApiKey({ team: uniqueTeam() })).key;
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  async function send(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<number> {
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('answers arbitrary session and certificate bodies with 2xx/4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/sessions', '/api/v1/certificates'),
        anyBody,
        async (path, body) => {
          const status = await send('POST', path, body);
          expect(status, `${path} ${body.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers arbitrary paths, ids, queries and headers with 4xx or a page, never 5xx', async () => {
    const segment = fc.oneof(
      fc.webSegment(),
      fc.uuid(),
      fc.string({ maxLength: 60 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.webPath().map((p) => p || '/'),
      segment.map((s) => `/cert/${s}`),
      segment.map((s) => `/cert/${s}/jwt`),
      segment.map((s) => `/api/v1/certificates/${s}`),
      fc.webQueryParameters().map((q) => `/api/v1/certificates?${q}`),
      fc.webQueryParameters().map((q) => `/cert/x?${q}`),
    );
    const headers = fc.record(
      {
        accept: fc.oneof(
          fc.constantFrom('application/json', 'text/html', '*/*', 'application/json;q=abc'),
          fc.string({ maxLength: 80 }),
        ),
        authorization: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('Bearer ')),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        path,
        headers,
        anyBody,
        async (method, p, h, body) => {
          const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v)));
          const status = await send(
            method,
            p,
            method === 'GET' || method === 'DELETE' ? undefined : body,
            clean,
          );
          expect(status, `${method} ${p}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers list cursors with any date, in range or not, with 2xx/4xx, never 5xx', async () => {
    // PostgreSQL and PGlite cannot hold some dates JavaScript can (year 300000, ±271821): such a
    // cursor must be refused as invalid, not reach the database
    const cursorAt = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer({ min: -300_000, max: 300_000 }).map((y) => {
        const year =
          y < 0
            ? `-${String(-y).padStart(6, '0')}`
            : y > 9999
              ? `+${String(y).padStart(6, '0')}`
              : String(y).padStart(4, '0');
        return `${year}-01-01T00:00:00.000Z`;
      }),
      fc.constantFrom(
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '0000-01-01T00:00:00.000Z',
      ),
      fc.string({ maxLength: 40 }),
    );
    const cursor = fc
      .tuple(cursorAt, fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })))
      .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'));
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(cursor, async (c) => {
        const status = await send('GET', `/api/v1/certificates?cursor=${c}`);
        statuses.push(status);
        expect([200, 400], Buffer.from(c, 'base64url').toString()).toContain(status);
      }),
      { numRuns: RUNS },
    );
    const far = Buffer.from(JSON.stringify(['+300000-01-01T00:00:00.000Z', crypto.randomUUID()])).toString(
      'base64url',
    );
    const response = await fetch(`${t.url}/api/v1/certificates?cursor=${far}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_CURSOR');
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it('answers arbitrary activations and Idempotency-Key headers with 2xx/4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uuid(), fc.webSegment()),
        anyBody,
        fc.string({ maxLength: 200 }).filter((v) => /^[\x21-\x7e]*$/.test(v)),
        async (id, body, idempotencyKey) => {
          const activated = await send(
            'POST',
            `/api/v1/certificates/${encodeURIComponent(id)}/activate`,
            body,
          );
          expect(activated).toBeLessThan(500);
          const issued = await send('POST', '/api/v1/certificates', body, {
            'idempotency-key': idempotencyKey,
          });
          expect(issued).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers arbitrary revocations with 4xx, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), fc.webSegment()), anyBody, async (id, body) => {
        const status = await send('POST', `/api/v1/certificates/${encodeURIComponent(id)}/revoke`, body);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(t.issuer.metrics.httpRequests.get({ route: '/healthz', method: 'GET', status: '200' })).toBe(1);
    // not one 5xx answered anywhere during the run
    expect((await (await fetch(`${t.url}/metrics`)).text()).match(/status="5\d\d"/g)).toBeNull();
  });
});
