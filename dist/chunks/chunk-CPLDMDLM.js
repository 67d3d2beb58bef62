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
  standardsMet
} from "./chunk-C2X24MP7.js";
import {
  SIGNING_KEY_ENV,
  buildJwks,
  exportSigningKey,
  generateSigningKey,
  loadSigningKeyFile,
  loadSigningKeyFromEnv
} from "./chunk-DHPNE6PL.js";
import {
  CERT_VERSION,
  claimsSchema,
  isIdAnyCase,
  zod_exports
} from "./chunk-OUTGNN2D.js";
import {
  InputError,
  PassgeniError,
  isPassgeniError
} from "./chunk-QISINA34.js";

// src/issuer/admin.ts
import { hash, randomBytes } from "node:crypto";

// src/issuer/errors.ts
var IssuerServiceError = class extends PassgeniError {
  status;
  /** Seconds until a retry may succeed (429, 503). */
  retryAfter;
  constructor(code, status, message, options = {}) {
    const exitCode = status >= 400 && status < 500 && status !== 429 ? 2 : 3;
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
  (SELECT l.window_start FROM key_limits l WHERE l.key_id = k.id) AS last_used_at`;
function toKeyInfo(row) {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at)
  };
}
async function createApiKey(db, request) {
  if (request.name !== void 0 && (request.name.length > 128 || /[\p{C}]/u.test(request.name))) {
    throw new InputError("INVALID_KEY_NAME", "A key name is at most 128 printable characters.");
  }
  const team = await ensureTeam(db, request.team, request.now);
  const key = newApiKey();
  const id = `key_${randomBytes(8).toString("hex")}`;
  const hint = `${key.slice(0, API_KEY_PREFIX.length + 4)}\u2026`;
  await db.query(
    `WITH k AS (
       INSERT INTO api_keys (id, team_id, token_hash, hint, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, team_id
     )
     INSERT INTO usage_events (type, team_id, api_key_id, ip, at, detail)
     SELECT 'api_key.created', team_id, id, $7, $6, '{}'::jsonb FROM k`,
    [id, team.id, hashApiKey(key), hint, request.name ?? null, request.now, request.ip ?? null]
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
    last_used_at: null
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

// src/issuer/certificates.ts
import { randomUUID as randomUUID2 } from "node:crypto";

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
    if (refused2) state.retryAfter = Math.max(1, Math.ceil((1 - tokens) / rate));
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
  if (refused) state.retryAfter = Math.max(1, Math.ceil((resetMs - nowMs) / 1e3));
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

// src/issuer/context.ts
function certUrl(ctx, id) {
  return `${ctx.publicUrl}/cert/${id}`;
}

// src/issuer/guard.ts
var REQUEST_FIELDS = `key_hash text, team text, op text, now timestamptz, minute_start timestamptz,
  hour_start timestamptz, ip_subject text, client_ip text, ev_type text, ev_detail jsonb, agg_window text`;
var REFILLED = `LEAST($3::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * $4::float8)`;
var GUARD_CTES = `k AS (
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
function guardedSql(action) {
  return `WITH r AS (
    SELECT * FROM jsonb_to_record($1::jsonb) AS r(${REQUEST_FIELDS}${action?.fields ?? ""})
  ), ${GUARD_CTES}${action?.ctes ?? ""}
SELECT g.key_id, g.team_id, g.key_hits, g.key_window_start, g.key_tokens, g.key_burst_ok,
  g.ip_hits, g.ip_window_start, EXISTS (SELECT 1 FROM ok) AS allowed${action?.columns ?? ""}
FROM g${action?.joins ?? ""}`;
}
var GUARD_ONLY_SQL = guardedSql();
async function runGuarded(ctx, statement, caller, now, options, action = {}) {
  const byKey = caller.apiKey !== void 0;
  if (!byKey && caller.teamId === void 0) {
    throw new IssuerServiceError("AUTH_REQUIRED", 401, "An API key is required.");
  }
  const ip = caller.ip ?? null;
  const perAddress = options.perAddress === true && ip !== null && ctx.limits.ipCertificatesPerHour > 0;
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
  if (row.team_id === null) {
    ctx.metrics.authFailures.inc();
    if (caller.apiKey === void 0) {
      throw new IssuerServiceError(
        "TEAM_NOT_FOUND",
        401,
        "The team this issuer was asked to act for does not exist."
      );
    }
    if (caller.apiKey === "") {
      throw new IssuerServiceError(
        "AUTH_REQUIRED",
        401,
        'This endpoint needs an API key: send "Authorization: Bearer <key>" (create one with `passgeni api-key create --team NAME`).'
      );
    }
    throw new IssuerServiceError("API_KEY_INVALID", 401, "The API key is not valid (unknown or revoked).");
  }
  const { allowed, state } = evaluateLimits(
    ctx.limits,
    {
      keyHits: row.key_hits,
      keyWindowStart: row.key_window_start,
      keyTokens: row.key_tokens,
      keyBurstOk: row.key_burst_ok,
      ipHits: row.ip_hits,
      ipWindowStart: row.ip_window_start
    },
    now
  );
  if (state) caller.onRateLimit?.(state);
  if (!row.allowed || !allowed) {
    const scope = state?.scope ?? "key-minute";
    ctx.metrics.rateLimited.inc({ limit: scope });
    const retryAfter = state?.retryAfter ?? 1;
    throw new IssuerServiceError(
      "RATE_LIMITED",
      429,
      rateLimitMessage(scope, state?.limit ?? 0, retryAfter),
      {
        retryAfter,
        details: { limit: scope, retry_after: retryAfter }
      }
    );
  }
  return { teamId: row.team_id, keyId: row.key_id };
}
function rateLimitMessage(scope, limit, retryAfter) {
  const what = scope === "ip-hour" ? `more than ${limit} certificate requests from this address in one hour` : scope === "key-minute" ? `more than ${limit} requests with this API key in one minute` : `requests with this API key faster than the burst limit (${limit} at once, then a steady rate)`;
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
var listQuerySchema = zod_exports.object({
  status: zod_exports.optional(zod_exports.enum(["valid", "expired", "revoked"])),
  standard: zod_exports.optional(zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(64))),
  label: zod_exports.optional(printable(128)),
  label_prefix: zod_exports.optional(printable(128)),
  limit: zod_exports.optional(
    zod_exports.pipe(
      zod_exports.string().check(zod_exports.regex(/^\d{1,4}$/, { error: "must be a whole number from 1 to 200" })),
      zod_exports.transform(Number)
    ).check(zod_exports.refine((n) => n >= 1 && n <= 200, { error: "must be a whole number from 1 to 200" }))
  ),
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
      `${rule.id} is in the standards table for reference but certificates are issued only for the six certifiable standards; ask for one of those (see \`passgeni standards\`).`,
      { details: { standard: rule.id } }
    );
  }
  const met = standardsMet(params);
  if (!met.includes(rule.id)) throw new PolicyViolationError(rule, evaluateStandard(params, rule));
  return {
    standard: rule.id,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: met,
    entropySource: parsed.entropy_source
  };
}
async function consumeSession(ctx, caller, now, sessionId) {
  const op = "certificates.issue";
  const { who, row } = await runGuarded(
    ctx,
    CONSUME_SESSION,
    caller,
    now,
    { op, perAddress: true },
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
      issued_at timestamptz, expires_at timestamptz, ip text, detail jsonb)
  ), c AS (
    INSERT INTO certificates (id, team_id, api_key_id, session_id, kid, standard, standards_met,
      entropy_bits, label, jwt, issued_at, expires_at)
    SELECT id, team_id, key_id, session_id, kid, standard, standards_met, entropy_bits, label, jwt,
      issued_at, expires_at
    FROM r
    RETURNING id
  )
INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
SELECT 'certificate.issued', r.team_id, r.key_id, r.ip, c.id, r.issued_at, r.detail FROM r, c`;
var VIEW_CERTIFICATE_SQL = `WITH c AS (
    SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason
    FROM certificates WHERE id = $1::uuid
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', c.team_id, $2::text, c.id, $3::timestamptz,
      jsonb_build_object('via', $4::text, 'found', true)
    FROM c
  )
SELECT * FROM c`;
async function issueCertificate(ctx, caller, body) {
  const now = ctx.clock();
  const op = "certificates.issue";
  const request = await parseGuarded(
    ctx,
    caller,
    now,
    { op, perAddress: true, rejected: "certificate.rejected", metric: ctx.metrics.certificatesRejected },
    () => parseCertificateRequest(body, now)
  );
  const { who, session } = await consumeSession(ctx, caller, now, request.sessionId);
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
  const kid = ctx.signingKey.kid;
  await ctx.db.query(
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
        ip: caller.ip ?? null,
        detail: { op, standard: rule.id, session_id: request.sessionId, kid }
      })
    ],
    { name: "passgeni_certificate_store" }
  );
  ctx.metrics.certificatesIssued.inc({ standard: rule.id });
  await flagTeamIfOverThreshold(ctx, { ...who, certId, ip: caller.ip ?? null, now });
  return {
    cert_id: certId,
    cert_url: certUrl(ctx, certId),
    certificate: jwt,
    expires_at: expiresAt.toISOString(),
    standards_met: claims.standards_met,
    compliance_standard: rule.id,
    entropy_bits: claims.entropy_bits
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
    ...row.revoked_at && { revoked_at: row.revoked_at.toISOString() },
    ...row.revoked_at && row.revocation_reason !== null && { revocation_reason: row.revocation_reason }
  };
}
function statusAt(row, now) {
  if (row.revoked_at) return "revoked";
  return row.expires_at.getTime() <= now.getTime() ? "expired" : "valid";
}
function certificateNotFound() {
  return new IssuerServiceError(
    "CERTIFICATE_NOT_FOUND",
    404,
    "There is no certificate with this id on this issuer."
  );
}

// src/issuer/certificate-list.ts
var LIST_CERTIFICATES_SQL = `SELECT id, standard, standards_met, entropy_bits, label, issued_at, expires_at,
  revoked_at, revocation_reason
FROM certificates
WHERE team_id = $1::text
  AND ($2::text IS NULL OR standard = $2::text)
  AND ($3::text IS NULL OR label = $3::text)
  AND ($4::text IS NULL OR starts_with(label, $4::text))
  AND ($5::text IS NULL
       OR ($5::text = 'revoked' AND revoked_at IS NOT NULL)
       OR ($5::text = 'expired' AND revoked_at IS NULL AND expires_at <= $6::timestamptz)
       OR ($5::text = 'valid' AND revoked_at IS NULL AND expires_at > $6::timestamptz))
  AND ($7::timestamptz IS NULL OR (issued_at, id) < ($7::timestamptz, $8::uuid))
ORDER BY issued_at DESC, id DESC
LIMIT $9::int`;
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
  const limit = parsed.limit ?? DEFAULT_PAGE;
  const rows = await ctx.db.query(
    LIST_CERTIFICATES_SQL,
    [
      who.teamId,
      parsed.standard ?? null,
      parsed.label ?? null,
      parsed.label_prefix ?? null,
      parsed.status ?? null,
      now,
      parsed.cursor?.issuedAt ?? null,
      parsed.cursor?.id ?? null,
      limit + 1
    ],
    { name: "passgeni_certificate_list" }
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    certificates: page.map((r) => ({
      cert_id: r.id,
      cert_url: certUrl(ctx, r.id),
      status: statusAt(r, now),
      compliance_standard: r.standard,
      standards_met: r.standards_met,
      entropy_bits: r.entropy_bits,
      label: r.label,
      issued_at: r.issued_at.toISOString(),
      expires_at: r.expires_at.toISOString(),
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

// src/issuer/db/pglite.ts
import { mkdirSync } from "node:fs";
import { join as join2 } from "node:path";

// src/issuer/db/lock.ts
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
var LOCK_FILE = "issuer.lock";
function lockDataDir(dataDir) {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd;
    try {
      fd = openSync(path, "wx", 384);
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const owner = readOwner(path);
      if (owner !== void 0 && owner !== process.pid && isAlive(owner)) {
        throw new IssuerServiceError(
          "DATA_DIR_IN_USE",
          503,
          `The data directory ${dataDir} is in use by another passgeni process (pid ${owner}). The embedded database allows one process at a time: stop that process (or talk to it over HTTP with --issuer-url), or use PostgreSQL (DATABASE_URL) to run several.`,
          { details: { pid: owner } }
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
function readOwner(path) {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : void 0;
  } catch {
    return void 0;
  }
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
    mkdirSync(options.dataDir, { recursive: true, mode: 448 });
    lock = lockDataDir(options.dataDir);
    try {
      db = await PGliteClass.create(join2(options.dataDir, "db"));
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
  return {
    publicUrl,
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
    SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason
    FROM certificates WHERE id = $1::uuid
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
SELECT c.id, c.team_id, c.jwt, c.issued_at, c.expires_at, c.revoked_at, c.revocation_reason,
  (SELECT revoked_at FROM u) AS new_revoked_at, (SELECT revocation_reason FROM u) AS new_reason
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
    "SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason FROM certificates WHERE id = $1::uuid",
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
import { closeSync as closeSync2, existsSync, fsyncSync, openSync as openSync2, renameSync, rmSync as rmSync2, writeSync as writeSync2 } from "node:fs";
import { dirname, join as join3 } from "node:path";
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
  const path = join3(source.dataDir, DATA_DIR_KEY_FILE);
  if (existsSync(path)) return { key: loadSigningKeyFile(path), source: "data-dir", path };
  if (source.generate === false) {
    throw new InputError("SIGNING_KEY_REQUIRED", `No signing key at ${path}.`);
  }
  const key = generateSigningKey();
  mkdirSync2(source.dataDir, { recursive: true, mode: 448 });
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
  const previous = existsSync(path) ? loadSigningKeyFile(path) : void 0;
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
    const timers = [
      every(
        (options.jwksRefreshSeconds ?? 30) * 1e3,
        () => keys.refresh(),
        logger,
        "JWKS refresh failed; serving the previous key set"
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
  issueCertificate(caller, body) {
    return issueCertificate(this.ctx, caller, body);
  }
  getCertificate(id, view = {}) {
    return getCertificate(this.ctx, id, view);
  }
  listCertificates(caller, query = {}) {
    return listCertificates(this.ctx, caller, query);
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
  openDatabase,
  redactDatabaseUrl,
  DATA_DIR_KEY_FILE,
  rotateKeyFile,
  openIssuer,
  Issuer
};
