import { CERTIFICATE_COLUMNS, certificateNotFound, statusResponse } from './certificate-status.js';
import type { CertificateRecord } from './certificate-status.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { guard, parseGuarded } from './guard.js';
import { certificateIdSchema, parseWith, revokeBodySchema } from './schemas.js';
import { queueRevocationsCte } from './log/entries.js';
import { REVOCATION_REASONS } from './types.js';
import type { Caller, CertificateStatusResponse } from './types.js';

/**
 * Revocation (durable), by the owning team only; the record stays and only its status changes.
 * The outcome is written to the audit trail by the same statement.
 * $1 id, $2 team, $3 now, $4 reason, $5 key, $6 client address.
 */
const REVOKE_CERTIFICATE_SQL = `WITH c AS (
    SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid
  ), u AS (
    UPDATE certificates SET revoked_at = $3::timestamptz, revocation_reason = $4::text, revoked_by_key = $5::text
    WHERE id = $1::uuid AND team_id = $2::text AND revoked_at IS NULL
    RETURNING id, revoked_at, revocation_reason
  ), ${queueRevocationsCte('u')}, e AS (
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

type RevokedRow = CertificateRecord & { new_revoked_at: Date | null; new_reason: string | null };

/**
 * POST /api/v1/certificates/:id/revoke. Only the owning team may revoke; the record stays and
 * its status becomes revoked. Revoking a revoked certificate changes nothing and answers with
 * the original revocation (so retries are safe).
 */
export async function revokeCertificate(
  ctx: IssuerContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<CertificateStatusResponse> {
  const now = ctx.clock();
  const op = 'certificates.revoke';
  const { certId, reason } = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: 'certificate.revoke_rejected' },
    () => parseRevocation(id, body),
  );
  const who = await guard(ctx, caller, now, { op });
  const [row] = await ctx.db.query<RevokedRow>(
    REVOKE_CERTIFICATE_SQL,
    [certId, who.teamId, now, reason, who.keyId, caller.ip ?? null],
    { name: 'passgeni_certificate_revoke' },
  );
  if (!row) throw certificateNotFound();
  if (row.team_id !== who.teamId) {
    throw new IssuerServiceError(
      'CERTIFICATE_NOT_OWNED',
      403,
      'This certificate belongs to another team; only the team that obtained it can revoke it.',
    );
  }
  if (row.new_revoked_at) {
    ctx.metrics.certificatesRevoked.inc({ reason: reasonLabel(reason) });
    ctx.logger.info({ cert_id: row.id, team: who.teamId, reason }, 'certificate revoked');
    return statusResponse(
      ctx,
      { ...row, revoked_at: row.new_revoked_at, revocation_reason: row.new_reason },
      now,
    );
  }
  if (row.revoked_at) return statusResponse(ctx, row, now);
  // revoked concurrently by another request after this statement's snapshot: read it again
  const [fresh] = await ctx.db.query<CertificateRecord>(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId],
  );
  if (!fresh) throw certificateNotFound();
  return statusResponse(ctx, fresh, now);
}

function parseRevocation(id: string, body: unknown): { certId: string; reason: string } {
  const parsedId = certificateIdSchema.safeParse(id);
  if (!parsedId.success) throw certificateNotFound();
  const reason = parseWith(revokeBodySchema, body, 'revocation request').reason.trim();
  if (reason === '')
    throw new IssuerServiceError('INVALID_REQUEST', 400, 'The revocation reason must not be blank.');
  return { certId: parsedId.data, reason };
}

/** The metric's label: a documented reason, or `other` for free text. */
function reasonLabel(reason: string): string {
  return (REVOCATION_REASONS as readonly string[]).includes(reason) ? reason : 'other';
}
