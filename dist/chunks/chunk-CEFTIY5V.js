import {
  DAY_MS,
  PolicyViolationError,
  VERSION,
  decodeCertificate,
  evaluateStandard,
  getStandard,
  paramsEntropyBits,
  parseGenerationParams,
  resolveStandard,
  signCertificate,
  sourceMeets,
  standardsMet
} from "./chunk-KBWD4TVH.js";
import {
  SIGNING_KEY_ENV,
  buildJwks,
  exportSigningKey,
  generateSigningKey,
  loadSigningKeyFile,
  loadSigningKeyFromEnv
} from "./chunk-IEG7A5BP.js";
import {
  CERT_VERSION,
  claimsSchema,
  isIdAnyCase,
  zod_exports
} from "./chunk-VFYYTOKF.js";
import {
  InputError,
  PassgeniError,
  isPassgeniError
} from "./chunk-FKYOR5TL.js";

// src/issuer/admin.ts
import { hash, randomBytes } from "node:crypto";

// src/issuer/errors.ts
var IssuerServiceError = class extends PassgeniError {
  status;
  /** Seconds until a retry may succeed (429, 503). */
  retryAfter;
  constructor(code, status, message, options = {}) {
    const exitCode = code === "CERTIFICATE_NOT_FOUND" ? 1 : status >= 400 && status < 500 && status !== 429 ? 2 : 3;
    super(code, message, {
      exitCode,
      ...options.details !== void 0 && { details: options.details },
      ...options.cause !== void 0 && { cause: options.cause }
    });
    this.status = status;
    this.retryAfter = options.retryAfter;
  }
};
var STATUS_BY_CODE = {
  POLICY_VIOLATION: 422,
  INVALID_PARAMS: 400,
  UNKNOWN_STANDARD: 400,
  INVALID_CLAIMS: 400
};
function httpStatusOf(error) {
  if (error instanceof IssuerServiceError) return error.status;
  if (error instanceof PassgeniError) {
    const mapped = STATUS_BY_CODE[error.code];
    if (mapped !== void 0) return mapped;
    return error.exitCode === 2 ? 400 : 500;
  }
  return 500;
}
var invalidRequest = (message, issues) => new IssuerServiceError("INVALID_REQUEST", 400, message, { details: { issues } });
var messageOf = (error) => error instanceof Error ? error.message : String(error);

// src/issuer/admin.ts
var API_KEY_PREFIX = "passgeni_";
var TEAM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
var KEY_ID_RE = /^key_[0-9a-f]{16}$/;
var KEY_LIMIT_BOUNDS = { perMinute: 1e5, burst: 1e4 };
function hashApiKey(key) {
  return hash("sha256", key, "hex");
}
function newApiKey() {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}
var iso = (value) => value ? value.toISOString() : null;
function validateTeamName(name) {
  if (typeof name !== "string" || !TEAM_NAME_RE.test(name)) {
    throw new InputError(
      "INVALID_TEAM_NAME",
      'A team name is 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit.'
    );
  }
  return name;
}
function toTeam(row) {
  return { ...row, created_at: row.created_at.toISOString(), flagged_at: iso(row.flagged_at) };
}
async function ensureTeam(db, name, now) {
  validateTeamName(name);
  const id = `team_${randomBytes(8).toString("hex")}`;
  await db.query(
    "INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    [id, name, now]
  );
  const team = await findTeam(db, name);
  if (!team) throw new Error("team row missing after insert");
  return team;
}
async function findTeam(db, name) {
  const rows = await db.query("SELECT id, name, created_at, flagged_at FROM teams WHERE name = $1", [
    name
  ]);
  return rows[0] ? toTeam(rows[0]) : void 0;
}
var KEY_COLUMNS = `k.id, k.team_id, t.name AS team_name, k.hint, k.name, k.created_at, k.revoked_at,
  k.per_minute, k.burst, k.admin,
  (SELECT l.window_start FROM key_limits l WHERE l.key_id = k.id) AS last_used_at`;
function toKeyInfo(row) {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at)
  };
}
function validateKeyLimits(limits) {
  const check = (value, max, what, flag) => {
    if (value !== void 0 && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw new InputError(
        "INVALID_KEY_LIMITS",
        `A key's ${what} is a whole number from 1 to ${max} (${flag}); leave it out for the issuer's default.`
      );
    }
  };
  check(limits.perMinute, KEY_LIMIT_BOUNDS.perMinute, "requests per minute", "--per-minute");
  check(limits.burst, KEY_LIMIT_BOUNDS.burst, "burst", "--burst");
}
async function createApiKey(db, request) {
  if (request.name !== void 0 && (request.name.length > 128 || /[\p{C}]/u.test(request.name))) {
    throw new InputError("INVALID_KEY_NAME", "A key name is at most 128 printable characters.");
  }
  validateKeyLimits(request);
  const team = await ensureTeam(db, request.team, request.now);
  const key = newApiKey();
  const id = `key_${randomBytes(8).toString("hex")}`;
  const hint = `${key.slice(0, API_KEY_PREFIX.length + 4)}\u2026`;
  const perMinute = request.perMinute ?? null;
  const burst = request.burst ?? null;
  const admin = request.admin === true;
  await db.query(
    `WITH k AS (
       INSERT INTO api_keys (id, team_id, token_hash, hint, name, created_at, per_minute, burst, admin)
       VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $10)
       RETURNING id, team_id
     )
     INSERT INTO usage_events (type, team_id, api_key_id, ip, at, detail)
     SELECT 'api_key.created', team_id, id, $7, $6,
       jsonb_strip_nulls(jsonb_build_object('per_minute', $8::int, 'burst', $9::int, 'admin', $10::boolean)) FROM k`,
    [
      id,
      team.id,
      hashApiKey(key),
      hint,
      request.name ?? null,
      request.now,
      request.ip ?? null,
      perMinute,
      burst,
      admin
    ]
  );
  return {
    id,
    key,
    team_id: team.id,
    team_name: team.name,
    hint,
    name: request.name ?? null,
    created_at: request.now.toISOString(),
    revoked_at: null,
    last_used_at: null,
    per_minute: perMinute,
    burst,
    admin
  };
}
async function listApiKeys(db, filter = {}) {
  const rows = await db.query(
    `SELECT ${KEY_COLUMNS} FROM api_keys k JOIN teams t ON t.id = k.team_id
     WHERE $1::text IS NULL OR t.name = $1::text
     ORDER BY t.name, k.created_at, k.id`,
    [filter.team ?? null]
  );
  return rows.map(toKeyInfo);
}
async function revokeApiKey(db, id, now) {
  if (!KEY_ID_RE.test(id)) {
    throw new InputError(
      "INVALID_KEY_ID",
      `"${id.slice(0, 40)}" is not an API key id (key_ and 16 hex digits; see \`passgeni api-key list\`).`
    );
  }
  const rows = await db.query(
    `WITH u AS (
       UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id, team_id
     ), e AS (
       INSERT INTO usage_events (type, team_id, api_key_id, at, detail)
       SELECT 'api_key.revoked', team_id, id, $2, '{}'::jsonb FROM u
     )
     SELECT ${KEY_COLUMNS}
     FROM api_keys k JOIN teams t ON t.id = k.team_id WHERE k.id = $1`,
    [id, now]
  );
  const row = rows[0];
  if (!row) throw new IssuerServiceError("API_KEY_NOT_FOUND", 404, `There is no API key ${id}.`);
  return toKeyInfo({ ...row, revoked_at: row.revoked_at ?? now });
}

// src/issuer/context.ts
function certUrl(ctx, id) {
  return `${ctx.publicUrl}/cert/${id}`;
}

// src/issuer/certificate-status.ts
var CERTIFICATE_COLUMNS = "id, team_id, jwt, issued_at, expires_at, activated_at, activate_by, revoked_at, revocation_reason";
function statusResponse(ctx, row, now) {
  const claims = decodeCertificate(row.jwt).claims;
  return {
    cert_id: row.id,
    cert_url: certUrl(ctx, row.id),
    status: statusAt(row, now),
    certificate: row.jwt,
    claims,
    issued_at: row.issued_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    ...row.activated_at && { activated_at: row.activated_at.toISOString() },
    ...isPending(row) && row.activate_by && { activate_by: row.activate_by.toISOString() },
    ...row.revoked_at && { revoked_at: row.revoked_at.toISOString() },
    ...row.revoked_at && row.revocation_reason !== null && { revocation_reason: row.revocation_reason }
  };
}
function statusAt(row, now) {
  if (row.revoked_at) return "revoked";
  if (row.expires_at.getTime() <= now.getTime()) return "expired";
  return isPending(row) ? "pending" : "valid";
}
function isPending(row) {
  return row.revoked_at === null && row.activated_at === null && row.activate_by !== null;
}
function certificateNotFound() {
  return new IssuerServiceError(
    "CERTIFICATE_NOT_FOUND",
    404,
    "There is no certificate with this id on this issuer."
  );
}

// src/issuer/limits.ts
var DEFAULT_LIMITS = Object.freeze({
  ipCertificatesPerHour: 10,
  keyRequestsPerMinute: 60,
  keyBurst: 5,
  keyRefillPerSecond: 1,
  teamFlagThreshold: 50,
  teamFlagWindowHours: 24
});
var MAX_FLAG_THRESHOLD = 1e5;
var INT_MAX = 2147483647;
function resolveLimits(overrides = {}) {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === void 0) continue;
    if (!(name in DEFAULT_LIMITS)) throw new InputError("INVALID_LIMITS", `Unknown limit "${name}".`);
    const integer = name !== "keyRefillPerSecond";
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || integer && !Number.isInteger(value) || value > INT_MAX) {
      throw new InputError(
        "INVALID_LIMITS",
        `Limit ${name} must be ${integer ? "a whole number" : "a number"} from 0 to ${INT_MAX}.`
      );
    }
    limits[name] = value;
  }
  if (limits.teamFlagThreshold > MAX_FLAG_THRESHOLD) {
    throw new InputError("INVALID_LIMITS", `teamFlagThreshold is at most ${MAX_FLAG_THRESHOLD}.`);
  }
  if (limits.teamFlagWindowHours === 0) limits.teamFlagThreshold = 0;
  if (limits.keyBurst > 0 && limits.keyRefillPerSecond === 0) {
    throw new InputError(
      "INVALID_LIMITS",
      "keyRefillPerSecond must be above 0 while keyBurst is on (or set keyBurst to 0)."
    );
  }
  return limits;
}
var MINUTE_MS = 6e4;
var HOUR_MS = 36e5;
function windowStart(now, lengthMs) {
  return new Date(Math.floor(now.getTime() / lengthMs) * lengthMs);
}
function evaluateLimits(limits, counters, now) {
  const nowMs = now.getTime();
  const all = [];
  if (limits.ipCertificatesPerHour > 0 && counters.ipHits !== null && counters.ipWindowStart !== null) {
    const resetMs = counters.ipWindowStart.getTime() + HOUR_MS;
    all.push(windowRule("ip-hour", limits.ipCertificatesPerHour, counters.ipHits, resetMs, nowMs, HOUR_MS));
  }
  if (limits.keyRequestsPerMinute > 0 && counters.keyHits !== null && counters.keyWindowStart !== null) {
    const resetMs = counters.keyWindowStart.getTime() + MINUTE_MS;
    all.push(
      windowRule("key-minute", limits.keyRequestsPerMinute, counters.keyHits, resetMs, nowMs, MINUTE_MS)
    );
  }
  if (limits.keyBurst > 0 && counters.keyTokens !== null) {
    const tokens = Math.max(0, counters.keyTokens);
    const refused2 = counters.keyBurstOk === false;
    const rate = limits.keyRefillPerSecond;
    const fullMs = nowMs + Math.ceil((limits.keyBurst - tokens) / rate * 1e3);
    const state = {
      scope: "key-burst",
      limit: limits.keyBurst,
      remaining: Math.floor(tokens),
      resetAt: new Date(fullMs)
    };
    if (refused2) {
      state.refillIntervalMs = Math.ceil(1e3 / rate);
      state.retryAfterMs = Math.max(1, Math.ceil((1 - tokens) / rate * 1e3));
      state.retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1e3));
    }
    all.push({ state, refused: refused2, windowMs: 1e3 });
  }
  if (all.length === 0) return { allowed: true, state: void 0 };
  const refused = all.filter((e) => e.refused);
  if (refused.length > 0) {
    const worst = refused.reduce((a, b) => (b.state.retryAfter ?? 0) > (a.state.retryAfter ?? 0) ? b : a);
    return { allowed: false, state: worst.state };
  }
  const closest = all.reduce(
    (a, b) => b.state.remaining < a.state.remaining || b.state.remaining === a.state.remaining && b.windowMs > a.windowMs ? b : a
  );
  return { allowed: true, state: closest.state };
}
function windowRule(scope, limit, hits, resetMs, nowMs, windowMs) {
  const refused = hits > limit;
  const state = {
    scope,
    limit,
    remaining: Math.max(0, limit - hits),
    resetAt: new Date(resetMs)
  };
  if (refused) {
    state.retryAfterMs = Math.max(1, resetMs - nowMs);
    state.retryAfter = Math.max(1, Math.ceil((resetMs - nowMs) / 1e3));
  }
  return { state, refused, windowMs };
}
function ipSubject(ip) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(":")) return ip;
  const expanded = expandIpv6(ip);
  return expanded === void 0 ? ip : `${expanded.slice(0, 4).join(":")}::/64`;
}
function expandIpv6(ip) {
  const address = ip.split("%")[0] ?? ip;
  const halves = address.split("::");
  if (halves.length > 2) return void 0;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || halves.length === 1 && missing !== 0) return void 0;
  const groups = [...head, ...Array.from({ length: missing }, () => "0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return void 0;
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""));
}

// src/issuer/audit.ts
async function recordEvent(ctx, event) {
  await ctx.db.query(
    `INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::timestamptz, $7::jsonb)`,
    [
      event.type,
      event.teamId,
      event.keyId,
      event.ip,
      event.certId ?? null,
      event.at,
      JSON.stringify(event.detail)
    ],
    { name: "passgeni_event", durable: false }
  );
}
function aggregateWindow(ip, at) {
  return `${ip === null ? "-" : ipSubject(ip)} ${windowStart(at, MINUTE_MS).toISOString()}`;
}
async function recordAggregated(ctx, event) {
  await ctx.db.query(
    `INSERT INTO usage_events AS u (type, team_id, api_key_id, ip, cert_id, at, detail, aggregate_key)
     VALUES ($1::text, $2::text, $3::text, $4::text, NULL, $5::timestamptz, $6::jsonb, $7::text)
     ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL DO UPDATE SET count = u.count + 1`,
    [
      event.type,
      event.teamId,
      event.keyId,
      event.ip,
      event.at,
      JSON.stringify(event.detail),
      `${event.type} ${event.keyId ?? "-"} ${aggregateWindow(event.ip, event.at)}`
    ],
    { name: "passgeni_event_aggregated", durable: false }
  );
}

// src/issuer/guard.ts
var REQUEST_FIELDS = `key_hash text, team text, op text, now timestamptz, minute_start timestamptz,
  hour_start timestamptz, ip_subject text, client_ip text, ev_type text, ev_detail jsonb, agg_window text`;
var CURRENT_HITS = `CASE WHEN EXCLUDED.window_start <= l.window_start THEN l.hits ELSE 0 END`;
var REFILLED = `LEAST(EXCLUDED.burst::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * EXCLUDED.refill)`;
var MINUTE_OK = `(EXCLUDED.per_minute = 0 OR ${CURRENT_HITS} < EXCLUDED.per_minute)`;
var BURST_OK = `(EXCLUDED.burst = 0 OR ${REFILLED} >= 1)`;
var CHARGE = `CASE WHEN ${MINUTE_OK} AND ${BURST_OK} THEN 1 ELSE 0 END`;
var GUARD_CTES = `k AS (
    SELECT a.id AS key_id, a.team_id,
      COALESCE(a.per_minute, $2::int) AS per_minute,
      COALESCE(a.burst, $3::int) AS burst,
      -- a key with its own per-minute rate refills at that rate; otherwise at the issuer's
      CASE WHEN a.per_minute IS NOT NULL OR $4::float8 <= 0
        THEN GREATEST(COALESCE(a.per_minute, $2::int), 1)::float8 / 60 ELSE $4::float8 END AS refill
    FROM r JOIN api_keys AS a ON a.token_hash = r.key_hash AND a.revoked_at IS NULL
    UNION ALL
    SELECT NULL::text, t.id, 0, 0, 0::float8 FROM r JOIN teams AS t ON t.id = r.team
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
        'key_minute_ok', f.key_minute_ok, 'key_burst_ok', f.key_burst_ok, 'ip_hits', f.ip_hits)),
      f.type || ' ' || COALESCE(f.key_id, '-') || ' ' || r.agg_window
    FROM refused AS f, r
    ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL DO UPDATE SET count = u.count + 1
  ), ev AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, at, detail)
    SELECT r.ev_type, ok.team_id, ok.key_id, r.client_ip, r.now,
      jsonb_build_object('op', r.op) || COALESCE(r.ev_detail, '{}'::jsonb)
    FROM ok, r WHERE r.ev_type IS NOT NULL
  )`;
function guardedSql(action) {
  return `WITH r AS (
    SELECT * FROM jsonb_to_record($1::jsonb) AS r(${REQUEST_FIELDS}${action?.fields ?? ""})
  ), ${GUARD_CTES}${action?.ctes ?? ""}
SELECT g.key_id, g.team_id, g.key_hits, g.key_window_start, g.key_tokens, g.key_burst_ok,
  g.key_minute_ok, g.key_per_minute, g.key_burst, g.key_refill, g.ip_hits, g.ip_window_start,
  EXISTS (SELECT 1 FROM ok) AS allowed${action?.columns ?? ""}
FROM g${action?.joins ?? ""}`;
}
var GUARD_ONLY_SQL = guardedSql();
async function runGuarded(ctx, statement, caller, now, options, action = {}) {
  const byKey = caller.apiKey !== void 0;
  if (!byKey && caller.teamId === void 0) {
    throw new IssuerServiceError("AUTH_REQUIRED", 401, "An API key is required.");
  }
  const ip = caller.ip ?? null;
  const perAddress = ip !== null && ctx.limits.ipCertificatesPerHour > 0;
  const request = {
    key_hash: byKey ? hashApiKey(caller.apiKey ?? "") : null,
    team: byKey ? null : caller.teamId ?? null,
    op: options.op,
    now,
    minute_start: windowStart(now, MINUTE_MS),
    hour_start: windowStart(now, HOUR_MS),
    ip_subject: perAddress && ip !== null ? ipSubject(ip) : null,
    client_ip: ip,
    ev_type: options.event?.type ?? null,
    ev_detail: options.event?.detail ?? null,
    agg_window: aggregateWindow(ip, now),
    ...action
  };
  const { limits } = ctx;
  const [row] = await ctx.db.query(
    statement.sql,
    [
      JSON.stringify(request),
      limits.keyRequestsPerMinute,
      limits.keyBurst,
      limits.keyRefillPerSecond,
      limits.ipCertificatesPerHour
    ],
    // counters, sessions and refusal events are fine to lose in a host crash (db/types.ts)
    { name: statement.name, durable: false }
  );
  if (!row) throw new Error(`${statement.name} returned no row`);
  return { who: authorize(ctx, row, caller, now), row };
}
async function guard(ctx, caller, now, options) {
  const statement = { name: "passgeni_guard", sql: GUARD_ONLY_SQL };
  return (await runGuarded(ctx, statement, caller, now, options)).who;
}
async function parseGuarded(ctx, caller, now, options, parse) {
  try {
    return parse();
  } catch (error) {
    if (!isPassgeniError(error)) throw error;
    const { rejected, metric, ...guardOptions } = options;
    await guard(ctx, caller, now, {
      ...guardOptions,
      event: { type: rejected, detail: { code: error.code } }
    });
    metric?.inc({ code: error.code });
    throw error;
  }
}
function authorize(ctx, row, caller, now) {
  const limits = row.team_id === null ? { ...ctx.limits, keyRequestsPerMinute: 0, keyBurst: 0 } : {
    ...ctx.limits,
    ipCertificatesPerHour: 0,
    keyRequestsPerMinute: row.key_per_minute ?? 0,
    keyBurst: row.key_burst ?? 0,
    keyRefillPerSecond: row.key_refill ?? ctx.limits.keyRefillPerSecond
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
      ipWindowStart: row.ip_window_start
    },
    now
  );
  if (state) caller.onRateLimit?.(state);
  if (row.team_id === null && allowed) {
    ctx.metrics.authFailures.inc();
    throw authenticationError(caller);
  }
  if (row.team_id === null || !row.allowed || !allowed) {
    const scope = state?.scope ?? "key-minute";
    ctx.metrics.rateLimited.inc({ limit: scope });
    const retryAfter = state?.retryAfter ?? 1;
    throw new IssuerServiceError(
      "RATE_LIMITED",
      429,
      rateLimitMessage(scope, state?.limit ?? 0, retryAfter),
      {
        retryAfter,
        details: {
          limit: scope,
          retry_after: retryAfter,
          retry_after_ms: state?.retryAfterMs ?? retryAfter * 1e3,
          ...state?.refillIntervalMs !== void 0 && { refill_interval_ms: state.refillIntervalMs }
        }
      }
    );
  }
  return { teamId: row.team_id, keyId: row.key_id };
}
function authenticationError(caller) {
  if (caller.apiKey === void 0) {
    return new IssuerServiceError(
      "TEAM_NOT_FOUND",
      401,
      "The team this issuer was asked to act for does not exist."
    );
  }
  if (caller.apiKey === "") {
    return new IssuerServiceError(
      "AUTH_REQUIRED",
      401,
      'This endpoint needs an API key: send "Authorization: Bearer <key>" (create one with `passgeni api-key create --team NAME`).'
    );
  }
  return new IssuerServiceError("API_KEY_INVALID", 401, "The API key is not valid (unknown or revoked).");
}
function rateLimitMessage(scope, limit, retryAfter) {
  const what = scope === "ip-hour" ? `more than ${limit} requests without a valid API key from this address in one hour (requests with a valid key are not limited by address)` : scope === "key-minute" ? `more than ${limit} requests with this API key in one minute` : `requests with this API key faster than the burst limit (${limit} at once, then a steady rate)`;
  return `Rate limit: ${what}. Retry after ${retryAfter} s.`;
}

// src/issuer/schemas.ts
var claimShape = claimsSchema.shape;
var ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
var NOT_PRINTABLE_RE = /[\p{C}\p{Zl}\p{Zp}]/u;
var uuid = zod_exports.pipe(
  zod_exports.string().check(zod_exports.refine(isIdAnyCase, { error: "must be a UUID" })),
  zod_exports.transform((v) => v.toLowerCase())
);
var printable = (max) => zod_exports.string().check(
  zod_exports.minLength(1, { error: "must not be empty" }),
  zod_exports.refine((v) => [...v].length <= max && !NOT_PRINTABLE_RE.test(v), {
    error: `must be 1-${max} printable characters`
  })
);
var sessionBodySchema = zod_exports.object({
  standard: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(64)),
  // validated by the policy module (parseGenerationParams), which owns those rules
  generation_params: zod_exports.unknown().check(zod_exports.refine((v) => v !== void 0, { error: "is required" })),
  entropy_source: claimShape.entropy_source
});
var certificateBodySchema = zod_exports.object({
  generation_session_id: uuid,
  generated_at: zod_exports.optional(
    zod_exports.string().check(
      zod_exports.regex(ISO_UTC_RE, { error: "must be an ISO 8601 UTC time, e.g. 2025-01-31T12:00:00.000Z" }),
      zod_exports.refine((v) => Number.isFinite(Date.parse(v)), { error: "is not a real date" })
    )
  ),
  credential_binding: claimShape.credential_binding,
  label: claimShape.label
});
var revokeBodySchema = zod_exports.object({
  reason: printable(200)
});
var certificateIdSchema = uuid;
var DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
function parseRegistryDate(value) {
  const m = DATE_RE.exec(value);
  if (!m) return void 0;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (v) => v === void 0 ? 0 : Number(v)
  );
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return void 0;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return void 0;
  const at = m[4] === void 0 ? calendar : new Date(value);
  return Number.isFinite(at.getTime()) ? at : void 0;
}
var registryDate = zod_exports.pipe(
  zod_exports.string().check(
    zod_exports.maxLength(40),
    zod_exports.refine((v) => parseRegistryDate(v) !== void 0, {
      error: "must be a date (2025-01-31) or an ISO 8601 time (2025-01-31T12:00:00Z), years 1970-9999"
    })
  ),
  zod_exports.transform((v) => parseRegistryDate(v))
);
var teamName = zod_exports.string().check(zod_exports.refine((v) => TEAM_NAME_RE.test(v), { error: "must be a team name (letters, digits, . _ -)" }));
var pageLimit = zod_exports.optional(
  zod_exports.pipe(
    zod_exports.string().check(zod_exports.regex(/^\d{1,4}$/, { error: "must be a whole number from 1 to 200" })),
    zod_exports.transform(Number)
  ).check(zod_exports.refine((n) => n >= 1 && n <= 200, { error: "must be a whole number from 1 to 200" }))
);
var EVENT_TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
var eventTypes = zod_exports.pipe(
  zod_exports.union([zod_exports.string(), zod_exports.array(zod_exports.string())]),
  zod_exports.transform(
    (v) => (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(",")).map((t) => t.trim()).filter((t) => t !== "")
  )
).check(
  zod_exports.refine((types) => types.length >= 1 && types.length <= 20, { error: "must name 1 to 20 event types" }),
  zod_exports.refine((types) => types.every((t) => EVENT_TYPE_RE.test(t)), {
    error: 'must be event types such as certificate.issued (lower case, digits, ".", "_" and "-")'
  })
);
var eventsQuerySchema = zod_exports.object({
  type: zod_exports.optional(eventTypes),
  team: zod_exports.optional(teamName),
  since: zod_exports.optional(registryDate),
  until: zod_exports.optional(registryDate),
  limit: pageLimit,
  cursor: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(200)))
});
var listQuerySchema = zod_exports.object({
  team: zod_exports.optional(teamName),
  since: zod_exports.optional(registryDate),
  status: zod_exports.optional(zod_exports.enum(["valid", "pending", "expired", "revoked"])),
  standard: zod_exports.optional(zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(64))),
  label: zod_exports.optional(printable(128)),
  label_prefix: zod_exports.optional(printable(128)),
  limit: pageLimit,
  cursor: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(200)))
});
function parseWith(schema, input, what) {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message
  }));
  const first = issues[0];
  const summary = first ? ` (${first.path ? `${first.path}: ` : ""}${first.message})` : "";
  throw invalidRequest(`The ${what} is not valid${summary}. See "issues".`, issues);
}

// src/issuer/activation.ts
var ACTIVATE_SQL = `WITH c AS (
    SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid
  ), a AS (
    UPDATE certificates SET activated_at = $3::timestamptz
    WHERE id = $1::uuid AND team_id = $2::text AND revoked_at IS NULL AND activated_at IS NULL
      AND (activate_by IS NULL OR activate_by > $3::timestamptz)
    RETURNING activated_at
  ), x AS (
    UPDATE certificates SET revoked_at = $3::timestamptz, revocation_reason = 'not-stored'
    WHERE id = $1::uuid AND team_id = $2::text AND revoked_at IS NULL AND activated_at IS NULL
      AND activate_by <= $3::timestamptz
    RETURNING revoked_at
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM a) THEN 'certificate.activated'
                WHEN EXISTS (SELECT 1 FROM x) THEN 'certificate.expired-pending'
                ELSE 'certificate.activate_rejected' END,
      $2::text, $4::text, $5::text, (SELECT id FROM c), $3::timestamptz,
      jsonb_build_object('op', 'certificates.activate', 'outcome',
        CASE WHEN EXISTS (SELECT 1 FROM a) THEN 'activated'
             WHEN EXISTS (SELECT 1 FROM x) THEN 'expired'
             WHEN NOT EXISTS (SELECT 1 FROM c) THEN 'not-found'
             WHEN (SELECT team_id FROM c) <> $2::text THEN 'not-owned'
             WHEN (SELECT revoked_at FROM c) IS NOT NULL THEN 'revoked'
             ELSE 'already-active' END)
  )
SELECT c.*, (SELECT activated_at FROM a) AS new_activated_at, (SELECT revoked_at FROM x) AS new_revoked_at
FROM c`;
async function activateCertificate(ctx, caller, id) {
  const now = ctx.clock();
  const op = "certificates.activate";
  const certId = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: "certificate.activate_rejected" },
    () => {
      const parsed = certificateIdSchema.safeParse(id);
      if (!parsed.success) throw certificateNotFound();
      return parsed.data;
    }
  );
  const who = await guard(ctx, caller, now, { op });
  const [row] = await ctx.db.query(
    ACTIVATE_SQL,
    [certId, who.teamId, now, who.keyId, caller.ip ?? null],
    { name: "passgeni_certificate_activate" }
  );
  if (!row) throw certificateNotFound();
  if (row.team_id !== who.teamId) {
    throw new IssuerServiceError(
      "CERTIFICATE_NOT_OWNED",
      403,
      "This certificate belongs to another team; only the team that obtained it can activate it."
    );
  }
  if (row.new_activated_at) {
    ctx.metrics.certificatesActivated.inc();
    return statusResponse(ctx, { ...row, activated_at: row.new_activated_at }, now);
  }
  if (row.new_revoked_at) {
    ctx.metrics.certificatesExpiredPending.inc({ by: "activate" });
    ctx.metrics.certificatesRevoked.inc({ reason: "not-stored" });
    throw activationExpired(row, row.new_revoked_at);
  }
  const [fresh] = await ctx.db.query(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId]
  );
  if (!fresh) throw certificateNotFound();
  if (fresh.revoked_at) {
    if (fresh.revocation_reason === "not-stored" && fresh.activated_at === null) {
      throw activationExpired(fresh, fresh.revoked_at);
    }
    throw new IssuerServiceError(
      "CERTIFICATE_REVOKED",
      409,
      `This certificate was revoked (${fresh.revocation_reason ?? "unspecified"}) and cannot be activated; certify a new credential.`,
      { details: { cert_id: fresh.id, revoked_at: fresh.revoked_at.toISOString() } }
    );
  }
  return statusResponse(ctx, fresh, now);
}
function activationExpired(row, revokedAt) {
  return new IssuerServiceError(
    "ACTIVATION_EXPIRED",
    409,
    `This certificate was not activated by ${row.activate_by?.toISOString() ?? "its deadline"} and has been revoked (not-stored); certify the credential again.`,
    { details: { cert_id: row.id, revoked_at: revokedAt.toISOString() } }
  );
}
async function revokeExpiredPending(ctx) {
  const now = ctx.clock();
  const rows = await ctx.db.query(
    `WITH x AS (
      UPDATE certificates SET revoked_at = $1::timestamptz, revocation_reason = 'not-stored'
      WHERE activated_at IS NULL AND revoked_at IS NULL AND activate_by <= $1::timestamptz
      RETURNING id, team_id, activate_by
    )
    INSERT INTO usage_events (type, team_id, cert_id, at, detail)
    SELECT 'certificate.expired-pending', team_id, id, $1::timestamptz,
      jsonb_build_object('op', 'housekeeping', 'reason', 'not-stored', 'activate_by', activate_by)
    FROM x
    RETURNING cert_id`,
    [now],
    { name: "passgeni_certificate_sweep" }
  );
  if (rows.length > 0) {
    ctx.metrics.certificatesExpiredPending.inc({ by: "sweep" }, rows.length);
    ctx.metrics.certificatesRevoked.inc({ reason: "not-stored" }, rows.length);
    ctx.logger.info(
      { revoked: rows.length },
      "pending certificates past their activation deadline revoked (not-stored)"
    );
  }
  return rows.length;
}
async function countPending(ctx) {
  const [row] = await ctx.db.query(
    "SELECT count(*)::int AS n FROM certificates WHERE activated_at IS NULL AND revoked_at IS NULL AND activate_by IS NOT NULL"
  );
  return row?.n ?? 0;
}

// src/issuer/registry-scope.ts
async function registryScope(ctx, who, team) {
  const [caller] = await ctx.db.query(
    `SELECT (SELECT a.admin FROM api_keys a WHERE a.id = $1::text) AS admin, t.name AS team_name
     FROM teams t WHERE t.id = $2::text`,
    [who.keyId, who.teamId],
    { name: "passgeni_registry_caller" }
  );
  const admin = who.keyId === null || caller?.admin === true;
  if (team === void 0) return { teamId: admin ? null : who.teamId, admin };
  if (!admin) {
    if (team === caller?.team_name) return { teamId: who.teamId, admin };
    throw new IssuerServiceError(
      "ADMIN_REQUIRED",
      403,
      "Only an admin key may read another team's registry; leave out `team` to read your own (an operator creates admin keys with `passgeni api-key create --team NAME --admin`)."
    );
  }
  const [found] = await ctx.db.query("SELECT id FROM teams WHERE name = $1::text", [team], {
    name: "passgeni_registry_team"
  });
  if (!found) {
    throw new IssuerServiceError(
      "TEAM_UNKNOWN",
      400,
      `This issuer has no team named "${team}" (see \`passgeni api-key list\` for its teams).`
    );
  }
  return { teamId: found.id, admin };
}

// src/issuer/certificate-list.ts
function listCertificatesSql(scope) {
  return `SELECT c.id, c.standard, c.standards_met, c.entropy_bits, c.label, c.issued_at,
  c.expires_at, c.activated_at, c.activate_by, c.revoked_at, c.revocation_reason, t.name AS team_name
FROM certificates c LEFT JOIN teams t ON t.id = c.team_id
WHERE ${scope === "team" ? "c.team_id = $1::text" : "$1::text IS NULL"}
  AND ($10::timestamptz IS NULL OR c.issued_at >= $10::timestamptz)
  AND ($2::text IS NULL OR standard = $2::text)
  AND ($3::text IS NULL OR label = $3::text)
  AND ($4::text IS NULL OR starts_with(label, $4::text))
  AND ($5::text IS NULL
       OR ($5::text = 'revoked' AND revoked_at IS NOT NULL)
       OR ($5::text = 'expired' AND revoked_at IS NULL AND expires_at <= $6::timestamptz)
       OR ($5::text = 'valid' AND revoked_at IS NULL AND expires_at > $6::timestamptz
           AND (activated_at IS NOT NULL OR activate_by IS NULL))
       OR ($5::text = 'pending' AND revoked_at IS NULL AND expires_at > $6::timestamptz
           AND activated_at IS NULL AND activate_by IS NOT NULL))
  AND ($7::timestamptz IS NULL OR (c.issued_at, c.id) < ($7::timestamptz, $8::uuid))
ORDER BY c.issued_at DESC, c.id DESC
LIMIT $9::int`;
}
var LIST_TEAM_CERTIFICATES = { name: "passgeni_certificate_list", sql: listCertificatesSql("team") };
var LIST_ALL_CERTIFICATES = { name: "passgeni_certificate_list_all", sql: listCertificatesSql("all") };
var DEFAULT_PAGE = 50;
async function listCertificates(ctx, caller, query = {}) {
  const now = ctx.clock();
  const op = "certificates.list";
  const stringQuery = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, typeof v === "number" ? String(v) : v])
  );
  const parsed = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: "api.rejected" },
    () => parseListQuery(stringQuery)
  );
  const who = await guard(ctx, caller, now, { op, event: { type: "certificates.listed", detail: {} } });
  const scope = await registryScope(ctx, who, parsed.team);
  const limit = parsed.limit ?? DEFAULT_PAGE;
  const statement = scope.teamId === null ? LIST_ALL_CERTIFICATES : LIST_TEAM_CERTIFICATES;
  const rows = await ctx.db.query(
    statement.sql,
    [
      scope.teamId,
      parsed.standard ?? null,
      parsed.label ?? null,
      parsed.label_prefix ?? null,
      parsed.status ?? null,
      now,
      parsed.cursor?.issuedAt ?? null,
      parsed.cursor?.id ?? null,
      limit + 1,
      parsed.since ?? null
    ],
    { name: statement.name }
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    certificates: page.map((r) => ({
      cert_id: r.id,
      cert_url: certUrl(ctx, r.id),
      team: r.team_name,
      status: statusAt(r, now),
      compliance_standard: r.standard,
      standards_met: r.standards_met,
      entropy_bits: r.entropy_bits,
      label: r.label,
      issued_at: r.issued_at.toISOString(),
      expires_at: r.expires_at.toISOString(),
      activate_by: isPending(r) && r.activate_by ? r.activate_by.toISOString() : null,
      revoked_at: r.revoked_at ? r.revoked_at.toISOString() : null,
      revocation_reason: r.revocation_reason
    })),
    next_cursor: rows.length > limit && last ? encodeCursor(last.issued_at, last.id) : null
  };
}
function parseListQuery(query) {
  const parsed = parseWith(listQuerySchema, query, "query");
  const standard = parsed.standard !== void 0 ? resolveStandard(parsed.standard).id : void 0;
  const cursor = parsed.cursor !== void 0 ? decodeCursor(parsed.cursor) : void 0;
  return { ...parsed, standard, cursor };
}
function encodeCursor(issuedAt, id) {
  return Buffer.from(JSON.stringify([issuedAt.toISOString(), id])).toString("base64url");
}
function decodeCursor(cursor) {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value;
      const parsedId = certificateIdSchema.safeParse(id);
      if (typeof at === "string" && isCursorTime(at) && parsedId.success) {
        return { issuedAt: new Date(at), id: parsedId.data };
      }
    }
  } catch {
  }
  throw new IssuerServiceError(
    "INVALID_CURSOR",
    400,
    "The cursor is not one this issuer returned; start again without it."
  );
}
var CURSOR_TIME_RE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function isCursorTime(at) {
  const year = CURSOR_TIME_RE.exec(at)?.[1];
  if (year === void 0 || Number(year) < 1970) return false;
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at;
}

// src/issuer/events.ts
function listEventsSql(scope) {
  return `SELECT e.id::text AS id, e.type, e.at, e.team_id, t.name AS team_name, e.api_key_id, e.ip,
  e.cert_id, e.count, e.detail
FROM usage_events e LEFT JOIN teams t ON t.id = e.team_id
WHERE ${scope === "team" ? "e.team_id = $1::text" : "$1::text IS NULL"}
  AND e.id < COALESCE($5::bigint, 9223372036854775807)
  AND ($2::jsonb IS NULL OR e.type IN (SELECT jsonb_array_elements_text($2::jsonb)))
  AND ($3::timestamptz IS NULL OR e.at >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR e.at < $4::timestamptz)
ORDER BY e.id DESC
LIMIT $6::int`;
}
var LIST_TEAM_EVENTS = { name: "passgeni_event_list", sql: listEventsSql("team") };
var LIST_ALL_EVENTS = { name: "passgeni_event_list_all", sql: listEventsSql("all") };
var DEFAULT_PAGE2 = 50;
async function listEvents(ctx, caller, query = {}) {
  const now = ctx.clock();
  const op = "events.list";
  const stringQuery = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, typeof v === "number" ? String(v) : v])
  );
  const parsed = await parseGuarded(ctx, caller, now, { op, rejected: "api.rejected" }, () => {
    const q = parseWith(eventsQuerySchema, stringQuery, "query");
    if (q.since && q.until && q.since >= q.until) {
      throw invalidRequest('The query is not valid (since: must be before until). See "issues".', [
        { path: "since", message: "must be before until" }
      ]);
    }
    return { ...q, cursor: q.cursor !== void 0 ? decodeEventCursor(q.cursor) : void 0 };
  });
  const who = await guard(ctx, caller, now, {
    op,
    event: { type: "events.listed", detail: parsed.team !== void 0 ? { team: parsed.team } : {} }
  });
  const scope = await registryScope(ctx, who, parsed.team);
  const limit = parsed.limit ?? DEFAULT_PAGE2;
  const statement = scope.teamId === null ? LIST_ALL_EVENTS : LIST_TEAM_EVENTS;
  const rows = await ctx.db.query(
    statement.sql,
    [
      scope.teamId,
      parsed.type ? JSON.stringify(parsed.type) : null,
      parsed.since ?? null,
      parsed.until ?? null,
      parsed.cursor ?? null,
      limit + 1
    ],
    { name: statement.name }
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map((r) => ({
      id: r.id,
      type: r.type,
      at: r.at.toISOString(),
      team: r.team_name,
      team_id: r.team_id,
      api_key_id: r.api_key_id,
      ip: r.ip,
      cert_id: r.cert_id,
      count: Number(r.count),
      detail: typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail
    })),
    next_cursor: rows.length > limit && last ? encodeEventCursor(last.id) : null
  };
}
function encodeEventCursor(id) {
  return Buffer.from(JSON.stringify(["e", id])).toString("base64url");
}
function decodeEventCursor(cursor) {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value[0] === "e") {
      const id = value[1];
      if (typeof id === "string" && /^[1-9]\d{0,18}$/.test(id) && BigInt(id) < 2n ** 63n) return id;
    }
  } catch {
  }
  throw new IssuerServiceError(
    "INVALID_CURSOR",
    400,
    "The cursor is not one this issuer returned; start again without it."
  );
}

// src/issuer/certificates.ts
import { randomUUID as randomUUID2 } from "node:crypto";

// src/issuer/idempotency.ts
import { createHash } from "node:crypto";
var KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;
function parseIdempotency(key, request) {
  if (key === void 0) return void 0;
  if (!KEY_RE.test(key)) {
    throw new IssuerServiceError(
      "INVALID_IDEMPOTENCY_KEY",
      400,
      'The Idempotency-Key header must be 8-128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"; send a new UUID per certificate request.'
    );
  }
  const canonical = JSON.stringify([
    request.sessionId,
    request.generatedAt?.toISOString() ?? null,
    request.binding ?? null,
    request.label ?? null
  ]);
  return { key, digest: createHash("sha256").update(canonical).digest("base64url") };
}
var KEYED_COLUMNS = `${CERTIFICATE_COLUMNS}, standard, idempotency_key, request_digest`;
async function replayAfterSessionUsed(ctx, error, idempotency, ip) {
  if (!(error instanceof IssuerServiceError) || error.code !== "SESSION_USED") return void 0;
  const certId = error.details?.cert_id;
  if (typeof certId !== "string") return void 0;
  const [row] = await ctx.db.query(
    `SELECT ${KEYED_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId]
  );
  if (!row || row.idempotency_key !== idempotency.key) return void 0;
  return replay(ctx, row, idempotency, ip);
}
async function replayByKey(ctx, teamId, idempotency, ip) {
  const [row] = await ctx.db.query(
    `SELECT ${KEYED_COLUMNS} FROM certificates WHERE team_id = $1::text AND idempotency_key = $2::text`,
    [teamId, idempotency.key]
  );
  if (!row) throw new Error("certificate with this idempotency key vanished");
  return replay(ctx, row, idempotency, ip);
}
async function replay(ctx, row, idempotency, ip) {
  const now = ctx.clock();
  if (row.request_digest !== idempotency.digest) {
    throw new IssuerServiceError(
      "IDEMPOTENCY_KEY_REUSED",
      422,
      "This Idempotency-Key was already used by this team for a different certificate request; send a new key with each new request (the same key only when repeating the same request)."
    );
  }
  if (row.revoked_at) {
    throw new IssuerServiceError(
      "CERTIFICATE_REVOKED",
      409,
      `The certificate this request obtained earlier (${row.id}) has been revoked (${row.revocation_reason ?? "unspecified"}); start a new run.`,
      { details: { cert_id: row.id } }
    );
  }
  const claims = decodeCertificate(row.jwt).claims;
  const status = statusAt(row, now);
  ctx.metrics.idempotentReplays.inc();
  await recordEvent(ctx, {
    type: "certificate.replayed",
    teamId: row.team_id,
    keyId: null,
    ip,
    certId: row.id,
    at: now,
    detail: { op: "certificates.issue" }
  });
  return {
    cert_id: row.id,
    cert_url: certUrl(ctx, row.id),
    certificate: row.jwt,
    expires_at: row.expires_at.toISOString(),
    standards_met: claims.standards_met,
    compliance_standard: row.standard,
    entropy_bits: claims.entropy_bits,
    status: status === "pending" ? "pending" : "valid",
    ...status === "pending" && row.activate_by && { activate_by: row.activate_by.toISOString() },
    replayed: true
  };
}

// src/issuer/sessions.ts
import { randomUUID } from "node:crypto";
var CREATE_SESSION = {
  name: "passgeni_session_create",
  sql: guardedSql({
    fields: `, id uuid, standard text, params jsonb, entropy_bits float8, standards_met jsonb,
      entropy_source jsonb, expires_at timestamptz`,
    ctes: `, s AS (
    INSERT INTO sessions (id, team_id, api_key_id, standard, params, entropy_bits, standards_met,
      entropy_source, ip, created_at, expires_at)
    SELECT r.id, ok.team_id, ok.key_id, r.standard, r.params, r.entropy_bits, r.standards_met,
      r.entropy_source, r.client_ip, r.now, r.expires_at
    FROM ok, r
    RETURNING id
  )`,
    columns: ", EXISTS (SELECT 1 FROM s) AS created",
    joins: ""
  })
};
var CONSUME_SESSION = {
  name: "passgeni_session_consume",
  sql: guardedSql({
    fields: ", session_id uuid",
    ctes: `, u AS (
    UPDATE sessions AS s SET used_at = r.now
    FROM ok, r
    WHERE s.id = r.session_id AND s.team_id = ok.team_id AND s.used_at IS NULL AND s.expires_at > r.now
    RETURNING s.standard, s.params, s.entropy_bits, s.standards_met, s.entropy_source
  )`,
    columns: `, u.standard, u.params, u.entropy_bits, u.standards_met, u.entropy_source`,
    joins: " LEFT JOIN u ON true"
  })
};
async function createSession(ctx, caller, body) {
  const now = ctx.clock();
  const op = "sessions.create";
  const session = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: "session.rejected", metric: ctx.metrics.sessionsRejected },
    () => validateSessionRequest(body)
  );
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.sessionTtlMs);
  const { row } = await runGuarded(
    ctx,
    CREATE_SESSION,
    caller,
    now,
    { op, event: { type: "session.created", detail: { session_id: id, standard: session.standard } } },
    {
      id,
      standard: session.standard,
      params: session.params,
      entropy_bits: session.entropyBits,
      standards_met: session.standardsMet,
      entropy_source: session.entropySource,
      expires_at: expiresAt
    }
  );
  if (!row.created) throw new Error("session was not stored");
  ctx.metrics.sessionsCreated.inc({ standard: session.standard });
  return {
    generation_session_id: id,
    expires_at: expiresAt.toISOString(),
    entropy_bits: session.entropyBits,
    standards_met: session.standardsMet
  };
}
function validateSessionRequest(body) {
  const parsed = parseWith(sessionBodySchema, body, "session request");
  const rule = resolveStandard(parsed.standard);
  const params = parseGenerationParams(parsed.generation_params);
  if (!rule.certifiable) {
    throw new IssuerServiceError(
      "STANDARD_NOT_CERTIFIABLE",
      400,
      `${rule.id} is in the standards table for reference but certificates are issued only for the certifiable standards; ask for one of those (see \`passgeni standards\`).`,
      { details: { standard: rule.id } }
    );
  }
  const source = parsed.entropy_source;
  checkFipsAssertion(source);
  if (!sourceMeets(rule, source)) {
    throw new IssuerServiceError(
      "FIPS_MODE_REQUIRED",
      400,
      `${rule.id} is a claim about the random source: it is certified only for a client that reports OpenSSL in FIPS mode (entropy_source.fips_mode true) and names its FIPS provider (entropy_source.fips_provider). Generate in a Node.js runtime with the OpenSSL FIPS provider enabled, or ask for the standard that governs the credential.`,
      { details: { standard: rule.id, fips_mode: source.fips_mode } }
    );
  }
  const met = standardsMet(params, rule.rotationDays, source);
  if (!met.includes(rule.id)) throw new PolicyViolationError(rule, evaluateStandard(params, rule));
  return {
    standard: rule.id,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: met,
    entropySource: source
  };
}
function checkFipsAssertion(source) {
  if (source.fips_mode && source.fips_provider === void 0) {
    throw new IssuerServiceError(
      "FIPS_PROVIDER_REQUIRED",
      400,
      "entropy_source.fips_mode is true but entropy_source.fips_provider is missing: a client in FIPS mode must name the FIPS provider it used ({name, version, source}, as the provider reports itself). Send the provider details, or fips_mode false.",
      { details: { path: "entropy_source.fips_provider" } }
    );
  }
  if (!source.fips_mode && source.fips_provider !== void 0) {
    throw new IssuerServiceError(
      "FIPS_PROVIDER_WITHOUT_FIPS_MODE",
      400,
      "entropy_source.fips_provider is present but entropy_source.fips_mode is false: a FIPS provider answers for the random bytes only in FIPS mode. Drop fips_provider, or generate in FIPS mode.",
      { details: { path: "entropy_source.fips_provider" } }
    );
  }
}
async function consumeSession(ctx, caller, now, sessionId) {
  const op = "certificates.issue";
  const { who, row } = await runGuarded(
    ctx,
    CONSUME_SESSION,
    caller,
    now,
    { op },
    { session_id: sessionId }
  );
  if (row.standard === null) {
    const error = await sessionRefusal(ctx, who, sessionId, now);
    await recordEvent(ctx, {
      type: "certificate.rejected",
      teamId: who.teamId,
      keyId: who.keyId,
      ip: caller.ip ?? null,
      at: now,
      detail: { op, code: error.code, session_id: sessionId }
    });
    ctx.metrics.certificatesRejected.inc({ code: error.code });
    throw error;
  }
  return {
    who,
    session: {
      standard: row.standard,
      // the claims' own schemas put members back in the documented order, whatever order the
      // database returned them in
      params: claimsSchema.shape.generation_params.parse(row.params),
      entropyBits: row.entropy_bits,
      standardsMet: row.standards_met,
      entropySource: claimsSchema.shape.entropy_source.parse(row.entropy_source)
    }
  };
}
async function sessionRefusal(ctx, who, sessionId, now) {
  const [row] = await ctx.db.query(
    `SELECT s.used_at, s.expires_at, (SELECT c.id FROM certificates AS c WHERE c.session_id = s.id) AS cert_id
     FROM sessions AS s WHERE s.id = $1::uuid AND s.team_id = $2::text`,
    [sessionId, who.teamId]
  );
  if (!row) {
    return new IssuerServiceError(
      "SESSION_NOT_FOUND",
      404,
      "There is no such generation session for this team. Create one with POST /api/v1/sessions and use it within 60 seconds."
    );
  }
  if (row.used_at === null && row.expires_at.getTime() <= now.getTime()) {
    return new IssuerServiceError(
      "SESSION_EXPIRED",
      410,
      "This generation session has expired (sessions live 60 seconds). Create a new session and ask for the certificate right away.",
      { details: { expired_at: row.expires_at.toISOString() } }
    );
  }
  return new IssuerServiceError(
    "SESSION_USED",
    409,
    "This generation session has already been used; each session yields one certificate. Create a new session.",
    row.cert_id !== null ? { details: { cert_id: row.cert_id } } : {}
  );
}

// src/issuer/team-flag.ts
var FLAG_TEAM_SQL = `WITH recent AS (
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM certificates WHERE team_id = $1::text AND issued_at > $2::timestamptz LIMIT $3::int + 1
    ) AS x
  ), f AS (
    UPDATE teams SET flagged_at = $4::timestamptz, flag_count = flag_count + 1
    FROM recent
    WHERE teams.id = $1::text AND recent.n > $3::int
      AND (teams.flagged_at IS NULL OR teams.flagged_at <= $2::timestamptz)
    RETURNING recent.n
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT 'team.flagged', $1::text, $5::text, $7::text, $6::uuid, $4::timestamptz,
      jsonb_build_object('certificates_in_window', f.n, 'threshold', $3::int)
    FROM f
  )
SELECT n FROM f`;
async function flagTeamIfOverThreshold(ctx, issued) {
  const threshold = ctx.limits.teamFlagThreshold;
  if (threshold === 0) return;
  const windowStart2 = new Date(issued.now.getTime() - ctx.limits.teamFlagWindowHours * HOUR_MS);
  let flagged;
  try {
    [flagged] = await ctx.db.query(
      FLAG_TEAM_SQL,
      [issued.teamId, windowStart2, threshold, issued.now, issued.keyId, issued.certId, issued.ip],
      { name: "passgeni_team_flag" }
    );
  } catch (error) {
    ctx.logger.warn({ err: { message: messageOf(error) }, team: issued.teamId }, "team flag check failed");
    return;
  }
  if (!flagged) return;
  ctx.metrics.teamsFlaggedTotal.inc();
  ctx.logger.warn(
    { team: issued.teamId, certificates_in_window: flagged.n, threshold },
    "team flagged: issued more certificates than the threshold within the window"
  );
}

// src/issuer/certificates.ts
var GENERATED_AT_MAX_AGE_MS = 15 * MINUTE_MS;
var GENERATED_AT_MAX_AHEAD_MS = MINUTE_MS;
var STORE_CERTIFICATE_SQL = `WITH r AS (
    SELECT * FROM jsonb_to_record($1::jsonb) AS r(id uuid, team_id text, key_id text, session_id uuid,
      kid text, standard text, standards_met jsonb, entropy_bits float8, label text, jwt text,
      issued_at timestamptz, expires_at timestamptz, activate_by timestamptz, idempotency_key text,
      request_digest text, ip text, detail jsonb)
  ), c AS (
    INSERT INTO certificates (id, team_id, api_key_id, session_id, kid, standard, standards_met,
      entropy_bits, label, jwt, issued_at, expires_at, activate_by, idempotency_key, request_digest)
    SELECT id, team_id, key_id, session_id, kid, standard, standards_met, entropy_bits, label, jwt,
      issued_at, expires_at, activate_by, idempotency_key, request_digest
    FROM r
    ON CONFLICT (team_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id
  )
INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
SELECT 'certificate.issued', r.team_id, r.key_id, r.ip, c.id, r.issued_at, r.detail FROM r, c
RETURNING cert_id`;
var VIEW_CERTIFICATE_SQL = `WITH c AS (
    SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', c.team_id, $2::text, c.id, $3::timestamptz,
      jsonb_build_object('via', $4::text, 'found', true)
    FROM c
  )
SELECT * FROM c`;
async function issueCertificate(ctx, caller, body, idempotencyKey) {
  const now = ctx.clock();
  const op = "certificates.issue";
  const request = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: "certificate.rejected", metric: ctx.metrics.certificatesRejected },
    () => {
      const parsed = parseCertificateRequest(body, now);
      return { ...parsed, idempotency: parseIdempotency(idempotencyKey, parsed) };
    }
  );
  const { idempotency } = request;
  let consumed;
  try {
    consumed = await consumeSession(ctx, caller, now, request.sessionId);
  } catch (error) {
    const replay2 = idempotency && await replayAfterSessionUsed(ctx, error, idempotency, caller.ip ?? null);
    if (replay2) return replay2;
    throw error;
  }
  const { who, session } = consumed;
  const rule = getStandard(session.standard);
  const certId = randomUUID2();
  const iat = Math.floor(now.getTime() / 1e3);
  const exp = iat + ctx.certificateDays * 86400;
  const generatedAt = request.generatedAt ?? now;
  const claims = {
    jti: certId,
    iss: ctx.issuerId,
    sub: who.teamId,
    iat,
    exp,
    cert_version: CERT_VERSION,
    compliance_standard: rule.id,
    standards_met: session.standardsMet,
    generation_params: session.params,
    entropy_bits: session.entropyBits,
    entropy_source: session.entropySource,
    generation_session_id: request.sessionId,
    generated_at: generatedAt.toISOString(),
    ...rule.rotationDays > 0 && {
      rotate_by: new Date(generatedAt.getTime() + rule.rotationDays * DAY_MS).toISOString()
    },
    ...request.binding !== void 0 && { credential_binding: request.binding },
    ...request.label !== void 0 && { label: request.label }
  };
  const jwt = await signCertificate(claims, ctx.signingKey);
  const expiresAt = new Date(exp * 1e3);
  const activateBy = new Date(now.getTime() + ctx.activationTimeoutMs);
  const kid = ctx.signingKey.kid;
  const inserted = await ctx.db.query(
    STORE_CERTIFICATE_SQL,
    [
      JSON.stringify({
        id: certId,
        team_id: who.teamId,
        key_id: who.keyId,
        session_id: request.sessionId,
        kid,
        standard: rule.id,
        standards_met: claims.standards_met,
        entropy_bits: claims.entropy_bits,
        label: request.label ?? null,
        jwt,
        issued_at: now,
        expires_at: expiresAt,
        activate_by: activateBy,
        idempotency_key: idempotency?.key ?? null,
        request_digest: idempotency?.digest ?? null,
        ip: caller.ip ?? null,
        detail: { op, standard: rule.id, session_id: request.sessionId, kid }
      })
    ],
    { name: "passgeni_certificate_store" }
  );
  if (inserted.length === 0 && idempotency) {
    return replayByKey(ctx, who.teamId, idempotency, caller.ip ?? null);
  }
  ctx.metrics.certificatesIssued.inc({ standard: rule.id });
  await flagTeamIfOverThreshold(ctx, { ...who, certId, ip: caller.ip ?? null, now });
  return {
    cert_id: certId,
    cert_url: certUrl(ctx, certId),
    certificate: jwt,
    expires_at: expiresAt.toISOString(),
    standards_met: claims.standards_met,
    compliance_standard: rule.id,
    entropy_bits: claims.entropy_bits,
    status: "pending",
    activate_by: activateBy.toISOString(),
    replayed: false
  };
}
function parseCertificateRequest(body, now) {
  const parsed = parseWith(certificateBodySchema, body, "certificate request");
  let generatedAt;
  if (parsed.generated_at !== void 0) {
    generatedAt = new Date(parsed.generated_at);
    const age = now.getTime() - generatedAt.getTime();
    if (age > GENERATED_AT_MAX_AGE_MS || -age > GENERATED_AT_MAX_AHEAD_MS) {
      throw new IssuerServiceError(
        "GENERATED_AT_OUT_OF_RANGE",
        400,
        "generated_at must be within the last 15 minutes and at most 60 s ahead of the issuer's clock; generate the credential just before asking for its certificate, and check the client's clock.",
        { details: { issuer_time: now.toISOString() } }
      );
    }
  }
  return {
    sessionId: parsed.generation_session_id,
    generatedAt,
    binding: parsed.credential_binding,
    label: parsed.label
  };
}
async function getCertificate(ctx, id, view = {}) {
  const parsedId = certificateIdSchema.safeParse(id);
  const now = ctx.clock();
  const [row] = parsedId.success ? await ctx.db.query(
    VIEW_CERTIFICATE_SQL,
    [parsedId.data, view.ip ?? null, now, view.via ?? "api"],
    // a page view is fine to lose in a host crash
    { name: "passgeni_certificate_view", durable: false }
  ) : [];
  ctx.metrics.certificateViews.inc({ found: row ? "true" : "false" });
  if (!row) {
    await recordAggregated(ctx, {
      type: "certificate.viewed",
      teamId: null,
      keyId: null,
      ip: view.ip ?? null,
      at: now,
      detail: { via: view.via ?? "api", found: false }
    });
    throw certificateNotFound();
  }
  return statusResponse(ctx, row, now);
}

// src/issuer/db/migrations.ts
var MIGRATIONS = [
  {
    version: 1,
    name: "issuer schema",
    statements: [
      `CREATE TABLE teams (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        flagged_at timestamptz,
        flag_count integer NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE api_keys (
        id text PRIMARY KEY,
        team_id text NOT NULL REFERENCES teams (id),
        token_hash text NOT NULL UNIQUE,
        hint text NOT NULL,
        name text,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`,
      `CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL,
        retired_at timestamptz,
        withdrawn_at timestamptz
      )`,
      // sessions, certificates and usage_events carry no foreign keys: every row is written by a
      // statement that has just looked the team up, and a foreign-key check would take a share
      // lock on the team's row for every issuance (contention under load, for no added safety)
      `CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        team_id text NOT NULL,
        api_key_id text,
        standard text NOT NULL,
        params jsonb NOT NULL,
        entropy_bits double precision NOT NULL,
        standards_met jsonb NOT NULL,
        entropy_source jsonb NOT NULL,
        ip text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`,
      `CREATE INDEX sessions_expires_at ON sessions (expires_at)`,
      `CREATE TABLE certificates (
        id uuid PRIMARY KEY,
        team_id text NOT NULL,
        api_key_id text,
        session_id uuid NOT NULL UNIQUE,
        kid text NOT NULL,
        standard text NOT NULL,
        standards_met jsonb NOT NULL,
        entropy_bits double precision NOT NULL,
        label text,
        jwt text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revocation_reason text,
        revoked_by_key text
      )`,
      `CREATE INDEX certificates_team_issued ON certificates (team_id, issued_at DESC, id DESC)`,
      // Rate counters are rewritten on every request: fillfactor leaves room in each page so the
      // updates stay HOT (no index change), which keeps them cheap and the tables small.
      `CREATE TABLE rate_windows (
        subject text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      ) WITH (fillfactor = 50)`,
      // one row per API key holds both of its limits (minute window and token bucket), so a
      // request updates one row, not two
      `CREATE TABLE key_limits (
        key_id text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        tokens double precision NOT NULL,
        updated_at timestamptz NOT NULL,
        burst_ok boolean NOT NULL
      ) WITH (fillfactor = 50)`,
      `CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type text NOT NULL,
        team_id text,
        api_key_id text,
        ip text,
        cert_id uuid,
        at timestamptz NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`,
      `CREATE INDEX usage_events_team_at ON usage_events (team_id, at)`
    ]
  },
  {
    version: 2,
    name: "batched rate limits",
    statements: [
      // written by releases that batched requests (how many of a batch the token bucket let
      // through); unused since, kept because a released migration is never edited
      `ALTER TABLE key_limits ADD COLUMN granted integer NOT NULL DEFAULT 0`
    ]
  },
  {
    version: 3,
    name: "aggregated audit events",
    statements: [
      // failed authentications, refusals and look-ups of unknown certificates are one row per
      // source, type and minute (`count` of them), so junk traffic cannot grow the table without
      // bound; replicas still on version 2 insert plain rows (count 1, no key), which stay valid
      `ALTER TABLE usage_events ADD COLUMN count integer NOT NULL DEFAULT 1`,
      `ALTER TABLE usage_events ADD COLUMN aggregate_key text`,
      `CREATE UNIQUE INDEX usage_events_aggregate ON usage_events (aggregate_key) WHERE aggregate_key IS NOT NULL`,
      // retention deletes by age
      `CREATE INDEX usage_events_at ON usage_events (at)`
    ]
  },
  {
    version: 4,
    name: "pending certificates and idempotent issuance",
    statements: [
      // a certificate is issued pending and becomes valid when the client says a store holds its
      // credential; one never activated by activate_by is revoked (not-stored) by the issuer.
      // Rows issued before this version were valid at once and stay so (activated_at = issued_at);
      // rows a replica still on version 3 inserts carry no activate_by and are read as valid too,
      // so a rolling upgrade never turns a certificate pending or revokes it
      `ALTER TABLE certificates ADD COLUMN activated_at timestamptz`,
      `ALTER TABLE certificates ADD COLUMN activate_by timestamptz`,
      `UPDATE certificates SET activated_at = issued_at`,
      // the client's Idempotency-Key, per team, with a digest of the request it came with (a key
      // reused for another request is refused, not answered with the first one's certificate)
      `ALTER TABLE certificates ADD COLUMN idempotency_key text`,
      `ALTER TABLE certificates ADD COLUMN request_digest text`,
      `CREATE UNIQUE INDEX certificates_idempotency ON certificates (team_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
      // the housekeeping sweep reads only the pending ones
      `CREATE INDEX certificates_pending ON certificates (activate_by) WHERE activated_at IS NULL AND revoked_at IS NULL`
    ]
  },
  {
    version: 5,
    name: "per-key rate limits",
    statements: [
      // a key's own requests per minute and burst, set when it is created; null = the issuer's
      // configured default, so raising that default raises every key that has no setting of its own
      `ALTER TABLE api_keys ADD COLUMN per_minute integer`,
      `ALTER TABLE api_keys ADD COLUMN burst integer`,
      // the limits a key's last request was judged by, and whether its minute rule let it pass: a
      // refused request consumes neither its minute nor its bucket, so the row must say which
      // rule refused it. Rows written by replicas still on version 3 or 4 leave them null/true.
      `ALTER TABLE key_limits ADD COLUMN minute_ok boolean NOT NULL DEFAULT true`,
      `ALTER TABLE key_limits ADD COLUMN per_minute integer`,
      `ALTER TABLE key_limits ADD COLUMN burst integer`,
      `ALTER TABLE key_limits ADD COLUMN refill double precision`
    ]
  },
  {
    version: 6,
    name: "admin API keys",
    statements: [
      // an admin key reads every team's registry and audit trail (GET /api/v1/certificates and
      // /api/v1/events with ?team=); replicas on older versions never read the column, and every
      // key created before it is a team key
      `ALTER TABLE api_keys ADD COLUMN admin boolean NOT NULL DEFAULT false`,
      // the registry and the trail are read a page at a time, newest first: an admin's registry
      // across teams on (issued_at, id), a team's trail on its events' ids (GET /api/v1/events),
      // so a page reads its own rows and not the whole table
      `CREATE INDEX certificates_issued ON certificates (issued_at DESC, id DESC)`,
      `CREATE INDEX usage_events_team_id ON usage_events (team_id, id)`
    ]
  }
];
var SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
async function migrate(db) {
  return db.withSchemaLock(async (conn) => {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`
    );
    const rows = await conn.query("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await inTransaction(conn, async () => {
        for (const statement of migration.statements) await conn.query(statement);
        await conn.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name
        ]);
      });
      applied.push(migration.version);
    }
    const databaseVersion = Math.max(SCHEMA_VERSION, ...done);
    return { applied, databaseVersion };
  });
}
async function inTransaction(conn, fn) {
  await conn.query("BEGIN");
  try {
    await fn();
    await conn.query("COMMIT");
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => void 0);
    throw error;
  }
}

// src/issuer/data-dir.ts
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
var GITIGNORE = `# Written by passgeni: this directory holds the local issuer's database and private signing
# key. Never commit it (whoever holds the key can issue certificates in this issuer's name).
*
`;
function ensureDataDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 448 });
  const ignore = join(dir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, GITIGNORE, { mode: 384 });
}

// src/issuer/db/pglite.ts
import { join as join3 } from "node:path";

// src/issuer/db/lock.ts
import { closeSync, openSync, readFileSync, rmSync, writeFileSync as writeFileSync2, writeSync } from "node:fs";
import { join as join2 } from "node:path";
var LOCK_FILE = "issuer.lock";
function lockDataDir(dataDir) {
  const path = join2(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd;
    try {
      fd = openSync(path, "wx", 384);
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const { pid: owner, url } = readLock(path);
      if (owner !== void 0 && owner !== process.pid && isAlive(owner)) {
        const how = url ? `It is \`passgeni serve\` at ${url}: certify, verify and revoke through it (--issuer-url ${url} with an API key). To create or revoke API keys, stop it first, or run the issuer on PostgreSQL (DATABASE_URL), where both work while it serves.` : "Stop that process (or talk to it over HTTP with --issuer-url), or use PostgreSQL (DATABASE_URL) to run several.";
        throw new IssuerServiceError(
          "DATA_DIR_IN_USE",
          503,
          `The data directory ${dataDir} is in use by another passgeni process (pid ${owner}); the embedded database allows one process at a time. ${how}`,
          { details: { pid: owner, ...url !== void 0 && { url } } }
        );
      }
      if (owner === process.pid) {
        throw new IssuerServiceError(
          "DATA_DIR_IN_USE",
          503,
          `The data directory ${dataDir} is already open in this process; close the other issuer first.`
        );
      }
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}
`);
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        if (readOwner(path) === process.pid) rmSync(path, { force: true });
      }
    };
  }
  throw new IssuerServiceError("DATA_DIR_IN_USE", 503, `Could not lock the data directory ${dataDir}.`);
}
function readLock(path) {
  try {
    const [first = "", second = ""] = readFileSync(path, "utf8").split("\n");
    const pid = Number.parseInt(first.trim(), 10);
    const url = /^https?:\/\/[\x21-\x7e]{1,200}$/.test(second.trim()) ? second.trim() : void 0;
    return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : void 0, url };
  } catch {
    return { pid: void 0, url: void 0 };
  }
}
function readOwner(path) {
  return readLock(path).pid;
}
function recordServingUrl(dataDir, url) {
  const path = join2(dataDir, LOCK_FILE);
  if (readOwner(path) === process.pid) writeFileSync2(path, `${process.pid}
${url}
`, { mode: 384 });
}
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

// src/issuer/db/pglite.ts
async function openPglite(options) {
  const { PGlite: PGliteClass } = await import("@electric-sql/pglite");
  let lock;
  let db;
  if (options.memory === true || options.dataDir === void 0) {
    db = await PGliteClass.create();
  } else {
    ensureDataDir(options.dataDir);
    lock = lockDataDir(options.dataDir);
    try {
      db = await PGliteClass.create(join3(options.dataDir, "db"));
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return new PgliteDatabase(db, lock);
}
var PgliteDatabase = class {
  constructor(db, lock) {
    this.db = db;
    this.lock = lock;
  }
  db;
  lock;
  kind = "pglite";
  closed = false;
  async query(text, params = []) {
    const result = await this.db.query(text, params);
    return result.rows;
  }
  withSchemaLock(fn) {
    return fn(this);
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
};

// src/issuer/db/postgres.ts
var SCHEMA_LOCK_KEY = "8097880064466577769";
var UNAVAILABLE_CODES = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "57P01",
  // admin_shutdown
  "57P02",
  // crash_shutdown
  "57P03",
  // cannot_connect_now
  "53300"
  // too_many_connections
]);
async function openPostgres(options) {
  const { default: pg } = await import("pg");
  const base = {
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 3e4,
    connectionTimeoutMillis: 1e4,
    // a runaway statement must not pin a connection forever
    statement_timeout: 15e3,
    application_name: "passgeni-issuer"
  };
  const planning = "-c plan_cache_mode=force_generic_plan";
  const durable = new pg.Pool({ ...base, options: planning });
  const fast = new pg.Pool({ ...base, options: `${planning} -c synchronous_commit=off` });
  for (const pool of [durable, fast]) {
    pool.on("error", (error) => options.onError?.(error));
  }
  const db = new PostgresDatabase(durable, fast);
  await db.query("SELECT 1");
  return db;
}
var PostgresDatabase = class {
  constructor(durable, fast) {
    this.durable = durable;
    this.fast = fast;
  }
  durable;
  fast;
  kind = "postgres";
  closed = false;
  async query(text, params = [], options = {}) {
    const pool = options.durable === false ? this.fast : this.durable;
    try {
      const result = await pool.query({
        text,
        values: params,
        ...options.name !== void 0 && { name: options.name }
      });
      return result.rows;
    } catch (error) {
      throw mapError(error);
    }
  }
  async withSchemaLock(fn) {
    const client = await this.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1::bigint)", [SCHEMA_LOCK_KEY]);
      try {
        return await fn(clientQueryable(client));
      } finally {
        await client.query("SELECT pg_advisory_unlock($1::bigint)", [SCHEMA_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.durable.end(), this.fast.end()]);
  }
  async connect() {
    try {
      return await this.durable.connect();
    } catch (error) {
      throw mapError(error);
    }
  }
};
function clientQueryable(client) {
  return {
    async query(text, params = []) {
      const result = await client.query(text, params);
      return result.rows;
    }
  };
}
function mapError(error) {
  if (error instanceof IssuerServiceError) return error;
  const code = error?.code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) {
    return new IssuerServiceError(
      "DATABASE_UNAVAILABLE",
      503,
      "The issuer database is unavailable; try again shortly.",
      {
        retryAfter: 5,
        cause: error
      }
    );
  }
  return error;
}

// src/issuer/db/open.ts
async function openDatabase(selection) {
  const db = selection.databaseUrl !== void 0 && selection.databaseUrl !== "" ? await openPostgres({
    connectionString: selection.databaseUrl,
    ...selection.poolSize !== void 0 && { poolSize: selection.poolSize },
    ...selection.onError !== void 0 && { onError: selection.onError }
  }) : await openPglite({
    ...selection.dataDir !== void 0 && { dataDir: selection.dataDir },
    ...selection.memory !== void 0 && { memory: selection.memory }
  });
  try {
    return { db, migrations: await migrate(db) };
  } catch (error) {
    await db.close().catch(() => void 0);
    throw error;
  }
}
function redactDatabaseUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

// src/issuer/jwks.ts
var PublishedJwks = class {
  constructor(db, ownKey, clock) {
    this.db = db;
    this.ownKey = ownKey;
    this.clock = clock;
  }
  db;
  ownKey;
  clock;
  current = { keys: [] };
  get jwks() {
    return this.current;
  }
  async refresh() {
    const rows = await this.db.query(
      `SELECT public_jwk AS jwk FROM signing_keys
       WHERE withdrawn_at IS NULL ORDER BY first_seen_at DESC, kid`
    );
    const jwks = buildJwks(rows.map((r) => r.jwk));
    if (!jwks.keys.some((k) => k.kid === this.ownKey.kid)) jwks.keys.unshift(this.ownKey.publicJwk);
    this.current = jwks;
    return jwks;
  }
  /**
   * Marks a key retired: it stays in the JWKS (its certificates keep verifying) but should no
   * longer sign (`passgeni serve --rotate-key`).
   */
  async retire(kid) {
    await this.db.query("UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL", [
      kid,
      this.clock()
    ]);
    await this.refresh();
  }
  /**
   * Removes a key from the JWKS: certificates it signed stop verifying everywhere. Only for a key
   * that has leaked; revocation of its certificates alone would not stop forgeries.
   */
  async withdraw(kid) {
    if (kid === this.ownKey.kid) {
      throw new IssuerServiceError(
        "SIGNING_KEY_IN_USE",
        409,
        "This issuer signs with that key; rotate to a new key first."
      );
    }
    const rows = await this.db.query(
      "UPDATE signing_keys SET withdrawn_at = $2 WHERE kid = $1 AND withdrawn_at IS NULL RETURNING kid",
      [kid, this.clock()]
    );
    await this.refresh();
    return rows.length > 0;
  }
};

// src/issuer/maintenance.ts
async function housekeeping(ctx) {
  await revokeExpiredPending(ctx);
  const now = ctx.clock().getTime();
  const cutoff = new Date(now - DAY_MS);
  await ctx.db.query("DELETE FROM sessions WHERE expires_at < $1::timestamptz", [cutoff]);
  await ctx.db.query("DELETE FROM rate_windows WHERE window_start < $1::timestamptz", [cutoff]);
  await ctx.db.query("DELETE FROM key_limits WHERE updated_at < $1::timestamptz", [cutoff]);
  if (ctx.auditRetentionDays > 0) {
    const kept = new Date(now - ctx.auditRetentionDays * DAY_MS);
    await ctx.db.query("DELETE FROM usage_events WHERE at < $1::timestamptz", [kept]);
  }
}
async function health(ctx) {
  try {
    await ctx.db.query("SELECT 1", [], { name: "passgeni_health" });
    return { ok: true, database: "ok" };
  } catch {
    return { ok: false, database: "unavailable" };
  }
}
async function metricsText(ctx) {
  const { metrics } = ctx;
  try {
    const since = new Date(ctx.clock().getTime() - ctx.limits.teamFlagWindowHours * HOUR_MS);
    const [row] = await ctx.db.query(
      `SELECT (SELECT count(*)::int FROM teams WHERE flagged_at > $1::timestamptz) AS flagged,
              (SELECT count(*)::int FROM signing_keys WHERE withdrawn_at IS NULL) AS keys`,
      [since]
    );
    metrics.teamsFlagged.set({}, row?.flagged ?? 0);
    metrics.signingKeys.set({}, row?.keys ?? 0);
    metrics.certificatesPending.set({}, await countPending(ctx));
    metrics.databaseUp.set({}, 1);
  } catch {
    metrics.databaseUp.set({}, 0);
  }
  return metrics.render();
}
function every(ms, task, logger, failure) {
  if (ms <= 0) return () => void 0;
  const timer = setInterval(() => {
    task().catch((error) => logger.warn({ err: { message: messageOf(error) } }, failure));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

// src/issuer/metrics.ts
function labelKey(labels) {
  return renderLabels(Object.keys(labels).sort(), labels);
}
function renderLabels(names, labels) {
  if (names.length === 0) return "";
  return `{${names.map((n) => `${n}="${escapeLabel(labels[n] ?? "")}"`).join(",")}}`;
}
function escapeLabel(value) {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
function formatNumber(value) {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}
var Series = class {
  constructor(name, help, type) {
    this.name = name;
    this.help = help;
    this.type = type;
  }
  name;
  help;
  type;
  values = /* @__PURE__ */ new Map();
  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.values.size === 0 && this.type === "counter") lines.push(`${this.name} 0`);
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${formatNumber(value)}`);
    return lines.join("\n");
  }
};
var Counter = class extends Series {
  constructor(name, help) {
    super(name, help, "counter");
  }
  inc(labels = {}, by = 1) {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels = {}) {
    return this.values.get(labelKey(labels)) ?? 0;
  }
};
var Histogram = class {
  constructor(name, help, buckets) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }
  name;
  help;
  buckets;
  series = /* @__PURE__ */ new Map();
  observe(labels, value) {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) s.counts[i] = (s.counts[i] ?? 0) + 1;
    }
    s.sum += value;
    s.count += 1;
  }
  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(
          `${this.name}_bucket${labelKey({ ...s.labels, le: formatNumber(bound) })} ${s.counts[i] ?? 0}`
        );
      });
      lines.push(`${this.name}_bucket${labelKey({ ...s.labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelKey(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelKey(s.labels)} ${s.count}`);
    }
    return lines.join("\n");
  }
};
var Gauge = class extends Series {
  constructor(name, help) {
    super(name, help, "gauge");
  }
  set(labels, value) {
    this.values.set(labelKey(labels), value);
  }
};
var LATENCY_BUCKETS = [1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
var IssuerMetrics = class {
  info = new Gauge(
    "passgeni_issuer_info",
    "Constant 1, labelled with the version, database backend and signing kid."
  );
  httpRequests = new Counter(
    "passgeni_http_requests_total",
    "HTTP requests by route, method and status."
  );
  httpDuration = new Histogram(
    "passgeni_http_request_duration_seconds",
    "Time from receiving a request to sending the response, by route.",
    LATENCY_BUCKETS
  );
  sessionsCreated = new Counter(
    "passgeni_sessions_created_total",
    "Generation sessions created, by standard."
  );
  sessionsRejected = new Counter(
    "passgeni_sessions_rejected_total",
    "Session requests refused after authentication, by error code."
  );
  certificatesIssued = new Counter(
    "passgeni_certificates_issued_total",
    "Certificates signed and stored, by standard."
  );
  certificatesRejected = new Counter(
    "passgeni_certificates_rejected_total",
    "Certificate requests refused after authentication, by error code."
  );
  certificatesRevoked = new Counter(
    "passgeni_certificates_revoked_total",
    "Certificates revoked, by reason."
  );
  certificatesActivated = new Counter(
    "passgeni_certificates_activated_total",
    "Pending certificates activated (a store holds the credential)."
  );
  certificatesExpiredPending = new Counter(
    "passgeni_certificates_expired_pending_total",
    "Pending certificates revoked (not-stored) because nobody activated them in time, by who noticed (activate or sweep)."
  );
  idempotentReplays = new Counter(
    "passgeni_certificate_idempotent_replays_total",
    "Certificate requests answered with the certificate an earlier request with the same Idempotency-Key obtained."
  );
  certificatesPending = new Gauge(
    "passgeni_certificates_pending",
    "Certificates issued and neither activated nor revoked yet (all replicas)."
  );
  certificateViews = new Counter(
    "passgeni_certificate_views_total",
    "Certificate status look-ups (public page, JSON and API), by whether the certificate exists."
  );
  rateLimited = new Counter(
    "passgeni_rate_limited_total",
    "Requests refused with 429, by the limit that refused them."
  );
  authFailures = new Counter(
    "passgeni_auth_failures_total",
    "Requests refused with 401 (missing, unknown or revoked API key)."
  );
  teamsFlaggedTotal = new Counter(
    "passgeni_teams_flagged_total",
    "Times this replica flagged a team for issuing more than the threshold within the window."
  );
  teamsFlagged = new Gauge(
    "passgeni_teams_flagged",
    "Teams flagged within the last flag window (from the database)."
  );
  signingKeys = new Gauge(
    "passgeni_signing_keys",
    "Public keys published in the JWKS (from the database)."
  );
  databaseUp = new Gauge(
    "passgeni_database_up",
    "1 when the last database read for these metrics succeeded."
  );
  /** Every metric, in the order declared above. */
  render() {
    const all = Object.values(this).filter((m) => m instanceof Series || m instanceof Histogram);
    return `${all.map((m) => m.render()).join("\n")}
`;
  }
};

// src/issuer/options.ts
function resolveSettings(options) {
  const publicUrl = normalisePublicUrl(options.publicUrl);
  const issuerId = options.issuerId ?? publicUrl;
  if (issuerId.trim() === "" || issuerId.length > 256 || /[\p{C}]/u.test(issuerId)) {
    throw new InputError("INVALID_ISSUER_ID", "The issuer id must be 1-256 printable characters.");
  }
  const certificateDays = options.certificateDays ?? 365;
  if (!Number.isInteger(certificateDays) || certificateDays < 1 || certificateDays > 3650) {
    throw new InputError("INVALID_OPTION", "certificateDays must be a whole number from 1 to 3650.");
  }
  const sessionTtlSeconds = options.sessionTtlSeconds ?? 60;
  if (!Number.isInteger(sessionTtlSeconds) || sessionTtlSeconds < 1 || sessionTtlSeconds > 3600) {
    throw new InputError("INVALID_OPTION", "sessionTtlSeconds must be a whole number from 1 to 3600.");
  }
  const auditRetentionDays = options.auditRetentionDays ?? 400;
  if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 0 || auditRetentionDays > 36500) {
    throw new InputError(
      "INVALID_OPTION",
      "auditRetentionDays must be a whole number from 0 (keep forever) to 36500."
    );
  }
  const activationTimeoutMinutes = options.activationTimeoutMinutes ?? 15;
  if (!Number.isInteger(activationTimeoutMinutes) || activationTimeoutMinutes < 1 || activationTimeoutMinutes > 1440) {
    throw new InputError(
      "INVALID_OPTION",
      "activationTimeoutMinutes must be a whole number of minutes from 1 to 1440."
    );
  }
  return {
    publicUrl,
    activationTimeoutMs: activationTimeoutMinutes * 6e4,
    issuerId,
    certificateDays,
    sessionTtlMs: sessionTtlSeconds * 1e3,
    auditRetentionDays
  };
}
function normalisePublicUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new InputError("INVALID_PUBLIC_URL", `The public URL "${value}" is not a valid URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InputError("INVALID_PUBLIC_URL", "The public URL must be http:// or https://.");
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new InputError(
      "INVALID_PUBLIC_URL",
      "The public URL must not contain credentials, a query or a fragment."
    );
  }
  return url.toString().replace(/\/+$/, "");
}

// src/issuer/types.ts
var REVOCATION_REASONS = [
  "not-stored",
  "key-compromise",
  "superseded",
  "rotated",
  "issued-in-error",
  "cessation-of-operation",
  "unspecified"
];

// src/issuer/revocation.ts
var REVOKE_CERTIFICATE_SQL = `WITH c AS (
    SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid
  ), u AS (
    UPDATE certificates SET revoked_at = $3::timestamptz, revocation_reason = $4::text, revoked_by_key = $5::text
    WHERE id = $1::uuid AND team_id = $2::text AND revoked_at IS NULL
    RETURNING revoked_at, revocation_reason
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 'certificate.revoked' ELSE 'certificate.revoke_rejected' END,
      $2::text, $5::text, $6::text, (SELECT id FROM c), $3::timestamptz,
      jsonb_build_object('op', 'certificates.revoke', 'reason', $4::text, 'outcome',
        CASE WHEN EXISTS (SELECT 1 FROM u) THEN 'revoked'
             WHEN NOT EXISTS (SELECT 1 FROM c) THEN 'not-found'
             WHEN (SELECT team_id FROM c) <> $2::text THEN 'not-owned'
             ELSE 'already-revoked' END)
  )
SELECT c.*, (SELECT revoked_at FROM u) AS new_revoked_at, (SELECT revocation_reason FROM u) AS new_reason
FROM c`;
async function revokeCertificate(ctx, caller, id, body) {
  const now = ctx.clock();
  const op = "certificates.revoke";
  const { certId, reason } = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: "certificate.revoke_rejected" },
    () => parseRevocation(id, body)
  );
  const who = await guard(ctx, caller, now, { op });
  const [row] = await ctx.db.query(
    REVOKE_CERTIFICATE_SQL,
    [certId, who.teamId, now, reason, who.keyId, caller.ip ?? null],
    { name: "passgeni_certificate_revoke" }
  );
  if (!row) throw certificateNotFound();
  if (row.team_id !== who.teamId) {
    throw new IssuerServiceError(
      "CERTIFICATE_NOT_OWNED",
      403,
      "This certificate belongs to another team; only the team that obtained it can revoke it."
    );
  }
  if (row.new_revoked_at) {
    ctx.metrics.certificatesRevoked.inc({ reason: reasonLabel(reason) });
    ctx.logger.info({ cert_id: row.id, team: who.teamId, reason }, "certificate revoked");
    return statusResponse(
      ctx,
      { ...row, revoked_at: row.new_revoked_at, revocation_reason: row.new_reason },
      now
    );
  }
  if (row.revoked_at) return statusResponse(ctx, row, now);
  const [fresh] = await ctx.db.query(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId]
  );
  if (!fresh) throw certificateNotFound();
  return statusResponse(ctx, fresh, now);
}
function parseRevocation(id, body) {
  const parsedId = certificateIdSchema.safeParse(id);
  if (!parsedId.success) throw certificateNotFound();
  const reason = parseWith(revokeBodySchema, body, "revocation request").reason.trim();
  if (reason === "")
    throw new IssuerServiceError("INVALID_REQUEST", 400, "The revocation reason must not be blank.");
  return { certId: parsedId.data, reason };
}
function reasonLabel(reason) {
  return REVOCATION_REASONS.includes(reason) ? reason : "other";
}

// src/issuer/signing-keys.ts
import { closeSync as closeSync2, existsSync as existsSync2, fsyncSync, openSync as openSync2, renameSync, rmSync as rmSync2, writeSync as writeSync2 } from "node:fs";
import { dirname, join as join4 } from "node:path";
import { mkdirSync as mkdirSync2 } from "node:fs";
var DATA_DIR_KEY_FILE = "signing-key.jwk";
function resolveSigningKey(source) {
  if (source.signingKey) return { key: source.signingKey, source: "option" };
  if (source.keyFile !== void 0 && source.keyFile !== "") {
    return { key: loadSigningKeyFile(source.keyFile), source: "key-file", path: source.keyFile };
  }
  const fromEnv = loadSigningKeyFromEnv(source.env ?? process.env);
  if (fromEnv) return { key: fromEnv, source: "env" };
  if (source.dataDir === void 0) {
    throw new InputError(
      "SIGNING_KEY_REQUIRED",
      `No signing key: set ${SIGNING_KEY_ENV} or pass --key-file (create one with \`passgeni keygen\`). With DATABASE_URL every replica must sign with a key you provide, so that restarts do not mint new keys.`
    );
  }
  const path = join4(source.dataDir, DATA_DIR_KEY_FILE);
  if (existsSync2(path)) return { key: loadSigningKeyFile(path), source: "data-dir", path };
  if (source.generate === false) {
    throw new InputError("SIGNING_KEY_REQUIRED", `No signing key at ${path}.`);
  }
  const key = generateSigningKey();
  ensureDataDir(source.dataDir);
  writeKeyFile(path, key, { exclusive: true });
  source.onNotice?.(
    `passgeni: generated a new ES256 signing key (kid ${key.kid}) in ${path} (mode 0600). Back it up and keep it private: whoever holds it can issue certificates in this issuer's name.`
  );
  return { key, source: "generated", path };
}
function writeKeyFile(path, key, options = {}) {
  mkdirSync2(dirname(path), { recursive: true, mode: 448 });
  const fd = openSync2(path, options.exclusive ? "wx" : "w", 384);
  try {
    writeSync2(fd, `${exportSigningKey(key, "jwk")}
`);
    fsyncSync(fd);
  } finally {
    closeSync2(fd);
  }
}
function rotateKeyFile(path) {
  const previous = existsSync2(path) ? loadSigningKeyFile(path) : void 0;
  const current = generateSigningKey();
  const staging = `${path}.new`;
  rmSync2(staging, { force: true });
  writeKeyFile(staging, current, { exclusive: true });
  let archivedPath;
  if (previous) {
    archivedPath = `${path}.retired-${previous.kid.slice(0, 12)}`;
    renameSync(path, archivedPath);
  }
  renameSync(staging, path);
  return { previous, current, archivedPath };
}
async function registerSigningKey(db, key, now) {
  const rows = await db.query(
    `INSERT INTO signing_keys (kid, public_jwk, first_seen_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (kid) DO UPDATE SET retired_at = NULL
     RETURNING withdrawn_at`,
    [key.kid, JSON.stringify(buildJwks([key]).keys[0]), now]
  );
  if (rows[0]?.withdrawn_at) {
    throw new InputError(
      "SIGNING_KEY_WITHDRAWN",
      `The signing key ${key.kid} was withdrawn from the JWKS (it is marked compromised); sign with a new key.`
    );
  }
}

// src/issuer/issuer.ts
var noopLogger = { info() {
}, warn() {
}, error() {
} };
async function openIssuer(options) {
  const logger = options.logger ?? noopLogger;
  const limits = resolveLimits(options.limits);
  const settings = resolveSettings(options);
  const usesPostgres = options.databaseUrl !== void 0 && options.databaseUrl !== "";
  const dataDir = options.dataDir ?? (usesPostgres || options.memory || options.database ? void 0 : ".passgeni");
  const signing = resolveSigningKey({
    ...options.signingKey !== void 0 && { signingKey: options.signingKey },
    ...options.keyFile !== void 0 && { keyFile: options.keyFile },
    ...options.env !== void 0 && { env: options.env },
    // with PostgreSQL, replicas come and go: a key generated per data dir would multiply keys
    ...dataDir !== void 0 && !usesPostgres && { dataDir },
    generate: options.generateKey ?? true,
    ...options.onNotice !== void 0 && { onNotice: options.onNotice }
  });
  let db;
  let ownsDatabase = false;
  if (options.database) {
    db = options.database;
  } else {
    const opened = await openDatabase({
      ...usesPostgres && { databaseUrl: options.databaseUrl },
      ...dataDir !== void 0 && { dataDir },
      ...options.memory !== void 0 && { memory: options.memory },
      ...options.poolSize !== void 0 && { poolSize: options.poolSize },
      onError: (error) => logger.error({ err: { message: error.message } }, "database connection error")
    });
    db = opened.db;
    ownsDatabase = true;
    if (opened.migrations.applied.length > 0) {
      logger.info({ applied: opened.migrations.applied }, "database schema migrated");
    }
  }
  try {
    const clock = options.clock ?? (() => /* @__PURE__ */ new Date());
    await registerSigningKey(db, signing.key, clock());
    const ctx = {
      ...settings,
      db,
      clock,
      logger,
      limits: Object.freeze(limits),
      metrics: new IssuerMetrics(),
      signingKey: signing.key
    };
    const keys = new PublishedJwks(db, signing.key, clock);
    await keys.refresh();
    await revokeExpiredPending(ctx);
    const timers = [
      every(
        (options.jwksRefreshSeconds ?? 30) * 1e3,
        () => keys.refresh(),
        logger,
        "JWKS refresh failed; serving the previous key set"
      ),
      // a pending certificate is not valid, so a late sweep is harmless, but its revocation should
      // show within a minute of the deadline
      every(
        Math.min(60, options.housekeepingSeconds ?? 600) * 1e3,
        () => revokeExpiredPending(ctx),
        logger,
        "revoking pending certificates past their deadline failed"
      ),
      every(
        (options.housekeepingSeconds ?? 600) * 1e3,
        () => housekeeping(ctx),
        logger,
        "housekeeping failed"
      )
    ];
    return new Issuer(ctx, keys, signing.source, async () => {
      for (const stop of timers) stop();
      if (ownsDatabase) await db.close();
    });
  } catch (error) {
    if (ownsDatabase) await db.close().catch(() => void 0);
    throw error;
  }
}
var Issuer = class {
  constructor(ctx, keys, keySource, release) {
    this.ctx = ctx;
    this.keys = keys;
    this.keySource = keySource;
    this.release = release;
    this.publicUrl = ctx.publicUrl;
    this.issuerId = ctx.issuerId;
    this.jwksUrl = `${ctx.publicUrl}/.well-known/jwks.json`;
    this.metrics = ctx.metrics;
    this.database = ctx.db;
    this.kid = ctx.signingKey.kid;
    this.metrics.info.set({ version: VERSION, backend: ctx.db.kind, kid: this.kid }, 1);
  }
  ctx;
  keys;
  keySource;
  release;
  publicUrl;
  issuerId;
  jwksUrl;
  metrics;
  database;
  /** The kid of the key this process signs with. */
  kid;
  closing;
  /** The team with this name, created if needed (the local issuer uses a fixed one). */
  ensureTeam(name) {
    return ensureTeam(this.database, name, this.ctx.clock());
  }
  createApiKey(request) {
    return createApiKey(this.database, { ...request, now: this.ctx.clock() });
  }
  // the protocol (docs/protocol.md)
  createSession(caller, body) {
    return createSession(this.ctx, caller, body);
  }
  /** `replayed`: answered with the certificate an earlier request with this key obtained. */
  issueCertificate(caller, body, idempotencyKey) {
    return issueCertificate(this.ctx, caller, body, idempotencyKey);
  }
  activateCertificate(caller, id) {
    return activateCertificate(this.ctx, caller, id);
  }
  /** Revokes the pending certificates past their deadline now (housekeeping does it on its timer). */
  revokeExpiredPending() {
    return revokeExpiredPending(this.ctx);
  }
  getCertificate(id, view = {}) {
    return getCertificate(this.ctx, id, view);
  }
  listCertificates(caller, query = {}) {
    return listCertificates(this.ctx, caller, query);
  }
  /** The audit trail: the caller's team's events, or (admin) every team's. */
  listEvents(caller, query = {}) {
    return listEvents(this.ctx, caller, query);
  }
  revokeCertificate(caller, id, body) {
    return revokeCertificate(this.ctx, caller, id, body);
  }
  /**
   * A request refused before it reached an operation (bad JSON, wrong content type, no such route):
   * counted against the caller's key and audited as `api.rejected` with `code`. Throws 401/429 like
   * any guarded request.
   */
  async recordRejected(caller, op, code) {
    await guard(this.ctx, caller, this.ctx.clock(), {
      op,
      event: { type: "api.rejected", detail: { code } }
    });
  }
  // keys
  /** The public keys of every signing key not withdrawn: current and retired. */
  jwks() {
    return this.keys.jwks;
  }
  retireSigningKey(kid) {
    return this.keys.retire(kid);
  }
  withdrawSigningKey(kid) {
    return this.keys.withdraw(kid);
  }
  // maintenance
  health() {
    return health(this.ctx);
  }
  metricsText() {
    return metricsText(this.ctx);
  }
  housekeeping() {
    return housekeeping(this.ctx);
  }
  close() {
    this.closing ??= this.release();
    return this.closing;
  }
};

export {
  IssuerServiceError,
  httpStatusOf,
  messageOf,
  ensureTeam,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  resolveLimits,
  MIGRATIONS,
  SCHEMA_VERSION,
  migrate,
  recordServingUrl,
  openDatabase,
  redactDatabaseUrl,
  DATA_DIR_KEY_FILE,
  rotateKeyFile,
  openIssuer,
  Issuer
};
