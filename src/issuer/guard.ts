import { isPassgeniError } from '../errors.js';
import { hashApiKey } from './admin.js';
import { aggregateWindow } from './audit.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { HOUR_MS, MINUTE_MS, evaluateLimits, ipSubject, windowStart } from './limits.js';
import type { Counter } from './metrics.js';
import type { Caller } from './types.js';

/**
 * Authentication and abuse controls for every authenticated request, in the database so that they
 * hold across replicas (DESIGN §6). The API-key look-up, each rate counter, the audit event and
 * the request's own action run as one statement of data-modifying CTEs: the action happens only
 * if the request passed, and a refused request leaves its `rate_limited` or `auth.failed` event.
 * Counters are updated with INSERT … ON CONFLICT … DO UPDATE … RETURNING, which is atomic per
 * row, so concurrent requests on any number of replicas each see their own count.
 *
 * $1 is the request as one JSON object (its fields below, plus the action's own); $2 requests
 * per key per minute (0 = off), $3 burst size (0 = off), $4 refill per second, $5 certificate
 * requests per address per hour (0 = off).
 *   key_hash    API key SHA-256 (hex), or null for an in-process caller acting as `team`
 *   op          operation name (audit detail)        now   the request's time
 *   minute_start, hour_start   the windows the request falls in
 *   ip_subject  address subject, or null (only certificate requests are limited per address)
 *   client_ip   client address (audit) or null
 *   ev_type, ev_detail   the event written when the request passes (type null = none)
 */
const REQUEST_FIELDS = `key_hash text, team text, op text, now timestamptz, minute_start timestamptz,
  hour_start timestamptz, ip_subject text, client_ip text, ev_type text, ev_detail jsonb, agg_window text`;

// tokens available now: what was left plus the refill since the last request, capped at the burst
// size (the clock never runs backwards here, even between replicas whose clocks differ slightly)
const REFILLED = `LEAST($3::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * $4::float8)`;

const GUARD_CTES = `k AS (
    SELECT a.id AS key_id, a.team_id FROM r JOIN api_keys AS a ON a.token_hash = r.key_hash AND a.revoked_at IS NULL
    UNION ALL
    SELECT NULL::text, t.id FROM r JOIN teams AS t ON t.id = r.team
  ), kl AS (
    INSERT INTO key_limits AS l (key_id, window_start, hits, tokens, updated_at, burst_ok)
    SELECT k.key_id, r.minute_start, 1, GREATEST($3::float8 - 1, 0), r.now, $3::float8 >= 1
    FROM k, r WHERE k.key_id IS NOT NULL AND ($2::int > 0 OR $3::float8 > 0)
    ON CONFLICT (key_id) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= l.window_start THEN l.hits + 1 ELSE 1 END,
      window_start = GREATEST(l.window_start, EXCLUDED.window_start),
      tokens = ${REFILLED} - CASE WHEN ${REFILLED} >= 1 THEN 1 ELSE 0 END,
      burst_ok = ${REFILLED} >= 1,
      updated_at = GREATEST(l.updated_at, EXCLUDED.updated_at)
    RETURNING hits, window_start, tokens, burst_ok
  ), iw AS (
    INSERT INTO rate_windows AS w (subject, window_start, hits)
    SELECT 'ip-hour:' || r.ip_subject, r.hour_start, 1
    FROM k, r WHERE r.ip_subject IS NOT NULL AND $5::int > 0
    ON CONFLICT (subject) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= w.window_start THEN w.hits + 1 ELSE 1 END,
      window_start = GREATEST(w.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start
  ), g AS (
    SELECT k.key_id, k.team_id,
      CASE WHEN $2::int > 0 THEN kl.hits END AS key_hits,
      CASE WHEN $2::int > 0 THEN kl.window_start END AS key_window_start,
      CASE WHEN $3::float8 > 0 THEN kl.tokens END AS key_tokens,
      CASE WHEN $3::float8 > 0 THEN kl.burst_ok END AS key_burst_ok,
      iw.hits AS ip_hits, iw.window_start AS ip_window_start
    FROM r LEFT JOIN k ON true LEFT JOIN kl ON true LEFT JOIN iw ON true
  ), ok AS (
    SELECT key_id, team_id FROM g
    WHERE team_id IS NOT NULL
      AND ($2::int = 0 OR COALESCE(key_hits, 0) <= $2::int)
      AND COALESCE(key_burst_ok, true)
      AND ($5::int = 0 OR COALESCE(ip_hits, 0) <= $5::int)
  ), refused AS (
    SELECT CASE WHEN g.team_id IS NULL THEN 'auth.failed' ELSE 'rate_limited' END AS type, g.*
    FROM g WHERE NOT EXISTS (SELECT 1 FROM ok)
  ), evr AS (
    INSERT INTO usage_events AS u (type, team_id, api_key_id, ip, at, detail, aggregate_key)
    SELECT f.type, f.team_id, f.key_id, r.client_ip, r.now,
      jsonb_strip_nulls(jsonb_build_object('op', r.op, 'key_hits', f.key_hits,
        'key_burst_ok', f.key_burst_ok, 'ip_hits', f.ip_hits)),
      f.type || ' ' || COALESCE(f.key_id, '-') || ' ' || r.agg_window
    FROM refused AS f, r
    ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL DO UPDATE SET count = u.count + 1
  ), ev AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, at, detail)
    SELECT r.ev_type, ok.team_id, ok.key_id, r.client_ip, r.now,
      jsonb_build_object('op', r.op) || COALESCE(r.ev_detail, '{}'::jsonb)
    FROM ok, r WHERE r.ev_type IS NOT NULL
  )`;

/** What a guarded request does once it has passed, as SQL appended to the guard's. */
export interface GuardedAction {
  /** Its own fields of the request object, as `, name type, …`. */
  fields: string;
  /** Its CTEs (`, name AS (…)`), which act for `ok` (empty when the request was refused). */
  ctes: string;
  /** Extra result columns (`, … AS name`) and joins to the CTEs they read. */
  columns: string;
  joins: string;
}

/** The statement for a guarded action: one row with the guard's columns and the action's. */
export function guardedSql(action?: GuardedAction): string {
  return `WITH r AS (
    SELECT * FROM jsonb_to_record($1::jsonb) AS r(${REQUEST_FIELDS}${action?.fields ?? ''})
  ), ${GUARD_CTES}${action?.ctes ?? ''}
SELECT g.key_id, g.team_id, g.key_hits, g.key_window_start, g.key_tokens, g.key_burst_ok,
  g.ip_hits, g.ip_window_start, EXISTS (SELECT 1 FROM ok) AS allowed${action?.columns ?? ''}
FROM g${action?.joins ?? ''}`;
}

const GUARD_ONLY_SQL = guardedSql();

interface GuardRow {
  key_id: string | null;
  team_id: string | null;
  key_hits: number | null;
  key_window_start: Date | null;
  key_tokens: number | null;
  key_burst_ok: boolean | null;
  ip_hits: number | null;
  ip_window_start: Date | null;
  allowed: boolean;
}

export interface GuardOptions {
  /** Operation name, for the audit trail. */
  op: string;
  /** Counts against the per-address limit (certificate requests only). */
  perAddress?: boolean;
  /** Written to the audit trail when the request passes. */
  event?: { type: string; detail: Record<string, unknown> };
}

/** The team (and key) a request that passed the guard acts for. */
export interface Authorized {
  teamId: string;
  keyId: string | null;
}

/**
 * Runs a guarded statement for one request and returns its row once the request has passed;
 * throws 401 or 429 (with the limit's state told to the caller) when it has not.
 */
export async function runGuarded<R extends object>(
  ctx: IssuerContext,
  statement: { name: string; sql: string },
  caller: Caller,
  now: Date,
  options: GuardOptions,
  action: Record<string, unknown> = {},
): Promise<{ who: Authorized; row: R }> {
  const byKey = caller.apiKey !== undefined;
  if (!byKey && caller.teamId === undefined) {
    throw new IssuerServiceError('AUTH_REQUIRED', 401, 'An API key is required.');
  }
  const ip = caller.ip ?? null;
  const perAddress = options.perAddress === true && ip !== null && ctx.limits.ipCertificatesPerHour > 0;
  const request = {
    key_hash: byKey ? hashApiKey(caller.apiKey ?? '') : null,
    team: byKey ? null : (caller.teamId ?? null),
    op: options.op,
    now,
    minute_start: windowStart(now, MINUTE_MS),
    hour_start: windowStart(now, HOUR_MS),
    ip_subject: perAddress && ip !== null ? ipSubject(ip) : null,
    client_ip: ip,
    ev_type: options.event?.type ?? null,
    ev_detail: options.event?.detail ?? null,
    agg_window: aggregateWindow(ip, now),
    ...action,
  };
  const { limits } = ctx;
  const [row] = await ctx.db.query<GuardRow & R>(
    statement.sql,
    [
      JSON.stringify(request),
      limits.keyRequestsPerMinute,
      limits.keyBurst,
      limits.keyRefillPerSecond,
      limits.ipCertificatesPerHour,
    ],
    // counters, sessions and refusal events are fine to lose in a host crash (db/types.ts)
    { name: statement.name, durable: false },
  );
  if (!row) throw new Error(`${statement.name} returned no row`);
  return { who: authorize(ctx, row, caller, now), row };
}

/** Authentication and limits alone, for requests whose action is a statement of its own. */
export async function guard(
  ctx: IssuerContext,
  caller: Caller,
  now: Date,
  options: GuardOptions,
): Promise<Authorized> {
  const statement = { name: 'passgeni_guard', sql: GUARD_ONLY_SQL };
  return (await runGuarded(ctx, statement, caller, now, options)).who;
}

/**
 * Parses a request before its action. A request that does not parse still passes the guard
 * first (an unauthenticated caller learns nothing about validation, and invalid requests count
 * against the limits like any other) and leaves a `rejected` audit event with the error's code.
 */
export async function parseGuarded<T>(
  ctx: IssuerContext,
  caller: Caller,
  now: Date,
  options: GuardOptions & { rejected: string; metric?: Counter },
  parse: () => T,
): Promise<T> {
  try {
    return parse();
  } catch (error) {
    if (!isPassgeniError(error)) throw error;
    const { rejected, metric, ...guardOptions } = options;
    await guard(ctx, caller, now, {
      ...guardOptions,
      event: { type: rejected, detail: { code: error.code } },
    });
    metric?.inc({ code: error.code });
    throw error;
  }
}

function authorize(ctx: IssuerContext, row: GuardRow, caller: Caller, now: Date): Authorized {
  if (row.team_id === null) {
    ctx.metrics.authFailures.inc();
    if (caller.apiKey === undefined) {
      throw new IssuerServiceError(
        'TEAM_NOT_FOUND',
        401,
        'The team this issuer was asked to act for does not exist.',
      );
    }
    if (caller.apiKey === '') {
      throw new IssuerServiceError(
        'AUTH_REQUIRED',
        401,
        'This endpoint needs an API key: send "Authorization: Bearer <key>" (create one with `passgeni api-key create --team NAME`).',
      );
    }
    throw new IssuerServiceError('API_KEY_INVALID', 401, 'The API key is not valid (unknown or revoked).');
  }
  const { allowed, state } = evaluateLimits(
    ctx.limits,
    {
      keyHits: row.key_hits,
      keyWindowStart: row.key_window_start,
      keyTokens: row.key_tokens,
      keyBurstOk: row.key_burst_ok,
      ipHits: row.ip_hits,
      ipWindowStart: row.ip_window_start,
    },
    now,
  );
  if (state) caller.onRateLimit?.(state);
  if (!row.allowed || !allowed) {
    const scope = state?.scope ?? 'key-minute';
    ctx.metrics.rateLimited.inc({ limit: scope });
    const retryAfter = state?.retryAfter ?? 1;
    throw new IssuerServiceError(
      'RATE_LIMITED',
      429,
      rateLimitMessage(scope, state?.limit ?? 0, retryAfter),
      {
        retryAfter,
        details: { limit: scope, retry_after: retryAfter },
      },
    );
  }
  return { teamId: row.team_id, keyId: row.key_id };
}

function rateLimitMessage(scope: string, limit: number, retryAfter: number): string {
  const what =
    scope === 'ip-hour'
      ? `more than ${limit} certificate requests from this address in one hour`
      : scope === 'key-minute'
        ? `more than ${limit} requests with this API key in one minute`
        : `requests with this API key faster than the burst limit (${limit} at once, then a steady rate)`;
  return `Rate limit: ${what}. Retry after ${retryAfter} s.`;
}
