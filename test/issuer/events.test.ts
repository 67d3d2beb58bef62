import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditTrailEvent } from '../../src/issuer/index.js';
import type { CertificateSummary } from '../../src/issuer/types.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { NO_LIMITS, sessionBody, testClock, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import type { TestServer } from './support/server.js';

interface Events {
  events: AuditTrailEvent[];
  next_cursor: string | null;
}
interface Certificates {
  certificates: CertificateSummary[];
  next_cursor: string | null;
}

/** The registry and the audit trail over HTTP: who sees what, filters, paging. */
describe.each(BACKENDS)('registry and audit trail over HTTP on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  const clock = testClock('2031-06-01T08:00:00.000Z');
  let teamA: { key: string; team: string; id: string };
  let teamB: { key: string; team: string; id: string };
  let adminKey: string;
  const issuedA: string[] = [];
  const issuedB: string[] = [];

  async function issue(key: string): Promise<string> {
    const session = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key,
      body: sessionBody(),
    });
    expect(session.status).toBe(201);
    const cert = await api<{ cert_id: string }>(t.url, '/api/v1/certificates', {
      key,
      body: { generation_session_id: session.body.generation_session_id },
    });
    expect(cert.status).toBe(201);
    clock.advance(1000);
    return cert.body.cert_id;
  }

  /** Every page of an endpoint, following next_cursor. */
  async function all<T>(key: string, path: string, field: 'events' | 'certificates'): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await api<Record<string, unknown>>(
        t.url,
        `${path}${cursor ? `${sep}cursor=${cursor}` : ''}`,
        { key },
      );
      expect(page.status, page.text).toBe(200);
      out.push(...(page.body[field] as T[]));
      cursor = page.body.next_cursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 100);
    return out;
  }

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db, { clock, limits: { ...NO_LIMITS, teamFlagThreshold: 2 } });
    const a = await t.issuer.createApiKey({ team: uniqueTeam() });
    const b = await t.issuer.createApiKey({ team: uniqueTeam() });
    teamA = { key: a.key, team: a.team_name, id: a.id };
    teamB = { key: b.key, team: b.team_name, id: b.id };
    adminKey = (await t.issuer.createApiKey({ team: uniqueTeam(), admin: true })).key;
    for (let i = 0; i < 3; i++) issuedA.push(await issue(teamA.key));
    issuedB.push(await issue(teamB.key));
    const revoked = await api(t.url, `/api/v1/certificates/${issuedB[0] ?? ''}/revoke`, {
      key: teamB.key,
      body: { reason: 'key-compromise' },
    });
    expect(revoked.status).toBe(200);
    // a failed authentication: no team, so only admins see it
    expect((await api(t.url, '/api/v1/certificates', { key: 'passgeni_wrong' })).status).toBe(401);
  });

  afterAll(async () => {
    await t?.close();
    await tdb?.drop();
  });

  it("a team key reads its own team's trail, every page, and never another team's", async () => {
    const events = await all<AuditTrailEvent>(teamA.key, '/api/v1/events?limit=2', 'events');
    expect(events.length).toBeGreaterThan(2);
    expect(new Set(events.map((e) => e.team))).toEqual(new Set([teamA.team]));
    // newest first, no row twice across the pages
    const ids = events.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => (y > x ? 1 : y < x ? -1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    const issued = events.filter((e) => e.type === 'certificate.issued');
    expect(issued.map((e) => e.cert_id).sort()).toEqual([...issuedA].sort());
    for (const e of issued) {
      expect(e).toMatchObject({ team_id: expect.stringMatching(/^team_/), api_key_id: teamA.id, count: 1 });
      expect(e.ip).toBe('127.0.0.1');
    }
    // the team was flagged at its third certificate (threshold 2)
    const flagged = events.filter((e) => e.type === 'team.flagged');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]?.detail).toEqual({ certificates_in_window: 3, threshold: 2 });
    expect(events.some((e) => e.type === 'auth.failed')).toBe(false);

    const other = await api(t.url, `/api/v1/events?team=${teamB.team}`, { key: teamA.key });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'ADMIN_REQUIRED' });
    const own = await api<Events>(t.url, `/api/v1/events?team=${teamA.team}`, { key: teamA.key });
    expect(own.status).toBe(200);
    expect(new Set(own.body.events.map((e) => e.team))).toEqual(new Set([teamA.team]));
  });

  it('filters by type (repeated or comma-separated) and by time', async () => {
    const byComma = await api<Events>(t.url, '/api/v1/events?type=certificate.issued,team.flagged', {
      key: teamA.key,
    });
    const byRepeat = await api<Events>(t.url, '/api/v1/events?type=certificate.issued&type=team.flagged', {
      key: teamA.key,
    });
    expect(byComma.status).toBe(200);
    expect(byComma.body.events.map((e) => e.id)).toEqual(byRepeat.body.events.map((e) => e.id));
    expect(byComma.body.events.map((e) => e.type).sort()).toEqual([
      'certificate.issued',
      'certificate.issued',
      'certificate.issued',
      'team.flagged',
    ]);
    // the first certificate was issued at 08:00:00, the others a second apart
    const late = await api<Events>(
      t.url,
      '/api/v1/events?type=certificate.issued&since=2031-06-01T08:00:01Z',
      { key: teamA.key },
    );
    expect(late.body.events).toHaveLength(2);
    const early = await api<Events>(
      t.url,
      '/api/v1/events?type=certificate.issued&until=2031-06-01T08:00:01Z',
      { key: teamA.key },
    );
    expect(early.body.events.map((e) => e.cert_id)).toEqual([issuedA[0]]);
    // every type the issuer writes can be asked for, the hyphenated one included
    const hyphen = await api<Events>(t.url, '/api/v1/events?type=certificate.expired-pending', {
      key: teamA.key,
    });
    expect(hyphen.status).toBe(200);
    expect(hyphen.body.events).toEqual([]);
    const none = await api<Events>(t.url, '/api/v1/events?since=2031-06-02', { key: teamA.key });
    expect(none.body).toEqual({ events: [], next_cursor: null });
  });

  it('an admin key reads every team, unauthenticated traffic included, and may narrow to one', async () => {
    const events = await all<AuditTrailEvent>(adminKey, '/api/v1/events?limit=3', 'events');
    const teams = new Set(events.map((e) => e.team));
    expect(teams.has(teamA.team) && teams.has(teamB.team)).toBe(true);
    const failed = events.find((e) => e.type === 'auth.failed');
    expect(failed).toMatchObject({ team: null, api_key_id: null, ip: '127.0.0.1' });
    expect(failed?.count).toBeGreaterThanOrEqual(1);
    const revocation = events.find((e) => e.type === 'certificate.revoked');
    expect(revocation).toMatchObject({ team: teamB.team, cert_id: issuedB[0] });

    const onlyB = await all<AuditTrailEvent>(adminKey, `/api/v1/events?team=${teamB.team}&limit=2`, 'events');
    expect(onlyB.length).toBeGreaterThan(0);
    expect(new Set(onlyB.map((e) => e.team))).toEqual(new Set([teamB.team]));

    const unknown = await api(t.url, '/api/v1/events?team=no-such-team', { key: adminKey });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'TEAM_UNKNOWN' });
  });

  it('certificates: a team sees its own; an admin sees every team or the one it names', async () => {
    const mine = await all<CertificateSummary>(teamA.key, '/api/v1/certificates?limit=2', 'certificates');
    expect(mine.map((c) => c.cert_id).sort()).toEqual([...issuedA].sort());
    expect(new Set(mine.map((c) => c.team))).toEqual(new Set([teamA.team]));
    const forbidden = await api(t.url, `/api/v1/certificates?team=${teamB.team}`, { key: teamA.key });
    expect(forbidden.status).toBe(403);

    const everyone = await all<CertificateSummary>(adminKey, '/api/v1/certificates?limit=1', 'certificates');
    expect(everyone.map((c) => c.cert_id).sort()).toEqual([...issuedA, ...issuedB].sort());
    const b = await api<Certificates>(t.url, `/api/v1/certificates?team=${teamB.team}`, { key: adminKey });
    expect(b.body.certificates).toMatchObject([
      { cert_id: issuedB[0], team: teamB.team, status: 'revoked', revocation_reason: 'key-compromise' },
    ]);
    const since = await api<Certificates>(t.url, '/api/v1/certificates?since=2031-06-01T08:00:02Z', {
      key: teamA.key,
    });
    expect(since.body.certificates.map((c) => c.cert_id)).toEqual([issuedA[2]]);
  });

  it.each([
    ['since=2031-02-30', 'since'],
    ['since=1969-12-31', 'since'],
    ['until=10000-01-01', 'until'],
    ['until=yesterday', 'until'],
    ['since=2031-06-02&until=2031-06-01', 'since'],
    ['type=Certificate.Issued', 'type'],
    ['type=', 'type'],
    ['limit=0', 'limit'],
    ['team=a%20b', 'team'],
  ])('refuses %s with 400 naming %s, and reads nothing', async (query, path) => {
    const res = await api<{ code: string; issues: Array<{ path: string }> }>(
      t.url,
      `/api/v1/events?${query}`,
      {
        key: teamA.key,
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect(res.body.issues[0]?.path).toBe(path);
  });

  it('refuses a forged cursor and a missing key', async () => {
    const forged = Buffer.from(JSON.stringify(['e', '99999999999999999999'])).toString('base64url');
    const res = await api(t.url, `/api/v1/events?cursor=${forged}`, { key: teamA.key });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await api(t.url, '/api/v1/events')).status).toBe(401);
    const bad = await api(t.url, '/api/v1/certificates?since=2031-13-01', { key: teamA.key });
    expect(bad.status).toBe(400);
  });

  it('is rate-limited per key like every key endpoint, and a refused read is in the trail', async () => {
    // a second replica on the same database, with a per-key limit of 2 a minute
    const limited = await testServer(tdb.db, { clock, limits: { ...NO_LIMITS, keyRequestsPerMinute: 2 } });
    try {
      const key = (await limited.issuer.createApiKey({ team: uniqueTeam() })).key;
      expect((await api(limited.url, '/api/v1/events', { key })).status).toBe(200);
      expect((await api(limited.url, '/api/v1/events?since=2031-02-30', { key })).status).toBe(400);
      const refused = await api(limited.url, '/api/v1/events', { key });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', limit: 'key-minute' });
      clock.advance(60_000);
      const trail = await api<Events>(limited.url, '/api/v1/events?type=rate_limited,api.rejected', { key });
      expect(trail.status).toBe(200);
      expect(trail.body.events.map((e) => [e.type, e.detail.op, e.detail.code])).toEqual([
        ['rate_limited', 'events.list', undefined],
        ['api.rejected', 'events.list', 'INVALID_REQUEST'],
      ]);
    } finally {
      await limited.close();
    }
  });

  it('reading the trail is itself audited, and flagged teams show in /metrics', async () => {
    const listed = await api<Events>(t.url, '/api/v1/events?type=events.listed', { key: teamA.key });
    expect(listed.body.events.length).toBeGreaterThan(0);
    expect(listed.body.events[0]).toMatchObject({ type: 'events.listed', api_key_id: teamA.id });
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^passgeni_teams_flagged 1$/m);
  });
});
