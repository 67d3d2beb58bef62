/**
 * The issuer's hot statements. Each request makes as few round trips as possible: the API key
 * look-up, every rate-limit update and the audit event travel in one statement with the action
 * itself, as data-modifying CTEs. Counters are updated with INSERT … ON CONFLICT … DO UPDATE …
 * RETURNING, which is atomic per row on PostgreSQL, so the limits hold across any number of
 * replicas sharing the database.
 *
 * Guard parameters, shared by every guarded statement ($1–$15):
 *   $1 API key SHA-256 (hex) or null   $2 team id (in-process caller) or null   $3 now
 *   $4 start of the current minute     $5 requests per key per minute (0 = off)
 *   $6 burst size (0 = off)            $7 refill per second
 *   $8 address subject or null (only certificate requests are limited per address)
 *   $9 start of the current hour       $10 certificate requests per address per hour (0 = off)
 *   $11 operation name (audit detail)  $12 client address (audit) or null
 *   $13 event type written when the request passes, or null   $14 its detail (jsonb) or null
 *   $15 certificate id for that event, or null
 * Action parameters start at $16.
 */

const WINDOW_UPDATE = `ON CONFLICT (subject) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= w.window_start THEN w.hits + 1 ELSE 1 END,
      window_start = GREATEST(w.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start`;

// tokens available now: what was left plus the refill since the last request, capped at the burst
// size (the clock never runs backwards here, even between replicas whose clocks differ slightly)
const REFILLED = `LEAST($6::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * $7::float8)`;

const GUARD_CTES = `WITH k AS (
    SELECT id AS key_id, team_id FROM api_keys
    WHERE $1::text IS NOT NULL AND token_hash = $1::text AND revoked_at IS NULL
    UNION ALL
    SELECT NULL::text, id FROM teams WHERE $2::text IS NOT NULL AND id = $2::text
  ), kl AS (
    INSERT INTO key_limits AS l (key_id, window_start, hits, tokens, updated_at, burst_ok)
    SELECT key_id, $4::timestamptz, 1, GREATEST($6::float8 - 1, 0), $3::timestamptz, true
    FROM k WHERE key_id IS NOT NULL AND ($5::int > 0 OR $6::float8 > 0)
    ON CONFLICT (key_id) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= l.window_start THEN l.hits + 1 ELSE 1 END,
      window_start = GREATEST(l.window_start, EXCLUDED.window_start),
      tokens = ${REFILLED} - CASE WHEN ${REFILLED} >= 1 THEN 1 ELSE 0 END,
      burst_ok = $6::float8 = 0 OR ${REFILLED} >= 1,
      updated_at = GREATEST(l.updated_at, EXCLUDED.updated_at)
    RETURNING hits, window_start, tokens, burst_ok
  ), iw AS (
    INSERT INTO rate_windows AS w (subject, window_start, hits)
    SELECT 'ip-hour:' || $8::text, $9::timestamptz, 1 FROM k WHERE $8::text IS NOT NULL AND $10::int > 0
    ${WINDOW_UPDATE}
  ), g AS (
    SELECT k.key_id, k.team_id,
      CASE WHEN $5::int > 0 THEN (SELECT hits FROM kl) END AS key_hits,
      CASE WHEN $5::int > 0 THEN (SELECT window_start FROM kl) END AS key_window_start,
      CASE WHEN $6::float8 > 0 THEN (SELECT tokens FROM kl) END AS key_tokens,
      CASE WHEN $6::float8 > 0 THEN (SELECT burst_ok FROM kl) END AS key_burst_ok,
      (SELECT hits FROM iw) AS ip_hits, (SELECT window_start FROM iw) AS ip_window_start
    FROM k
  ), ok AS (
    SELECT key_id, team_id FROM g
    WHERE ($5::int = 0 OR COALESCE(key_hits, 0) <= $5::int)
      AND COALESCE(key_burst_ok, true)
      AND ($10::int = 0 OR COALESCE(ip_hits, 0) <= $10::int)
  ), ev AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT CASE WHEN g.team_id IS NULL THEN 'auth.failed' ELSE 'rate_limited' END,
      g.team_id, g.key_id, $12::text, NULL, $3::timestamptz,
      jsonb_strip_nulls(jsonb_build_object('op', $11::text, 'key_hits', g.key_hits,
        'key_burst_ok', g.key_burst_ok, 'ip_hits', g.ip_hits))
    FROM (SELECT 1) AS one LEFT JOIN g ON true
    WHERE NOT EXISTS (SELECT 1 FROM ok)
    UNION ALL
    SELECT $13::text, ok.team_id, ok.key_id, $12::text, $15::uuid, $3::timestamptz,
      jsonb_build_object('op', $11::text) || COALESCE($14::jsonb, '{}'::jsonb)
    FROM ok WHERE $13::text IS NOT NULL
  )`;

const GUARD_COLUMNS = `g.key_id, g.team_id, g.key_hits, g.key_window_start, g.key_tokens, g.key_burst_ok,
  g.ip_hits, g.ip_window_start, EXISTS (SELECT 1 FROM ok) AS allowed`;

/** Authentication and limits only (plus the event for a passing request, if given). */
export const GUARD_SQL = `${GUARD_CTES}
SELECT ${GUARD_COLUMNS} FROM (SELECT 1) AS one LEFT JOIN g ON true`;

/**
 * POST /sessions: guard + insert. $16 id, $17 standard, $18 params, $19 entropy bits,
 * $20 standards met, $21 entropy source, $22 expires at.
 */
export const CREATE_SESSION_SQL = `${GUARD_CTES}, s AS (
    INSERT INTO sessions (id, team_id, api_key_id, standard, params, entropy_bits, standards_met,
      entropy_source, ip, created_at, expires_at)
    SELECT $16::uuid, team_id, key_id, $17::text, $18::jsonb, $19::float8, $20::jsonb, $21::jsonb,
      $12::text, $3::timestamptz, $22::timestamptz
    FROM ok
    RETURNING id
  )
SELECT ${GUARD_COLUMNS}, (SELECT count(*)::int FROM s) AS created
FROM (SELECT 1) AS one LEFT JOIN g ON true`;

/**
 * POST /certificates, first half: guard + consume the session. Single use is the UPDATE's
 * `used_at IS NULL` condition: of two concurrent requests for one session, the second waits for
 * the first's row lock, re-checks the condition, and updates nothing. `p` is the statement's
 * snapshot of the session, to say why nothing was updated. $16 session id.
 */
export const CONSUME_SESSION_SQL = `${GUARD_CTES}, u AS (
    UPDATE sessions AS s SET used_at = $3::timestamptz
    FROM ok
    WHERE s.id = $16::uuid AND s.team_id = ok.team_id AND s.used_at IS NULL AND s.expires_at > $3::timestamptz
    RETURNING s.standard, s.params, s.entropy_bits, s.standards_met, s.entropy_source, s.created_at
  ), p AS (
    SELECT s.used_at, s.expires_at, (SELECT c.id FROM certificates AS c WHERE c.session_id = s.id) AS cert_id
    FROM sessions AS s JOIN ok ON s.team_id = ok.team_id
    WHERE s.id = $16::uuid
  )
SELECT ${GUARD_COLUMNS},
  u.standard AS s_standard, u.params AS s_params, u.entropy_bits AS s_entropy_bits,
  u.standards_met AS s_standards_met, u.entropy_source AS s_entropy_source, u.created_at AS s_created_at,
  p.expires_at IS NOT NULL AS p_found, p.used_at AS p_used_at, p.expires_at AS p_expires_at, p.cert_id AS p_cert_id
FROM (SELECT 1) AS one LEFT JOIN g ON true LEFT JOIN u ON true LEFT JOIN p ON true`;

/**
 * POST /certificates, second half (durable): store the signed certificate, write the audit
 * event, and flag the team when this issuance takes it over the threshold within the window. The
 * count reads at most `threshold` index entries, whatever the team's volume, and takes no lock
 * that other issuances wait on (the team row is touched only when it gets flagged).
 * $1 id, $2 team, $3 key, $4 session, $5 kid, $6 standard, $7 standards met, $8 entropy bits,
 * $9 label, $10 jwt, $11 issued at, $12 expires at, $13 window start, $14 threshold (0 = off),
 * $15 client address, $16 event detail.
 */
export const INSERT_CERTIFICATE_SQL = `WITH c AS (
    INSERT INTO certificates (id, team_id, api_key_id, session_id, kid, standard, standards_met, entropy_bits,
      label, jwt, issued_at, expires_at)
    VALUES ($1::uuid, $2::text, $3::text, $4::uuid, $5::text, $6::text, $7::jsonb, $8::float8, $9::text,
      $10::text, $11::timestamptz, $12::timestamptz)
    RETURNING id
  ), r AS (
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM certificates
      WHERE team_id = $2::text AND issued_at > $13::timestamptz
      LIMIT $14::int
    ) AS recent
  ), f AS (
    UPDATE teams SET flagged_at = $11::timestamptz, flag_count = flag_count + 1
    WHERE id = $2::text AND $14::int > 0 AND (SELECT n FROM r) >= $14::int
      AND (flagged_at IS NULL OR flagged_at <= $13::timestamptz)
    RETURNING id
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT 'certificate.issued', $2::text, $3::text, $15::text, id, $11::timestamptz, $16::jsonb FROM c
    UNION ALL
    SELECT 'team.flagged', $2::text, $3::text, $15::text, $1::uuid, $11::timestamptz,
      jsonb_build_object('certificates_in_window', (SELECT n FROM r) + 1, 'threshold', $14::int)
    FROM f
  )
SELECT (SELECT n FROM r) + 1 AS recent, (SELECT count(*)::int FROM f) AS flagged`;

/** One audit event on its own (refusals decided after the guard). */
export const INSERT_EVENT_SQL = `INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::timestamptz, $7::jsonb)`;

/** A certificate's record, with the view written to the audit trail. $1 id, $2 address, $3 now, $4 channel. */
export const VIEW_CERTIFICATE_SQL = `WITH c AS (
    SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason
    FROM certificates WHERE id = $1::uuid
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', (SELECT team_id FROM c), $2::text, (SELECT id FROM c), $3::timestamptz,
      jsonb_build_object('via', $4::text, 'found', EXISTS (SELECT 1 FROM c))
  )
SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason FROM c`;

/**
 * Revocation (durable), by the owning team only; the record stays and only its status changes.
 * $1 id, $2 team, $3 now, $4 reason, $5 key, $6 client address.
 */
export const REVOKE_CERTIFICATE_SQL = `WITH c AS (
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
FROM (SELECT 1) AS one LEFT JOIN c ON true`;

/**
 * The team's certificates, newest first, keyset-paginated on (issued_at, id).
 * $1 team, $2 standard, $3 label, $4 label prefix, $5 status, $6 now, $7/$8 cursor, $9 limit.
 */
export const LIST_CERTIFICATES_SQL = `SELECT id, standard, standards_met, entropy_bits, label, issued_at, expires_at,
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

/** Housekeeping: what no request can need any more. $1 now minus a day. */
export const HOUSEKEEPING_SQL = [
  'DELETE FROM sessions WHERE expires_at < $1::timestamptz',
  'DELETE FROM rate_windows WHERE window_start < $1::timestamptz',
  'DELETE FROM key_limits WHERE updated_at < $1::timestamptz',
];
