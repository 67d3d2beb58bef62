/**
 * What the log records (docs/transparency.md). An issuance entry is the certificate exactly as
 * issued: the ASCII bytes of its compact JWT. A revocation entry is four lines of UTF-8 text:
 *
 *   passgeni-revocation/v1
 *   cert <certificate id>
 *   revoked_at <RFC 3339 UTC time, milliseconds>
 *   reason <reason>
 *
 * each ending in a newline. Both are queued by the statement that makes the change they record,
 * so a certificate is never issued or revoked without its entry; the sequencer logs them.
 */

/** The revocation entry's text as an SQL expression over a row's id, time and reason columns. */
export function revocationEntrySql(id: string, at: string, reason: string): string {
  return `'passgeni-revocation/v1' || chr(10) || 'cert ' || ${id}::text || chr(10) || 'revoked_at ' || to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || chr(10) || 'reason ' || ${reason} || chr(10)`;
}

/** The same text, built here (tests and documentation examples compare against it). */
export function revocationEntry(certId: string, revokedAt: Date, reason: string): string {
  return `passgeni-revocation/v1\ncert ${certId}\nrevoked_at ${revokedAt.toISOString()}\nreason ${reason}\n`;
}

/**
 * A CTE (name `lq`) that queues the revocation entries for the rows of CTE `from` (columns id,
 * revoked_at, revocation_reason), for the revoking statements to include.
 */
export function queueRevocationsCte(from: string): string {
  return `lq AS (
    INSERT INTO log_queue (kind, cert_id, body, queued_at)
    SELECT 'revocation', ${from}.id, ${revocationEntrySql(`${from}.id`, `${from}.revoked_at`, `${from}.revocation_reason`)}, ${from}.revoked_at
    FROM ${from}
  )`;
}
