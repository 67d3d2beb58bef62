import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { SOURCE, strongParams, uniqueTeam } from './support/fixtures.js';
import { testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

/**
 * Arbitrary request bodies, paths, queries and headers, sent to every endpoint, must get a 2xx/4xx
 * answer, never a 5xx, and the server must keep serving afterwards. FUZZ_RUNS requests go to each
 * endpoint (150 by default; `npm run fuzz` sends 5,000 to each, on PGlite and PostgreSQL).
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

const segment = fc.oneof(fc.webSegment(), fc.uuid(), fc.string({ maxLength: 60 }).map(encodeURIComponent));

/** PostgreSQL and PGlite cannot hold some dates JavaScript can (year 300000, ±271821). */
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
  fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00.000Z'),
  fc.string({ maxLength: 40 }),
);
const cursor = fc
  .tuple(cursorAt, fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })))
  .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'));
/** A date parameter: real, impossible, out of range, or anything. */
const dateParam = fc.oneof(
  fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2031-02-30', '1969-12-31', '9999-12-31T23:59:59+01:00', '2031-06-01'),
  fc.string({ maxLength: 30 }),
);

const listQuery = fc.oneof(
  fc.webQueryParameters(),
  cursor.map((c) => `cursor=${c}`),
  fc
    .record(
      {
        limit: fc.oneof(fc.integer({ min: -10, max: 10_000 }).map(String), fc.string({ maxLength: 10 })),
        status: fc.oneof(
          fc.constantFrom('valid', 'revoked', 'expired', 'pending'),
          fc.string({ maxLength: 10 }),
        ),
        standard: fc.oneof(fc.constantFrom('HIPAA', 'PCI-DSS'), fc.string({ maxLength: 10 })),
        since: dateParam,
        team: fc.oneof(fc.constantFrom('engine-tests', 'no-such-team'), fc.string({ maxLength: 70 })),
        cursor,
      },
      { requiredKeys: [] },
    )
    .map((q) => new URLSearchParams(q).toString()),
);

const eventsQuery = fc.oneof(
  fc.webQueryParameters(),
  fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom('certificate.issued', 'auth.failed,team.flagged', ','),
          fc.string({ maxLength: 20 }),
        ),
        team: fc.oneof(fc.constantFrom('engine-tests', 'no-such-team'), fc.string({ maxLength: 70 })),
        since: dateParam,
        until: dateParam,
        limit: fc.oneof(fc.integer({ min: -10, max: 10_000 }).map(String), fc.string({ maxLength: 10 })),
        cursor: fc.oneof(cursor, fc.string({ maxLength: 40 })),
      },
      { requiredKeys: [] },
    )
    .map((q) => new URLSearchParams(q).toString()),
);

/** Headers a client may send; a valid key unless the fuzzer replaces it. */
const headers = fc.record(
  {
    accept: fc.oneof(
      fc.constantFrom('application/json', 'text/html', '*/*', 'application/json;q=abc'),
      fc.string({ maxLength: 80 }),
    ),
    authorization: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('Bearer ')),
    'idempotency-key': fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })),
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
      fc.string({ maxLength: 40 }),
    ),
  },
  { requiredKeys: [] },
);

interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

const request = (
  method: fc.Arbitrary<string> | string,
  path: fc.Arbitrary<string>,
  body?: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      method: typeof method === 'string' ? fc.constant(method) : method,
      path,
      body: body ?? fc.constant(undefined),
      headers,
    })
    .map(({ method: m, path: p, body: b, headers: h }) => ({
      method: m,
      path: p,
      ...(b !== undefined && m !== 'GET' && m !== 'DELETE' && { body: b }),
      headers: Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v))),
    }));

const withQuery = (path: string) =>
  fc.oneof(
    fc.constant(path),
    fc.webQueryParameters().map((q) => `${path}?${q}`),
  );

/** Every route the issuer serves, and the routes it does not. */
const ENDPOINTS: [string, fc.Arbitrary<FuzzRequest>][] = [
  ['POST /api/v1/sessions', request('POST', fc.constant('/api/v1/sessions'), anyBody)],
  ['POST /api/v1/certificates', request('POST', fc.constant('/api/v1/certificates'), anyBody)],
  [
    'GET /api/v1/certificates',
    request(
      'GET',
      listQuery.map((q) => `/api/v1/certificates?${q}`),
    ),
  ],
  [
    'GET /api/v1/events',
    request(
      'GET',
      eventsQuery.map((q) => `/api/v1/events?${q}`),
    ),
  ],
  [
    'GET /api/v1/certificates/:id',
    request(
      'GET',
      segment.map((s) => `/api/v1/certificates/${s}`),
    ),
  ],
  [
    'POST /api/v1/certificates/:id/revoke',
    request(
      'POST',
      segment.map((s) => `/api/v1/certificates/${s}/revoke`),
      anyBody,
    ),
  ],
  [
    'POST /api/v1/certificates/:id/activate',
    request(
      'POST',
      segment.map((s) => `/api/v1/certificates/${s}/activate`),
      anyBody,
    ),
  ],
  [
    'GET /cert/:id',
    request(
      'GET',
      segment.chain((s) => withQuery(`/cert/${s}`)),
    ),
  ],
  [
    'GET /cert/:id/jwt',
    request(
      'GET',
      segment.map((s) => `/cert/${s}/jwt`),
    ),
  ],
  ['GET /.well-known/jwks.json', request('GET', withQuery('/.well-known/jwks.json'))],
  ['GET /.well-known/passgeni-issuer', request('GET', withQuery('/.well-known/passgeni-issuer'))],
  ['GET /healthz', request('GET', withQuery('/healthz'))],
  ['GET /metrics', request('GET', withQuery('/metrics'))],
  [
    'unmatched routes, any method',
    request(
      fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'),
      fc.webPath().map((p) => p || '/'),
      anyBody,
    ),
  ],
];

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

  async function send(r: FuzzRequest): Promise<number> {
    const response = await fetch(`${t.url}${r.path}`, {
      method: r.method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...r.headers },
      ...(r.body !== undefined && { body: r.body }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it.each(ENDPOINTS)(
    `answers ${RUNS} fuzzed requests to %s with 2xx/3xx/4xx, never 5xx`,
    async (_name, arb) => {
      const serverErrors: string[] = [];
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          const status = await send(r);
          sent += 1;
          if (status >= 500)
            serverErrors.push(`${status} ${r.method} ${r.path} ${(r.body ?? '').slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
      expect(serverErrors).toEqual([]);
      expect(sent).toBe(RUNS);
    },
  );

  it('refuses an out-of-range cursor date as INVALID_CURSOR', async () => {
    const far = Buffer.from(JSON.stringify(['+300000-01-01T00:00:00.000Z', crypto.randomUUID()])).toString(
      'base64url',
    );
    const response = await fetch(`${t.url}/api/v1/certificates?cursor=${far}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_CURSOR');
  });

  it('keeps serving, and answered not one 5xx anywhere during the run', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await (await fetch(`${t.url}/metrics`)).text()).match(/status="5\d\d"/g)).toBeNull();
  });
});
