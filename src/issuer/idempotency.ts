import { createHash } from 'node:crypto';
import type { CertificateClaims } from '../certificate/index.js';
import type { StandardId } from '../policy/index.js';
import { recordEvent } from './audit.js';
import { CERTIFICATE_COLUMNS, statusAt } from './certificate-status.js';
import type { CertificateRecord } from './certificate-status.js';
import { decodeCertificate } from '../certificate/index.js';
import { certUrl } from './context.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import type { IssuedCertificate } from './types.js';

/**
 * Idempotent issuance: a certificate request may carry an `Idempotency-Key` (a client-generated
 * UUID, per team). When the answer to it is lost, the client sends the same request again with
 * the same key and gets the certificate the first attempt obtained, instead of a second
 * certificate (or none, the session being single use) and an orphan on the issuer.
 */

/** What the key must look like: a UUID, or another client's opaque token of the same alphabet. */
const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export interface Idempotency {
  key: string;
  /** Digest of the request the key came with: the same key with another request is refused. */
  digest: string;
}

interface RequestFields {
  sessionId: string;
  generatedAt: Date | undefined;
  binding: unknown;
  label: string | undefined;
}

export function parseIdempotency(key: string | undefined, request: RequestFields): Idempotency | undefined {
  if (key === undefined) return undefined;
  if (!KEY_RE.test(key)) {
    throw new IssuerServiceError(
      'INVALID_IDEMPOTENCY_KEY',
      400,
      'The Idempotency-Key header must be 8-128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"; send a new UUID per certificate request.',
    );
  }
  const canonical = JSON.stringify([
    request.sessionId,
    request.generatedAt?.toISOString() ?? null,
    request.binding ?? null,
    request.label ?? null,
  ]);
  return { key, digest: createHash('sha256').update(canonical).digest('base64url') };
}

interface KeyedRecord extends CertificateRecord {
  standard: StandardId;
  idempotency_key: string | null;
  request_digest: string | null;
}

const KEYED_COLUMNS = `${CERTIFICATE_COLUMNS}, standard, idempotency_key, request_digest`;

/**
 * A request refused because its session is used: when the certificate that session produced was
 * obtained with this very key, this is the retry of a request whose answer was lost.
 */
export async function replayAfterSessionUsed(
  ctx: IssuerContext,
  error: unknown,
  idempotency: Idempotency,
  ip: string | null,
): Promise<(IssuedCertificate & { replayed: boolean }) | undefined> {
  if (!(error instanceof IssuerServiceError) || error.code !== 'SESSION_USED') return undefined;
  const certId = error.details?.cert_id;
  if (typeof certId !== 'string') return undefined;
  const [row] = await ctx.db.query<KeyedRecord>(
    `SELECT ${KEYED_COLUMNS} FROM certificates WHERE id = $1::uuid`,
    [certId],
  );
  if (!row || row.idempotency_key !== idempotency.key) return undefined;
  return replay(ctx, row, idempotency, ip);
}

/** The certificate a concurrent request with the same key stored first. */
export async function replayByKey(
  ctx: IssuerContext,
  teamId: string,
  idempotency: Idempotency,
  ip: string | null,
): Promise<IssuedCertificate & { replayed: boolean }> {
  const [row] = await ctx.db.query<KeyedRecord>(
    `SELECT ${KEYED_COLUMNS} FROM certificates WHERE team_id = $1::text AND idempotency_key = $2::text`,
    [teamId, idempotency.key],
  );
  if (!row) throw new Error('certificate with this idempotency key vanished');
  return replay(ctx, row, idempotency, ip);
}

async function replay(
  ctx: IssuerContext,
  row: KeyedRecord,
  idempotency: Idempotency,
  ip: string | null,
): Promise<IssuedCertificate & { replayed: boolean }> {
  const now = ctx.clock();
  if (row.request_digest !== idempotency.digest) {
    throw new IssuerServiceError(
      'IDEMPOTENCY_KEY_REUSED',
      422,
      'This Idempotency-Key was already used by this team for a different certificate request; send a new key with each new request (the same key only when repeating the same request).',
    );
  }
  if (row.revoked_at) {
    throw new IssuerServiceError(
      'CERTIFICATE_REVOKED',
      409,
      `The certificate this request obtained earlier (${row.id}) has been revoked (${row.revocation_reason ?? 'unspecified'}); start a new run.`,
      { details: { cert_id: row.id } },
    );
  }
  const claims = decodeCertificate(row.jwt).claims as unknown as CertificateClaims;
  const status = statusAt(row, now);
  ctx.metrics.idempotentReplays.inc();
  await recordEvent(ctx, {
    type: 'certificate.replayed',
    teamId: row.team_id,
    keyId: null,
    ip,
    certId: row.id,
    at: now,
    detail: { op: 'certificates.issue' },
  });
  return {
    cert_id: row.id,
    cert_url: certUrl(ctx, row.id),
    certificate: row.jwt,
    expires_at: row.expires_at.toISOString(),
    standards_met: claims.standards_met,
    compliance_standard: row.standard,
    entropy_bits: claims.entropy_bits,
    status: status === 'pending' ? 'pending' : 'valid',
    ...(status === 'pending' && row.activate_by && { activate_by: row.activate_by.toISOString() }),
    replayed: true,
  };
}
