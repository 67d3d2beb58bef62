import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { countRows, sessionBody, testClock, uniqueIp, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { ApiResponse, TestServer } from './support/server.js';

/**
 * The abuse controls as a client meets them over HTTP, with the issuer's default limits (DESIGN
 * §6: 10 attempts per address per hour, 60 requests per key per minute, burst 5 then 1/s): keys
 * are judged by their own limits, traffic without a valid key by its address, and a refused
 * request consumes nothing.
 */
describe.each(BACKENDS)('abuse controls over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let server: TestServer;
  const clock = testClock('2030-05-01T10:00:05.000Z');

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    // `limits: {}`: the defaults a fresh `passgeni serve` runs with
    server = await testServer(tdb.db, { clock, limits: {} }, { trustProxy: true });
  });

  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  async function certify(key: string, ip: string): Promise<ApiResponse[]> {
    const session = await api(server.url, '/api/v1/sessions', {
      key,
      body: sessionBody(),
      headers: from(ip),
    });
    const certificate = await api(server.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: session.body.generation_session_id },
      headers: from(ip),
    });
    return [session, certificate];
  }

  it('lets a key issue 12 certificates back-to-back from one address without touching its hourly allowance', async () => {
    clock.set('2030-05-01T10:00:05.000Z');
    const ip = uniqueIp();
    const { key } = await server.issuer.createApiKey({ team: uniqueTeam() });
    const scopes = new Set<string | null>();
    // more than the address's hourly allowance of 10
    for (let i = 0; i < 12; i++) {
      // two requests every two seconds: the key's steady rate after its burst (1/s), 24 requests
      // within its 60 a minute
      clock.advance(2000);
      for (const response of await certify(key, ip)) {
        expect(response.status).toBe(201);
        scopes.add(response.headers.get('x-ratelimit-scope'));
      }
    }
    expect(scopes.has('ip-hour')).toBe(false);
    // the address's allowance is whole: an attempt without a key is its first of ten
    const anonymous = await api(server.url, '/api/v1/certificates', { body: {}, headers: from(ip) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-ratelimit-scope')).toBe('ip-hour');
    expect(anonymous.headers.get('x-ratelimit-remaining')).toBe('9');
  });

  it('refuses anonymous and failed-authentication traffic from an address after 10 attempts in an hour', async () => {
    clock.set('2030-05-01T11:20:00.000Z');
    const ip = uniqueIp();
    const { key } = await server.issuer.createApiKey({ team: uniqueTeam() });
    for (let i = 0; i < 10; i++) {
      const response = await api(server.url, '/api/v1/certificates', {
        ...(i % 2 === 1 && { key: 'passgeni_guessed' }),
        body: { generation_session_id: crypto.randomUUID() },
        headers: from(ip),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(9 - i));
    }
    for (let i = 0; i < 3; i++) {
      const refused = await api(server.url, '/api/v1/sessions', {
        key: 'passgeni_guessed',
        body: sessionBody(),
        headers: from(ip),
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe(String(40 * 60));
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', limit: 'ip-hour', retry_after: 2400 });
    }
    // refused attempts consume nothing more, and a valid key from the same address still works
    expect(
      await countRows(server.issuer.database, 'rate_windows', 'subject = $1 AND hits = 11', [
        `ip-hour:${ip}`,
      ]),
    ).toBe(1);
    expect((await certify(key, ip)).map((r) => r.status)).toEqual([201, 201]);
    // another address is not affected
    expect(
      (await api(server.url, '/api/v1/certificates', { body: {}, headers: from(uniqueIp()) })).status,
    ).toBe(401);
  });

  it('does not let a 429 consume anything: the refused certificate request leaves its session usable', async () => {
    clock.set('2030-05-01T12:00:05.000Z');
    const ip = uniqueIp();
    const { key } = await server.issuer.createApiKey({ team: uniqueTeam() });
    const session = await api(server.url, '/api/v1/sessions', {
      key,
      body: sessionBody(),
      headers: from(ip),
    });
    // spend the rest of the burst
    for (let i = 0; i < 4; i++) {
      expect((await api(server.url, '/api/v1/certificates?limit=1', { key, headers: from(ip) })).status).toBe(
        200,
      );
    }
    const body = { generation_session_id: session.body.generation_session_id };
    const refused = await api(server.url, '/api/v1/certificates', { key, body, headers: from(ip) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({ limit: 'key-burst' });
    clock.advance(1000);
    const issued = await api(server.url, '/api/v1/certificates', { key, body, headers: from(ip) });
    expect(issued.status).toBe(201);
    // six requests passed this minute: the refused one was not counted
    expect(issued.headers.get('x-ratelimit-scope')).toBe('key-burst');
    const next = await api(server.url, '/api/v1/certificates?limit=1', { key, headers: from(ip) });
    expect(next.status).toBe(429);
    clock.advance(1000);
    const listed = await api(server.url, '/api/v1/certificates?limit=1', { key, headers: from(ip) });
    expect(listed.status).toBe(200);
    expect(
      await countRows(server.issuer.database, 'key_limits', 'hits = 7 AND window_start = $1', [
        new Date('2030-05-01T12:00:00.000Z'),
      ]),
    ).toBe(1);
  });

  it('gives a key created with a per-minute limit of 2 a 429 with Retry-After on its third request in a minute', async () => {
    clock.set('2030-05-01T13:00:15.000Z');
    const ip = uniqueIp();
    const slow = await server.issuer.createApiKey({ team: uniqueTeam(), perMinute: 2 });
    const other = await server.issuer.createApiKey({ team: uniqueTeam() });
    expect((await certify(slow.key, ip)).map((r) => r.status)).toEqual([201, 201]);
    const third = await api(server.url, '/api/v1/sessions', {
      key: slow.key,
      body: sessionBody(),
      headers: from(ip),
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('45');
    expect(third.headers.get('x-ratelimit-scope')).toBe('key-minute');
    expect(third.headers.get('x-ratelimit-limit')).toBe('2');
    expect(third.body).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'key-minute',
      retry_after: 45,
      retry_after_ms: 45_000,
    });
    // the same address with another key is not affected
    expect((await certify(other.key, ip)).map((r) => r.status)).toEqual([201, 201]);
    // a fast key's bucket refills 10 a second: Retry-After says 1 s, retry_after_ms the real 100 ms
    const fast = await server.issuer.createApiKey({ team: uniqueTeam(), perMinute: 600, burst: 1 });
    await api(server.url, '/api/v1/certificates', { key: fast.key, headers: from(ip) });
    const soon = await api(server.url, '/api/v1/certificates', { key: fast.key, headers: from(ip) });
    expect([
      soon.status,
      soon.headers.get('retry-after'),
      soon.body.retry_after_ms,
      soon.body.refill_interval_ms,
    ]).toEqual([429, '1', 100, 100]);
    // the next minute the slow key may make two more requests
    clock.set('2030-05-01T13:01:00.000Z');
    expect((await certify(slow.key, ip)).map((r) => r.status)).toEqual([201, 201]);
  });
});
