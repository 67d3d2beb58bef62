import { CERTIFICATE_COLUMNS, certificateNotFound, statusResponse } from './certificate-status.js';
import type { CertificateRecord } from './certificate-status.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { guard, parseGuarded } from './guard.js';
import { queueRevocationsCte } from './log/entries.js';
import { certificateIdSchema } from './schemas.js';
import type { Caller, CertificateStatusResponse } from './types.js';

/**
 * Pending certificates (docs/protocol.md): a certificate is issued pending and becomes valid only
 * when its team says a store holds the credential. One nobody activates by its `activate_by` is
 * revoked `not-stored` by the issuer itself, so a run that died, hung or lost its answers never
 * leaves a valid certificate for a credential stored nowhere.
 */

/**
 * Activation (or, past the deadline, revocation), by the owning team, with its audit event, as
 * one statement. $1 id, $2 team, $3 now, $4 key, $5 client address.
 */
const ACTIVATE_SQL = `WITH c AS (
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
    RETURNING id, revoked_at, revocation_reason
  ), ${queueRevocationsCte('x')}, e AS (
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

type ActivatedRow = CertificateRecord & { new_activated_at: Date | null; new_revoked_at: Date | null };

/**
 * POST /api/v1/certificates/:id/activate. Idempotent: activating an active certificate answers
 * with it unchanged, so a retry after a lost answer is safe.
 */
export async function activateCertificate(
  ctx: IssuerContext,
  caller: Caller,
  id: string,
): Promise<CertificateStatusResponse> {
  const now = ctx.clock();
  const op = 'certificates.activate';
  const certId = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: 'certificate.activate_rejected' },
    () => {
      const parsed = certificateIdSchema.safeParse(id);
      if (!parsed.success) throw certificateNotFound();
      return parsed.data;
    },
  );
  const who = await guard(ctx, caller, now, { op });
  const [row] = await ctx.db.query<ActivatedRow>(
    ACTIVATE_SQL,
    [certId, who.teamId, now, who.keyId, caller.ip ?? null],
    { name: 'passgeni_certificate_activate' },
  );
  if (!row) throw certificateNotFound();
  if (row.team_id !== who.teamId) {
    throw new IssuerServiceError(
      'CERTIFICATE_NOT_OWNED',
      403,
      'This certificate belongs to another team; only the team that obtained it can activate it.',
    );
  }
  if (row.new_activated_at) {
    ctx.metrics.certificatesActivated.inc();
    return statusResponse(ctx, { ...row, activated_at: row.new_activated_at }, now);
  }
  if (row.new_revoked_at) {
    ctx.metrics.certificatesExpiredPending.inc({ by: 'activate' });
    ctx.metrics.certificatesRevoked.inc({ reason: 'not-stored' });
    throw activationExpired(row, row.new_revoked_at);
  }
  // already decided by an earlier request (or concurrently, after this statement's snapshot)
  const [fresh] = await ctx.db.query<CertificateRecord>(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId],
  );
  if (!fresh) throw certificateNotFound();
  if (fresh.revoked_at) {
    if (fresh.revocation_reason === 'not-stored' && fresh.activated_at === null) {
      throw activationExpired(fresh, fresh.revoked_at);
    }
    throw new IssuerServiceError(
      'CERTIFICATE_REVOKED',
      409,
      `This certificate was revoked (${fresh.revocation_reason ?? 'unspecified'}) and cannot be activated; certify a new credential.`,
      { details: { cert_id: fresh.id, revoked_at: fresh.revoked_at.toISOString() } },
    );
  }
  return statusResponse(ctx, fresh, now);
}

function activationExpired(row: CertificateRecord, revokedAt: Date): IssuerServiceError {
  return new IssuerServiceError(
    'ACTIVATION_EXPIRED',
    409,
    `This certificate was not activated by ${row.activate_by?.toISOString() ?? 'its deadline'} and has been revoked (not-stored); certify the credential again.`,
    { details: { cert_id: row.id, revoked_at: revokedAt.toISOString() } },
  );
}

/**
 * Revokes (`not-stored`) every pending certificate past its deadline, audited as the issuer's own
 * act (no key). Safe on any number of replicas at once: each row is revoked by one UPDATE only.
 * Returns how many it revoked.
 */
export async function revokeExpiredPending(ctx: IssuerContext): Promise<number> {
  const now = ctx.clock();
  const rows = await ctx.db.query<{ cert_id: string }>(
    `WITH x AS (
      UPDATE certificates SET revoked_at = $1::timestamptz, revocation_reason = 'not-stored'
      WHERE activated_at IS NULL AND revoked_at IS NULL AND activate_by <= $1::timestamptz
      RETURNING id, team_id, activate_by, revoked_at, revocation_reason
    ), ${queueRevocationsCte('x')}
    INSERT INTO usage_events (type, team_id, cert_id, at, detail)
    SELECT 'certificate.expired-pending', team_id, id, $1::timestamptz,
      jsonb_build_object('op', 'housekeeping', 'reason', 'not-stored', 'activate_by', activate_by)
    FROM x
    RETURNING cert_id`,
    [now],
    { name: 'passgeni_certificate_sweep' },
  );
  if (rows.length > 0) {
    ctx.metrics.certificatesExpiredPending.inc({ by: 'sweep' }, rows.length);
    ctx.metrics.certificatesRevoked.inc({ reason: 'not-stored' }, rows.length);
    ctx.logger.info(
      { revoked: rows.length },
      'pending certificates past their activation deadline revoked (not-stored)',
    );
  }
  return rows.length;
}

/** How many certificates are pending now, on every replica (a gauge). */
export async function countPending(ctx: IssuerContext): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM certificates WHERE activated_at IS NULL AND revoked_at IS NULL AND activate_by IS NOT NULL',
  );
  return row?.n ?? 0;
}
