import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLimits, ipSubject } from '../../src/issuer/limits.js';
import { IssuerServiceError, listApiKeys, resolveLimits, revokeApiKey } from '../../src/issuer/index.js';
import type { AbuseLimits, Database, Issuer, QueryOptions, RateLimitState } from '../../src/issuer/index.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import {
  NO_LIMITS,
  countRows,
  rejection,
  sessionBody,
  testClock,
  testIssuer,
  uniqueIp,
  uniqueTeam,
} from './support/fixtures.js';

describe.each(BACKENDS)('abuse controls on %s', (backend) => {
  let tdb: TestDatabase;
  const clock = testClock('2030-03-01T10:00:00.000Z');
  const issuers: Issuer[] = [];

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
  });

  afterAll(async () => {
    for (const issuer of issuers) await issuer.close();
    await tdb?.drop();
  });

  async function withLimits(limits: Partial<AbuseLimits>): Promise<Issuer> {
    const issuer = await testIssuer(tdb.db, { clock, limits: { ...NO_LIMITS, ...limits } });
    issuers.push(issuer);
    return issuer;
  }

  it('allows 10 attempts without a valid key per address per hour, then 429 until the next hour; keys are not counted', async () => {
    clock.set('2030-03-01T10:15:00.000Z');
    const issuer = await withLimits({ ipCertificatesPerHour: 10 });
    const ip = uniqueIp();
    const a = await issuer.createApiKey({ team: uniqueTeam() });
    const revoked = await issuer.createApiKey({ team: uniqueTeam() });
    await revokeApiKey(issuer.database, revoked.id, clock());
    let last: RateLimitState | undefined;
    const onRateLimit = (s: RateLimitState) => (last = s);
    // requests with a valid key, certificates included, never touch the address's allowance
    for (let i = 0; i < 12; i++) {
      const s = await issuer.createSession({ apiKey: a.key, ip, onRateLimit }, sessionBody());
      await issuer.issueCertificate(
        { apiKey: a.key, ip, onRateLimit },
        { generation_session_id: s.generation_session_id },
      );
    }
    expect(last).toBeUndefined();
    const wrongKeys = ['', 'passgeni_guessed', revoked.key];
    for (let i = 0; i < 10; i++) {
      const caller = { apiKey: wrongKeys[i % 3] ?? '', ip, onRateLimit };
      const attempt =
        i % 2
          ? issuer.issueCertificate(caller, { generation_session_id: crypto.randomUUID() })
          : issuer.listCertificates(caller, {});
      expect((await rejection(attempt)).status).toBe(401);
      expect(last).toMatchObject({ scope: 'ip-hour', limit: 10, remaining: 9 - i });
    }
    for (let i = 0; i < 5; i++) {
      const error = await rejection(
        issuer.issueCertificate({ apiKey: 'passgeni_guessed', ip, onRateLimit }, {}),
      );
      expect([error.code, error.status, error.retryAfter]).toEqual(['RATE_LIMITED', 429, 45 * 60]);
      expect(error.toJSON()).toMatchObject({ limit: 'ip-hour', retry_after: 2700 });
    }
    expect(last).toMatchObject({
      scope: 'ip-hour',
      remaining: 0,
      resetAt: new Date('2030-03-01T11:00:00.000Z'),
    });
    // refused attempts consume nothing: the count stops one past the allowance
    const [window] = await issuer.database.query<{ hits: number }>(
      'SELECT hits FROM rate_windows WHERE subject = $1',
      [`ip-hour:${ip}`],
    );
    expect(window?.hits).toBe(11);
    const events = await issuer.database.query<{ type: string; n: number }>(
      `SELECT type, sum(count)::int AS n FROM usage_events WHERE ip = $1 AND type IN ('auth.failed', 'rate_limited')
       GROUP BY type ORDER BY type`,
      [ip],
    );
    expect(events).toEqual([
      { type: 'auth.failed', n: 10 },
      { type: 'rate_limited', n: 5 },
    ]);
    // a valid key from the refused address still works, and another address is not affected
    const s = await issuer.createSession({ apiKey: a.key, ip }, sessionBody());
    await issuer.issueCertificate({ apiKey: a.key, ip }, { generation_session_id: s.generation_session_id });
    expect((await rejection(issuer.listCertificates({ apiKey: '', ip: uniqueIp() }, {}))).status).toBe(401);
    // the next hour starts a new window
    clock.set('2030-03-01T11:00:00.000Z');
    expect((await rejection(issuer.listCertificates({ apiKey: '', ip }, {}))).status).toBe(401);
    expect(issuer.metrics.rateLimited.get({ limit: 'ip-hour' })).toBe(5);
  });

  it('counts an IPv6 client by its /64', async () => {
    expect(ipSubject('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipSubject('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipSubject('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(ipSubject('192.0.2.7')).toBe('192.0.2.7');
    clock.set('2030-03-01T12:00:00.000Z');
    const issuer = await withLimits({ ipCertificatesPerHour: 2 });
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    for (const host of ['::1', '::2']) {
      const error = await rejection(issuer.listCertificates({ apiKey: '', ip: `${prefix}${host}` }, {}));
      expect(error.status).toBe(401);
    }
    const error = await rejection(issuer.listCertificates({ apiKey: '', ip: `${prefix}::3` }, {}));
    expect(error.code).toBe('RATE_LIMITED');
  });

  it('allows 60 requests per key per minute, then 429 with the time to the next minute', async () => {
    clock.set('2030-03-01T13:00:20.000Z');
    const issuer = await withLimits({ keyRequestsPerMinute: 60 });
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    const other = await issuer.createApiKey({ team: uniqueTeam() });
    let last: RateLimitState | undefined;
    const caller = { apiKey: key.key, ip: uniqueIp(), onRateLimit: (s: RateLimitState) => (last = s) };
    for (let i = 0; i < 60; i++) {
      if (i % 3 === 0) await issuer.createSession(caller, sessionBody());
      else await issuer.listCertificates(caller, {});
      expect(last).toMatchObject({ scope: 'key-minute', limit: 60, remaining: 59 - i });
    }
    const error = await rejection(issuer.createSession(caller, sessionBody()));
    expect([error.code, error.status, error.retryAfter]).toEqual(['RATE_LIMITED', 429, 40]);
    expect(last).toMatchObject({
      scope: 'key-minute',
      remaining: 0,
      resetAt: new Date('2030-03-01T13:01:00.000Z'),
    });
    expect(await countRows(issuer.database, 'sessions', 'api_key_id = $1', [key.id])).toBe(20);
    // invalid requests count too (they cost the issuer as much)
    expect((await rejection(issuer.createSession(caller, { nonsense: true }))).code).toBe('RATE_LIMITED');
    // the limit is per key
    await issuer.createSession({ apiKey: other.key }, sessionBody());
    clock.set('2030-03-01T13:01:00.000Z');
    await issuer.createSession(caller, sessionBody());
    expect(last).toMatchObject({ remaining: 59 });
  });

  it('allows a burst of 5 per key, then 1 per second, with Retry-After', async () => {
    clock.set('2030-03-01T14:00:00.000Z');
    const issuer = await withLimits({ keyBurst: 5, keyRefillPerSecond: 1 });
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    let last: RateLimitState | undefined;
    const caller = { apiKey: key.key, onRateLimit: (s: RateLimitState) => (last = s) };
    for (let i = 0; i < 5; i++) {
      await issuer.listCertificates(caller, {});
      expect(last).toMatchObject({ scope: 'key-burst', limit: 5, remaining: 4 - i });
    }
    const error = await rejection(issuer.listCertificates(caller, {}));
    expect([error.code, error.status, error.retryAfter]).toEqual(['RATE_LIMITED', 429, 1]);
    expect(error.toJSON()).toMatchObject({ limit: 'key-burst' });
    // refusals do not drain the bucket further: one second later exactly one request passes
    clock.advance(1000);
    await issuer.listCertificates(caller, {});
    expect((await rejection(issuer.listCertificates(caller, {}))).code).toBe('RATE_LIMITED');
    clock.advance(500);
    expect((await rejection(issuer.listCertificates(caller, {}))).retryAfter).toBe(1);
    clock.advance(2500);
    for (let i = 0; i < 3; i++) await issuer.listCertificates(caller, {});
    expect((await rejection(issuer.listCertificates(caller, {}))).code).toBe('RATE_LIMITED');
    // a long pause refills to the burst size, never beyond
    clock.advance(3_600_000);
    for (let i = 0; i < 5; i++) await issuer.listCertificates(caller, {});
    expect((await rejection(issuer.listCertificates(caller, {}))).code).toBe('RATE_LIMITED');
  });

  it('flags (does not block) a team issuing more than 50 certificates in 24 h', async () => {
    clock.set('2030-03-02T09:00:00.000Z');
    const issuer = await withLimits({ teamFlagThreshold: 50 });
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    const caller = { apiKey: key.key };
    const issue = async () => {
      const s = await issuer.createSession(caller, sessionBody());
      await issuer.issueCertificate(caller, { generation_session_id: s.generation_session_id });
      clock.advance(60_000);
    };
    for (let i = 0; i < 50; i++) await issue();
    const flaggedAt = async () =>
      (
        await issuer.database.query<{ flagged_at: Date | null }>(
          'SELECT flagged_at FROM teams WHERE id = $1',
          [key.team_id],
        )
      )[0]?.flagged_at;
    expect(await flaggedAt()).toBeNull();
    await issue();
    expect(await flaggedAt()).toEqual(new Date('2030-03-02T09:50:00.000Z'));
    const events = await issuer.database.query<{ type: string; detail: Record<string, unknown> }>(
      "SELECT type, detail FROM usage_events WHERE team_id = $1 AND type = 'team.flagged'",
      [key.team_id],
    );
    expect(events).toEqual([{ type: 'team.flagged', detail: { certificates_in_window: 51, threshold: 50 } }]);
    expect(issuer.metrics.teamsFlaggedTotal.get()).toBe(1);
    expect(await issuer.metricsText()).toMatch(/^passgeni_teams_flagged 1$/m);
    // flagged, not blocked; and flagged once per window, not on every issuance
    for (let i = 0; i < 3; i++) await issue();
    expect(await countRows(issuer.database, 'certificates', 'team_id = $1', [key.team_id])).toBe(54);
    expect(
      await countRows(issuer.database, 'usage_events', "team_id = $1 AND type = 'team.flagged'", [
        key.team_id,
      ]),
    ).toBe(1);
    // a team that issued 50 within 24 h but spread out beyond it is not flagged
    const steady = await issuer.createApiKey({ team: uniqueTeam() });
    for (let i = 0; i < 60; i++) {
      const s = await issuer.createSession({ apiKey: steady.key }, sessionBody());
      await issuer.issueCertificate(
        { apiKey: steady.key },
        { generation_session_id: s.generation_session_id },
      );
      clock.advance(30 * 60_000);
    }
    expect(
      await countRows(issuer.database, 'teams', 'id = $1 AND flagged_at IS NOT NULL', [steady.team_id]),
    ).toBe(0);
  });

  // counters live in the database and concurrent requests race for them; each rule must decide as
  // if the requests came one by one
  async function settle<T>(promises: Array<Promise<T>>) {
    const results = await Promise.allSettled(promises);
    const refused = results.flatMap((r) =>
      r.status === 'rejected' && r.reason instanceof IssuerServiceError ? [r.reason] : [],
    );
    const unexpected = results.filter(
      (r) => r.status === 'rejected' && !(r.reason instanceof IssuerServiceError),
    );
    expect(unexpected).toEqual([]);
    return { passed: results.length - refused.length, refused };
  }

  it('lets exactly the burst through when many requests with one key arrive together', async () => {
    clock.set('2030-04-01T10:00:20.000Z');
    const issuer = await withLimits({ keyBurst: 5, keyRefillPerSecond: 1 });
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    const remaining: number[] = [];
    const caller = { apiKey: key.key, onRateLimit: (s: RateLimitState) => remaining.push(s.remaining) };
    const { passed, refused } = await settle(
      Array.from({ length: 12 }, () => issuer.createSession(caller, sessionBody())),
    );
    expect(passed).toBe(5);
    expect(refused.map((e) => [e.code, e.retryAfter])).toEqual(Array(7).fill(['RATE_LIMITED', 1]));
    // each passing request saw its own place in the bucket, as if they had come one by one
    expect(remaining.sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(await countRows(issuer.database, 'sessions', 'api_key_id = $1', [key.id])).toBe(5);
    // refusals are aggregated per key, source and minute (docs/operations.md)
    const [refusals] = await issuer.database.query<{ n: number }>(
      `SELECT sum(count)::int AS n FROM usage_events WHERE api_key_id = $1 AND type = 'rate_limited'`,
      [key.id],
    );
    expect(refusals?.n).toBe(7);
    // refusals did not drain the bucket: one second later exactly one more passes
    clock.advance(1000);
    expect((await settle([1, 2, 3].map(() => issuer.createSession(caller, sessionBody())))).passed).toBe(1);
  });

  it('counts concurrent requests against the per-key minute and per-address hour exactly', async () => {
    clock.set('2030-04-01T11:00:20.000Z');
    const issuer = await withLimits({ keyRequestsPerMinute: 20, ipCertificatesPerHour: 10 });
    const ip = uniqueIp();
    const key = (await issuer.createApiKey({ team: uniqueTeam() })).key;
    // 24 certificate attempts without a valid key from one address: 10 are told the key is not
    // valid, 14 are refused by the per-address limit
    const attempts = await settle(
      Array.from({ length: 24 }, (_, i) =>
        issuer.issueCertificate(
          { apiKey: i % 2 ? '' : 'passgeni_guessed', ip },
          { generation_session_id: crypto.randomUUID() },
        ),
      ),
    );
    const codes = attempts.refused.map((e) => e.code);
    expect(codes.filter((c) => c === 'API_KEY_INVALID' || c === 'AUTH_REQUIRED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(14);
    // 30 requests with one key in one minute from the same address: 20 pass
    const listed = await settle(
      Array.from({ length: 30 }, () => issuer.listCertificates({ apiKey: key, ip }, {})),
    );
    expect(listed.passed).toBe(20);
    expect(listed.refused.every((e) => e.code === 'RATE_LIMITED' && e.toJSON().limit === 'key-minute')).toBe(
      true,
    );
  });

  it("judges a key by its own limits, and a refused request consumes neither the key's minute nor its bucket", async () => {
    clock.set('2030-04-01T11:30:05.000Z');
    // the issuer's defaults are off: only the keys' own settings apply
    const issuer = await withLimits({});
    const own = await issuer.createApiKey({ team: uniqueTeam(), perMinute: 6, burst: 2 });
    expect(own).toMatchObject({ per_minute: 6, burst: 2 });
    const other = await issuer.createApiKey({ team: uniqueTeam() });
    let last: RateLimitState | undefined;
    const caller = { apiKey: own.key, onRateLimit: (s: RateLimitState) => (last = s) };
    const burst = await settle(Array.from({ length: 5 }, () => issuer.listCertificates(caller, {})));
    expect(burst.passed).toBe(2);
    expect(burst.refused.map((e) => [e.toJSON().limit, e.retryAfter])).toEqual(
      Array(3).fill(['key-burst', 10]),
    );
    // the bucket refills at the key's own rate (6 a minute: one every 10 s), up to its burst
    clock.advance(30_000);
    expect((await settle([1, 2, 3].map(() => issuer.listCertificates(caller, {})))).passed).toBe(2);
    clock.advance(20_000);
    await issuer.listCertificates(caller, {});
    await issuer.listCertificates(caller, {});
    // six passed this minute; the five refusals did not count, or this would have come sooner
    expect(last).toMatchObject({ scope: 'key-minute', limit: 6, remaining: 0 });
    // both of its rules refuse the next one; the answer names the longer wait (the bucket's)
    const error = await rejection(issuer.listCertificates(caller, {}));
    expect([error.toJSON().limit, error.retryAfter]).toEqual(['key-burst', 10]);
    clock.advance(10_000);
    await issuer.listCertificates(caller, {});
    // a key without settings of its own is not limited when the issuer's defaults are off
    for (let i = 0; i < 10; i++) await issuer.listCertificates({ apiKey: other.key }, {});
    const listed = await listApiKeys(issuer.database);
    expect(listed.find((k) => k.id === own.id)).toMatchObject({ per_minute: 6, burst: 2 });
    expect(listed.find((k) => k.id === other.id)).toMatchObject({ per_minute: null, burst: null });
    await expect(issuer.createApiKey({ team: uniqueTeam(), perMinute: 0 })).rejects.toMatchObject({
      code: 'INVALID_KEY_LIMITS',
    });
    await expect(issuer.createApiKey({ team: uniqueTeam(), burst: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_KEY_LIMITS',
    });
  });

  it('flags a team once when concurrent issuances cross the threshold, naming the one that crossed it', async () => {
    clock.set('2030-04-01T12:00:20.000Z');
    const issuer = await withLimits({ teamFlagThreshold: 5 });
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    const caller = { apiKey: key.key };
    const sessions = await Promise.all(
      Array.from({ length: 9 }, () => issuer.createSession(caller, sessionBody())),
    );
    const issued = await Promise.all(
      sessions.map((s) =>
        issuer.issueCertificate(caller, { generation_session_id: s.generation_session_id }),
      ),
    );
    expect(new Set(issued.map((c) => c.cert_id)).size).toBe(9);
    const flags = await issuer.database.query<{ cert_id: string; detail: Record<string, unknown> }>(
      "SELECT cert_id, detail FROM usage_events WHERE team_id = $1 AND type = 'team.flagged'",
      [key.team_id],
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]?.detail).toEqual({ certificates_in_window: 6, threshold: 5 });
    expect(issued.map((c) => c.cert_id)).toContain(flags[0]?.cert_id);
    expect(issuer.metrics.teamsFlaggedTotal.get()).toBe(1);
  });

  it('issues the certificate when the flag check fails, and flags the team on its next issuance', async () => {
    clock.set('2030-04-01T13:00:20.000Z');
    let flagCheckFails = true;
    const db = tdb.db;
    const flaky: Database = {
      kind: db.kind,
      query: <R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> =>
        flagCheckFails && options?.name === 'passgeni_team_flag'
          ? Promise.reject(new Error('connection reset'))
          : db.query<R>(text, params, options),
      withSchemaLock: (fn) => db.withSchemaLock(fn),
      close: async () => undefined,
    };
    const issuer = await testIssuer(flaky, { clock, limits: { ...NO_LIMITS, teamFlagThreshold: 2 } });
    issuers.push(issuer);
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    const caller = { apiKey: key.key };
    const issue = async () => {
      const s = await issuer.createSession(caller, sessionBody());
      return issuer.issueCertificate(caller, { generation_session_id: s.generation_session_id });
    };
    for (let i = 0; i < 3; i++) await issue();
    const flags = () =>
      db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM usage_events WHERE team_id = $1 AND type = 'team.flagged'",
        [key.team_id],
      );
    expect(await countRows(db, 'certificates', 'team_id = $1', [key.team_id])).toBe(3);
    expect(await flags()).toEqual([]);
    flagCheckFails = false;
    await issue();
    expect((await flags()).map((f) => f.detail)).toEqual([{ certificates_in_window: 3, threshold: 2 }]);
  });
});

describe('limit arithmetic', () => {
  it('names the limit closest to refusing, and the longest wait when several refuse', () => {
    const limits = resolveLimits();
    const now = new Date('2030-01-01T00:00:30.000Z');
    const ok = evaluateLimits(
      limits,
      {
        keyHits: 58,
        keyWindowStart: new Date('2030-01-01T00:00:00Z'),
        keyTokens: 3,
        keyBurstOk: true,
        ipHits: 2,
        ipWindowStart: new Date('2030-01-01T00:00:00Z'),
      },
      now,
    );
    expect(ok).toMatchObject({ allowed: true, state: { scope: 'key-minute', remaining: 2 } });
    const refused = evaluateLimits(
      limits,
      {
        keyHits: 61,
        keyWindowStart: new Date('2030-01-01T00:00:00Z'),
        keyTokens: 0,
        keyBurstOk: false,
        ipHits: 11,
        ipWindowStart: new Date('2030-01-01T00:00:00Z'),
      },
      now,
    );
    expect(refused).toMatchObject({ allowed: false, state: { scope: 'ip-hour', retryAfter: 3570 } });
  });

  it('rejects nonsensical limits', () => {
    expect(() => resolveLimits({ keyBurst: -1 })).toThrow(/INVALID|must be/);
    expect(() => resolveLimits({ keyBurst: 5, keyRefillPerSecond: 0 })).toThrow(/keyRefillPerSecond/);
    expect(() => resolveLimits({ ipCertificatesPerHour: 1.5 })).toThrow(/whole number/);
    expect(resolveLimits({ keyRefillPerSecond: 0.5 }).keyRefillPerSecond).toBe(0.5);
  });
});
