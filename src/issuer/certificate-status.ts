import type { CertificateClaims } from '../certificate/index.js';
import { decodeCertificate } from '../certificate/index.js';
import { certUrl } from './context.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import type { CertificateStatus, CertificateStatusResponse } from './types.js';

/** A certificate's stored record and the status it has at a given time. */

/** A certificate's row, as the status look-ups read it. */
export interface CertificateRecord {
  id: string;
  team_id: string;
  jwt: string;
  issued_at: Date;
  expires_at: Date;
  activated_at: Date | null;
  activate_by: Date | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

/** The columns of a CertificateRecord. */
export const CERTIFICATE_COLUMNS =
  'id, team_id, jwt, issued_at, expires_at, activated_at, activate_by, revoked_at, revocation_reason';

export function statusResponse(
  ctx: IssuerContext,
  row: CertificateRecord,
  now: Date,
): CertificateStatusResponse {
  const claims = decodeCertificate(row.jwt).claims as unknown as CertificateClaims;
  return {
    cert_id: row.id,
    cert_url: certUrl(ctx, row.id),
    status: statusAt(row, now),
    certificate: row.jwt,
    claims,
    issued_at: row.issued_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    ...(row.activated_at && { activated_at: row.activated_at.toISOString() }),
    ...(isPending(row) && row.activate_by && { activate_by: row.activate_by.toISOString() }),
    ...(row.revoked_at && { revoked_at: row.revoked_at.toISOString() }),
    ...(row.revoked_at && row.revocation_reason !== null && { revocation_reason: row.revocation_reason }),
  };
}

type StatusFields = Pick<CertificateRecord, 'expires_at' | 'revoked_at' | 'activated_at' | 'activate_by'>;

export function statusAt(row: StatusFields, now: Date): CertificateStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at.getTime() <= now.getTime()) return 'expired';
  return isPending(row) ? 'pending' : 'valid';
}

/**
 * Not activated yet. A row without activate_by was written by a replica that predates activation
 * (schema version 3) and was valid at once, as that release promised.
 */
export function isPending(row: StatusFields): boolean {
  return row.revoked_at === null && row.activated_at === null && row.activate_by !== null;
}

export function certificateNotFound(): IssuerServiceError {
  return new IssuerServiceError(
    'CERTIFICATE_NOT_FOUND',
    404,
    'There is no certificate with this id on this issuer.',
  );
}
