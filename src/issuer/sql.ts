/**
 * The issuer's hot statements. Each request makes as few round trips as possible: the API key
 * look-up, every rate-limit update and the audit event travel in one statement with the action
 * itself, as data-modifying CTEs. Counters are updated with INSERT … ON CONFLICT … DO UPDATE …
 * RETURNING, which is atomic per row on PostgreSQL, so the limits hold across any number of
 * replicas sharing the database.
 *
 * The guarded statements and the certificate insert each handle a batch of requests (see
 * batcher.ts): $1 is a JSON array with one object per request, `n` numbering them from 0, and
 * the statement returns one row per request, ordered by `n`. A counter row is updated once per
 * statement (ON CONFLICT cannot touch a row twice), by the number of the batch's requests that
 * count against it; each request's own count is what the counter held before the batch plus its
 * rank among them, so a batch decides as its requests would one after another (one that
 * straddles a window boundary counts wholly in the newer window).
 * Counter rows are upserted in key order, so two batches never lock one table's counters in
 * opposite orders (and should they ever deadlock, the batcher retries their requests singly).
 *
 * Guard fields of each request object:
 *   key_hash  API key SHA-256 (hex) or null   team  team id (in-process caller) or null
 *   op        operation name (audit detail)   now   the request's time
 *   minute_start, hour_start   the windows the request falls in
 *   ip_subject  address subject, or null (only certificate requests are limited per address)
 *   client_ip   client address (audit) or null
 *   ev_type, ev_detail, ev_cert   the event written when the request passes (type null = none)
 * Scalars: $2 requests per key per minute (0 = off), $3 burst size (0 = off), $4 refill per
 * second, $5 certificate requests per address per hour (0 = off).
 */

const GUARD_FIELDS = `n int, key_hash text, team text, op text, now timestamptz, minute_start timestamptz,
      hour_start timestamptz, ip_subject text, client_ip text, ev_type text, ev_detail jsonb, ev_cert uuid`;

// tokens available now: what was left plus the refill since the last request, capped at the burst
// size (the clock never runs backwards here, even between replicas whose clocks differ slightly)
const REFILLED = `LEAST($3::float8, l.tokens + GREATEST(0::float8, EXTRACT(EPOCH FROM EXCLUDED.updated_at - l.updated_at)::float8) * $4::float8)`;

/** The guard CTEs; `actionFields` are the statement's own fields of each request object. */
function guardCtes(actionFields = ''): string {
  return `WITH r AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${GUARD_FIELDS}${actionFields})
  ), k AS (
    SELECT r.n, a.id AS key_id, a.team_id FROM r
    JOIN api_keys AS a ON a.token_hash = r.key_hash AND a.revoked_at IS NULL
    UNION ALL
    SELECT r.n, NULL::text, t.id FROM r JOIN teams AS t ON t.id = r.team
  ), kr AS (
    SELECT k.n, k.key_id, r.now, r.minute_start,
      row_number() OVER (PARTITION BY k.key_id ORDER BY k.n) AS rank,
      count(*) OVER (PARTITION BY k.key_id) AS batch
    FROM k JOIN r USING (n)
    WHERE k.key_id IS NOT NULL AND ($2::int > 0 OR $3::float8 > 0)
  ), kl AS (
    INSERT INTO key_limits AS l (key_id, window_start, hits, tokens, updated_at, burst_ok, granted)
    SELECT key_id, max(minute_start), count(*)::int, $3::float8 - LEAST(count(*), floor($3::float8)),
      max(now), count(*) <= floor($3::float8), LEAST(count(*), floor($3::float8))::int
    FROM kr GROUP BY key_id ORDER BY key_id
    ON CONFLICT (key_id) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= l.window_start THEN l.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
      window_start = GREATEST(l.window_start, EXCLUDED.window_start),
      tokens = ${REFILLED} - LEAST(EXCLUDED.hits, floor(${REFILLED})),
      granted = LEAST(EXCLUDED.hits, floor(${REFILLED}))::int,
      burst_ok = EXCLUDED.hits <= floor(${REFILLED}),
      updated_at = GREATEST(l.updated_at, EXCLUDED.updated_at)
    RETURNING key_id, hits, window_start, tokens, granted
  ), ir AS (
    SELECT k.n, 'ip-hour:' || r.ip_subject AS subject, r.hour_start,
      row_number() OVER (PARTITION BY r.ip_subject ORDER BY k.n) AS rank,
      count(*) OVER (PARTITION BY r.ip_subject) AS batch
    FROM k JOIN r USING (n)
    WHERE r.ip_subject IS NOT NULL AND $5::int > 0
  ), iw AS (
    INSERT INTO rate_windows AS w (subject, window_start, hits)
    SELECT subject, max(hour_start), count(*)::int FROM ir GROUP BY subject ORDER BY subject
    ON CONFLICT (subject) DO UPDATE SET
      hits = CASE WHEN EXCLUDED.window_start <= w.window_start THEN w.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
      window_start = GREATEST(w.window_start, EXCLUDED.window_start)
    RETURNING subject, hits, window_start
  ), g AS (
    SELECT r.n, k.key_id, k.team_id,
      CASE WHEN $2::int > 0 THEN (kl.hits - kr.batch + kr.rank)::int END AS key_hits,
      CASE WHEN $2::int > 0 THEN kl.window_start END AS key_window_start,
      CASE WHEN $3::float8 > 0 THEN kl.tokens + (kl.granted - LEAST(kr.rank, kl.granted)) END AS key_tokens,
      CASE WHEN $3::float8 > 0 THEN kr.rank <= kl.granted END AS key_burst_ok,
      (iw.hits - ir.batch + ir.rank)::int AS ip_hits, iw.window_start AS ip_window_start
    FROM r LEFT JOIN k USING (n) LEFT JOIN kr USING (n) LEFT JOIN kl ON kl.key_id = kr.key_id
      LEFT JOIN ir USING (n) LEFT JOIN iw ON iw.subject = ir.subject
  ), ok AS (
    SELECT n, key_id, team_id FROM g
    WHERE team_id IS NOT NULL
      AND ($2::int = 0 OR COALESCE(key_hits, 0) <= $2::int)
      AND COALESCE(key_burst_ok, true)
      AND ($5::int = 0 OR COALESCE(ip_hits, 0) <= $5::int)
  ), ev AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT CASE WHEN g.team_id IS NULL THEN 'auth.failed' ELSE 'rate_limited' END,
      g.team_id, g.key_id, r.client_ip, NULL, r.now,
      jsonb_strip_nulls(jsonb_build_object('op', r.op, 'key_hits', g.key_hits,
        'key_burst_ok', g.key_burst_ok, 'ip_hits', g.ip_hits))
    FROM g JOIN r USING (n)
    WHERE NOT EXISTS (SELECT 1 FROM ok WHERE ok.n = g.n)
    UNION ALL
    SELECT r.ev_type, ok.team_id, ok.key_id, r.client_ip, r.ev_cert, r.now,
      jsonb_build_object('op', r.op) || COALESCE(r.ev_detail, '{}'::jsonb)
    FROM ok JOIN r USING (n) WHERE r.ev_type IS NOT NULL
  )`;
}

const GUARD_COLUMNS = `g.n, g.key_id, g.team_id, g.key_hits, g.key_window_start, g.key_tokens, g.key_burst_ok,
  g.ip_hits, g.ip_window_start, EXISTS (SELECT 1 FROM ok WHERE ok.n = g.n) AS allowed`;

/** Authentication and limits only (plus the event for a passing request, if given). */
export const GUARD_SQL = `${guardCtes()}
SELECT ${GUARD_COLUMNS} FROM g ORDER BY g.n`;

/** POST /sessions: guard + insert. Request fields: the session's columns. */
export const CREATE_SESSION_SQL = `${guardCtes(`, id uuid, standard text, params jsonb,
      entropy_bits float8, standards_met jsonb, entropy_source jsonb, expires_at timestamptz`)}, s AS (
    INSERT INTO sessions (id, team_id, api_key_id, standard, params, entropy_bits, standards_met,
      entropy_source, ip, created_at, expires_at)
    SELECT r.id, ok.team_id, ok.key_id, r.standard, r.params, r.entropy_bits, r.standards_met,
      r.entropy_source, r.client_ip, r.now, r.expires_at
    FROM ok JOIN r USING (n)
    RETURNING id
  )
SELECT ${GUARD_COLUMNS}, s.id IS NOT NULL AS created
FROM g JOIN r USING (n) LEFT JOIN s ON s.id = r.id ORDER BY g.n`;

/**
 * POST /certificates, first half: guard + consume the session. Single use is the UPDATE's
 * `used_at IS NULL` condition: of two concurrent requests for one session, the second waits for
 * the first's row lock, re-checks the condition, and updates nothing; within one batch only the
 * first request for a session tries (`x`). `p` is the statement's snapshot of the session, to
 * say why nothing was updated (read only for those requests). Request field: session_id.
 */
export const CONSUME_SESSION_SQL = `${guardCtes(', session_id uuid')}, x AS (
    SELECT DISTINCT ON (r.session_id) ok.n, ok.team_id, r.session_id, r.now
    FROM ok JOIN r USING (n) ORDER BY r.session_id, ok.n
  ), u AS (
    UPDATE sessions AS s SET used_at = x.now
    FROM x
    WHERE s.id = x.session_id AND s.team_id = x.team_id AND s.used_at IS NULL AND s.expires_at > x.now
    RETURNING x.n, s.standard, s.params, s.entropy_bits, s.standards_met, s.entropy_source, s.created_at
  ), p AS (
    SELECT ok.n, s.used_at, s.expires_at,
      (SELECT c.id FROM certificates AS c WHERE c.session_id = s.id) AS cert_id
    FROM ok JOIN r USING (n) JOIN sessions AS s ON s.id = r.session_id AND s.team_id = ok.team_id
    WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.n = ok.n)
  )
SELECT ${GUARD_COLUMNS},
  u.standard AS s_standard, u.params AS s_params, u.entropy_bits AS s_entropy_bits,
  u.standards_met AS s_standards_met, u.entropy_source AS s_entropy_source, u.created_at AS s_created_at,
  p.expires_at IS NOT NULL AS p_found, p.used_at AS p_used_at, p.expires_at AS p_expires_at, p.cert_id AS p_cert_id
FROM g LEFT JOIN u USING (n) LEFT JOIN p USING (n) ORDER BY g.n`;

/**
 * POST /certificates, second half (durable): store the signed certificates, write their audit
 * events, and flag a team when an issuance takes it over the threshold within the window. The
 * count reads at most `threshold` index entries per team, whatever its volume (none for a team
 * already flagged within the window: busy teams cost nothing extra), and takes no lock that
 * other issuances wait on (the team row is touched only when it gets flagged). Within a
 * batch, a team's issuances count in order (`recent`), so the one that crosses the threshold is
 * the one reported. $1 one object per certificate, $2 threshold (0 = off).
 */
export const INSERT_CERTIFICATE_SQL = `WITH r AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n int, id uuid, team_id text, key_id text,
      session_id uuid, kid text, standard text, standards_met jsonb, entropy_bits float8, label text,
      jwt text, issued_at timestamptz, expires_at timestamptz, window_start timestamptz, ip text, detail jsonb)
  ), c AS (
    INSERT INTO certificates (id, team_id, api_key_id, session_id, kid, standard, standards_met, entropy_bits,
      label, jwt, issued_at, expires_at)
    SELECT id, team_id, key_id, session_id, kid, standard, standards_met, entropy_bits, label, jwt,
      issued_at, expires_at
    FROM r
    RETURNING id
  ), t AS (
    -- a team flagged within every request's window cannot be flagged again: not counted
    SELECT b.team_id, CASE WHEN $2::int > 0 AND (tm.flagged_at IS NULL OR tm.flagged_at <= b.last_start) THEN (
      SELECT count(*)::int FROM (
        SELECT 1 FROM certificates
        WHERE team_id = b.team_id AND issued_at > b.first_start
        LIMIT $2::int
      ) AS recent) END AS before
    FROM (SELECT team_id, min(window_start) AS first_start, max(window_start) AS last_start FROM r GROUP BY team_id) AS b
    LEFT JOIN teams AS tm ON tm.id = b.team_id
  ), rr AS (
    SELECT r.n, r.id, r.team_id, r.key_id, r.ip, r.issued_at, r.window_start,
      (t.before + row_number() OVER (PARTITION BY r.team_id ORDER BY r.n))::int AS recent
    FROM r JOIN t USING (team_id)
  ), f AS (
    UPDATE teams SET flagged_at = rr.issued_at, flag_count = flag_count + 1
    FROM rr
    WHERE teams.id = rr.team_id AND $2::int > 0 AND rr.recent = $2::int + 1
      AND (teams.flagged_at IS NULL OR teams.flagged_at <= rr.window_start)
    RETURNING rr.n
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT 'certificate.issued', r.team_id, r.key_id, r.ip, c.id, r.issued_at, r.detail
    FROM r JOIN c USING (id)
    UNION ALL
    SELECT 'team.flagged', rr.team_id, rr.key_id, rr.ip, rr.id, rr.issued_at,
      jsonb_build_object('certificates_in_window', rr.recent, 'threshold', $2::int)
    FROM rr JOIN f USING (n)
  )
SELECT rr.n, rr.recent, EXISTS (SELECT 1 FROM f WHERE f.n = rr.n) AS flagged FROM rr ORDER BY rr.n`;

/** One audit event on its own (refusals decided after the guard). */
export const INSERT_EVENT_SQL = `INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::timestamptz, $7::jsonb)`;

/**
 * Certificates' records, with each view written to the audit trail (batched like the guarded
 * statements). $1 one object per view: n, id, ip, at, via. One row per view; `id` is null when
 * there is no such certificate.
 */
export const VIEW_CERTIFICATE_SQL = `WITH r AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(n int, id uuid, ip text, at timestamptz, via text)
  ), c AS (
    SELECT r.n, x.id, x.team_id, x.jwt, x.issued_at, x.expires_at, x.revoked_at, x.revocation_reason
    FROM r JOIN certificates AS x ON x.id = r.id
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', c.team_id, r.ip, c.id, r.at,
      jsonb_build_object('via', r.via, 'found', c.id IS NOT NULL)
    FROM r LEFT JOIN c USING (n)
  )
SELECT r.n, c.id, c.team_id, c.jwt, c.issued_at, c.expires_at, c.revoked_at, c.revocation_reason
FROM r LEFT JOIN c USING (n) ORDER BY r.n`;

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
