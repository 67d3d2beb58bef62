import { isPassgeniError } from '../errors.js';
import { hashApiKey } from './admin.js';
import { aggregateWindow } from './audit.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { HOUR_MS, MINUTE_MS, evaluateLimits, ipSubject, windowStart } from './limits.js';
import type { AbuseLimits } from './limits.js';
import type { Counter } from './metrics.js';
import { OidcRefusal, isJwt } from './oidc/verifier.js';
import type { OidcIdentity } from './oidc/verifier.js';
import type { Workload } from '../certificate/index.js';
import type { Caller } from './types.js';

/**
 * Authentication and abuse controls for every authenticated request, in the database so that they
 * hold across replicas (DESIGN §6). The API-key look-up, each rate counter, the audit event and
 * the request's own action run as one statement of data-modifying CTEs: the action happens only
 * if the request passed, and a refused request leaves its `rate_limited` or `auth.failed` event.
 * Counters are updated with INSERT … ON CONFLICT … DO UPDATE … RETURNING, which is atomic per
 * row, so concurrent requests on any number of replicas each see their own count.
 *
 * Which limit applies to which traffic (docs/operations.md, "Abuse controls"):
 *   - a request with a valid OIDC token is judged like a key, by the issuer's default key limits,
 *     per identity (the token's iss and sub);
 *   - a request with a valid API key is judged by that key's limits only (requests per minute and
 *     its token bucket), stored on the key or, where it has none, the issuer's defaults;
 *   - a request without a valid key (none, unknown, revoked) counts against its address's hourly
 *     allowance, which is what stops key guessing and anonymous hammering;
 *   - a refused request consumes nothing: a key's minute and bucket are charged only when both
 *     let it pass, and an address's allowance stops counting once it is spent.
 *
 * $1 is the request as one JSON object (its fields below, plus the action's own); $2 the default
 * requests per key per minute (0 = off), $3 the default burst size (0 = off), $4 the default
 * refill per second, $5 attempts without a valid key per address per hour (0 = off).
 *   key_hash    API key SHA-256 (hex), or null for an in-process caller acting as `team`
 *   op          operation name (audit detail)        now   the request's time
 *   minute_start, hour_start   the windows the request falls in
 *   ip_subject  address subject, or null (in-process, or the address rule is off)
 *   client_ip   client address (audit) or null
 *   ev_type, ev_detail   the event written when the request passes (type null = none)
 *   oidc_key, oidc_team  a verified OIDC token's identity and the team its policy maps it to
 *   fail_reason          why a token was refused before the statement (audited with the refusal)
 */
const REQUEST_FIELDS = `key_hash text, team text, op text, now timestamptz, minute_start timestamptz,
  hour_start timestamptz, ip_subject text, client_ip text, ev_type text, ev_detail jsonb, agg_window text,
  oidc_key text, oidc_team text, fail_reason text`;

// A key's limits travel in the proposed row (EXCLUDED), so the update judges the request by them.
// this minute's hits before the request (a new minute starts from 0)
const CURRENT_HITS = `CASE WHEN EXCLUDED.window_start <= l.window_start THEN l.hits ELSE 0 END`;
// tokens available now: what was left plus the refill since the last request, capped at the burst
// size (the clock never runs backwards here, even between replicas whose clocks differ slightly)
const REFILLED = `LEAST(EXCLUDED.burst::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * EXCLUDED.refill)`;
const MINUTE_OK = `(EXCLUDED.per_minute = 0 OR ${CURRENT_HITS} < EXCLUDED.per_minute)`;
const BURST_OK = `(EXCLUDED.burst = 0 OR ${REFILLED} >= 1)`;
const CHARGE = `CASE WHEN ${MINUTE_OK} AND ${BURST_OK} THEN 1 ELSE 0 END`;

const GUARD_CTES = `k AS (
    SELECT a.id AS key_id, a.team_id,
      COALESCE(a.per_minute, $2::int) AS per_minute,
      COALESCE(a.burst, $3::int) AS burst,
      -- a key with its own per-minute rate refills at that rate; otherwise at the issuer's
      CASE WHEN a.per_minute IS NOT NULL OR $4::float8 <= 0
        THEN GREATEST(COALESCE(a.per_minute, $2::int), 1)::float8 / 60 ELSE $4::float8 END AS refill
    FROM r JOIN api_keys AS a ON a.token_hash = r.key_hash AND a.revoked_at IS NULL
    UNION ALL
    SELECT NULL::text, t.id, 0, 0, 0::float8 FROM r JOIN teams AS t ON t.id = r.team
    UNION ALL
    SELECT r.oidc_key, t.id, $2::int, $3::int,
      CASE WHEN $4::float8 <= 0 THEN GREATEST($2::int, 1)::float8 / 60 ELSE $4::float8 END
    FROM r JOIN teams AS t ON t.name = r.oidc_team WHERE r.oidc_key IS NOT NULL
  ), kl AS (
    INSERT INTO key_limits AS l (key_id, window_start, hits, tokens, updated_at, burst_ok, minute_ok,
      per_minute, burst, refill)
    SELECT k.key_id, r.minute_start, 1, GREATEST(k.burst - 1, 0), r.now, true, true,
      k.per_minute, k.burst, k.refill
    FROM k, r WHERE k.key_id IS NOT NULL AND (k.per_minute > 0 OR k.burst > 0)
    ON CONFLICT (key_id) DO UPDATE SET
      hits = ${CURRENT_HITS} + ${CHARGE},
      window_start = GREATEST(l.window_start, EXCLUDED.window_start),
      tokens = ${REFILLED} - ${CHARGE},
      minute_ok = ${MINUTE_OK},
      burst_ok = ${BURST_OK},
      updated_at = GREATEST(l.updated_at, EXCLUDED.updated_at),
      per_minute = EXCLUDED.per_minute, burst = EXCLUDED.burst, refill = EXCLUDED.refill
    RETURNING hits, window_start, tokens, burst_ok, minute_ok, per_minute, burst, refill
  ), iw AS (
    -- only traffic without a valid key; once the allowance is spent the count stays at limit + 1
    INSERT INTO rate_windows AS w (subject, window_start, hits)
    SELECT 'ip-hour:' || r.ip_subject, r.hour_start, 1
    FROM r WHERE r.ip_subject IS NOT NULL AND $5::int > 0 AND NOT EXISTS (SELECT 1 FROM k)
    ON CONFLICT (subject) DO UPDATE SET
      hits = LEAST(CASE WHEN EXCLUDED.window_start <= w.window_start THEN w.hits ELSE 0 END + 1, $5::int + 1),
      window_start = GREATEST(w.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start
  ), g AS (
    SELECT k.key_id, k.team_id,
      kl.hits AS key_hits, kl.window_start AS key_window_start, kl.tokens AS key_tokens,
      kl.burst_ok AS key_burst_ok, kl.minute_ok AS key_minute_ok,
      kl.per_minute AS key_per_minute, kl.burst AS key_burst, kl.refill AS key_refill,
      iw.hits AS ip_hits, iw.window_start AS ip_window_start
    FROM r LEFT JOIN k ON true LEFT JOIN kl ON true LEFT JOIN iw ON true
  ), ok AS (
    SELECT key_id, team_id FROM g
    WHERE team_id IS NOT NULL AND COALESCE(key_minute_ok, true) AND COALESCE(key_burst_ok, true)
  ), refused AS (
    SELECT CASE WHEN g.team_id IS NOT NULL OR COALESCE(g.ip_hits > $5::int, false)
      THEN 'rate_limited' ELSE 'auth.failed' END AS type, g.*
    FROM g WHERE NOT EXISTS (SELECT 1 FROM ok)
  ), evr AS (
    INSERT INTO usage_events AS u (type, team_id, api_key_id, ip, at, detail, aggregate_key)
    SELECT f.type, f.team_id, f.key_id, r.client_ip, r.now,
      jsonb_strip_nulls(jsonb_build_object('op', r.op, 'key_hits', f.key_hits,
        'key_minute_ok', f.key_minute_ok, 'key_burst_ok', f.key_burst_ok, 'ip_hits', f.ip_hits,
        'reason', r.fail_reason)),
      -- refused tokens are counted per reason, so each reason stays visible in the trail
      f.type || ' ' || COALESCE(f.key_id, r.fail_reason, '-') || ' ' || r.agg_window
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
  g.key_minute_ok, g.key_per_minute, g.key_burst, g.key_refill, g.ip_hits, g.ip_window_start,
  EXISTS (SELECT 1 FROM ok) AS allowed${action?.columns ?? ''}
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
  key_minute_ok: boolean | null;
  key_per_minute: number | null;
  key_burst: number | null;
  key_refill: number | null;
  ip_hits: number | null;
  ip_window_start: Date | null;
  allowed: boolean;
}

export interface GuardOptions {
  /** Operation name, for the audit trail. */
  op: string;
  /** Written to the audit trail when the request passes. */
  event?: { type: string; detail: Record<string, unknown> };
}

/** The team (and key) a request that passed the guard acts for. */
export interface Authorized {
  teamId: string;
  /** The API key's id, or an OIDC identity's (`oidc_…`); null in-process. */
  keyId: string | null;
  /** The workload a verified OIDC token named (recorded in certificates it asks for). */
  workload?: Workload;
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
  const { identity, refusal } = await verifyToken(ctx, caller.apiKey, now);
  const byToken = identity !== undefined || refusal !== undefined;
  const ip = caller.ip ?? null;
  const perAddress = ip !== null && ctx.limits.ipCertificatesPerHour > 0;
  const request = {
    key_hash: byKey && !byToken ? hashApiKey(caller.apiKey ?? '') : null,
    team: byKey ? null : (caller.teamId ?? null),
    op: options.op,
    now,
    minute_start: windowStart(now, MINUTE_MS),
    hour_start: windowStart(now, HOUR_MS),
    ip_subject: perAddress && ip !== null ? ipSubject(ip) : null,
    client_ip: ip,
    ev_type: options.event?.type ?? null,
    ev_detail:
      identity !== undefined
        ? {
            ...options.event?.detail,
            oidc: { iss: identity.issuer, sub: identity.subject, policy: identity.policy },
          }
        : (options.event?.detail ?? null),
    agg_window: aggregateWindow(ip, now),
    oidc_key: identity?.identityKey ?? null,
    oidc_team: identity?.team ?? null,
    fail_reason: refusal?.reason ?? null,
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
  const who = authorize(ctx, row, caller, now, refusal);
  return { who: identity?.workload !== undefined ? { ...who, workload: identity.workload } : who, row };
}

/**
 * A bearer value that is a JWT is an OIDC ID token (API keys are `passgeni_…`, without dots): it is
 * verified here, before the statement, which then charges and audits the identity or the refusal.
 */
async function verifyToken(
  ctx: IssuerContext,
  bearer: string | undefined,
  now: Date,
): Promise<{ identity?: OidcIdentity; refusal?: OidcRefusal }> {
  if (bearer === undefined || !isJwt(bearer)) return {};
  if (ctx.oidc === undefined) {
    return {
      refusal: new OidcRefusal(
        'untrusted-issuer',
        'This issuer trusts no OIDC provider: use an API key, or ask the operator to start it with `passgeni serve --trust-oidc ISSUER_URL --oidc-policy …`.',
      ),
    };
  }
  try {
    return { identity: await ctx.oidc.verify(bearer, now) };
  } catch (error) {
    if (error instanceof OidcRefusal) return { refusal: error };
    throw error;
  }
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

function authorize(
  ctx: IssuerContext,
  row: GuardRow,
  caller: Caller,
  now: Date,
  refusal: OidcRefusal | undefined,
): Authorized {
  // A request with a valid key is judged by that key's limits as the statement applied them; one
  // without is judged by its address's allowance only.
  const limits: AbuseLimits =
    row.team_id === null
      ? { ...ctx.limits, keyRequestsPerMinute: 0, keyBurst: 0 }
      : {
          ...ctx.limits,
          ipCertificatesPerHour: 0,
          keyRequestsPerMinute: row.key_per_minute ?? 0,
          keyBurst: row.key_burst ?? 0,
          keyRefillPerSecond: row.key_refill ?? ctx.limits.keyRefillPerSecond,
        };
  const { allowed, state } = evaluateLimits(
    limits,
    {
      // a request the minute rule refused was not counted: report the hit it would have been
      keyHits: row.key_hits === null ? null : row.key_hits + (row.key_minute_ok === false ? 1 : 0),
      keyWindowStart: row.key_window_start,
      keyTokens: row.key_tokens,
      keyBurstOk: row.key_burst_ok,
      ipHits: row.ip_hits,
      ipWindowStart: row.ip_window_start,
    },
    now,
  );
  if (state) caller.onRateLimit?.(state);
  if (row.team_id === null && allowed) {
    ctx.metrics.authFailures.inc();
    throw refusal ?? authenticationError(caller);
  }
  if (row.team_id === null || !row.allowed || !allowed) {
    const scope = state?.scope ?? 'key-minute';
    ctx.metrics.rateLimited.inc({ limit: scope });
    const retryAfter = state?.retryAfter ?? 1;
    throw new IssuerServiceError(
      'RATE_LIMITED',
      429,
      rateLimitMessage(scope, state?.limit ?? 0, retryAfter),
      {
        retryAfter,
        details: {
          limit: scope,
          retry_after: retryAfter,
          retry_after_ms: state?.retryAfterMs ?? retryAfter * 1000,
          ...(state?.refillIntervalMs !== undefined && { refill_interval_ms: state.refillIntervalMs }),
        },
      },
    );
  }
  return { teamId: row.team_id, keyId: row.key_id };
}

function authenticationError(caller: Caller): IssuerServiceError {
  if (caller.apiKey === undefined) {
    return new IssuerServiceError(
      'TEAM_NOT_FOUND',
      401,
      'The team this issuer was asked to act for does not exist.',
    );
  }
  if (caller.apiKey === '') {
    return new IssuerServiceError(
      'AUTH_REQUIRED',
      401,
      'This endpoint needs an API key: send "Authorization: Bearer <key>" (create one with `passgeni api-key create --team NAME`).',
    );
  }
  return new IssuerServiceError('API_KEY_INVALID', 401, 'The API key is not valid (unknown or revoked).');
}

function rateLimitMessage(scope: string, limit: number, retryAfter: number): string {
  const what =
    scope === 'ip-hour'
      ? `more than ${limit} requests without a valid API key from this address in one hour (requests with a valid key are not limited by address)`
      : scope === 'key-minute'
        ? `more than ${limit} requests with this API key in one minute`
        : `requests with this API key faster than the burst limit (${limit} at once, then a steady rate)`;
  return `Rate limit: ${what}. Retry after ${retryAfter} s.`;
}
