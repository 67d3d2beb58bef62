import { randomUUID } from 'node:crypto';
import { CERT_VERSION, decodeCertificate, signCertificate } from '../certificate/index.js';
import type { CertificateClaims } from '../certificate/index.js';
import { getStandard } from '../policy/index.js';
import { DAY_MS } from '../lib/time.js';
import { recordAggregated } from './audit.js';
import { certUrl } from './context.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { parseGuarded } from './guard.js';
import { MINUTE_MS } from './limits.js';
import { certificateBodySchema, certificateIdSchema, parseWith } from './schemas.js';
import { consumeSession } from './sessions.js';
import { flagTeamIfOverThreshold } from './team-flag.js';
import type {
  Caller,
  CertificateStatus,
  CertificateStatusResponse,
  IssuedCertificate,
  ViewChannel,
} from './types.js';

/** The accepted spread of `generated_at` around the issuer's clock. */
const GENERATED_AT_MAX_AGE_MS = 15 * MINUTE_MS;
const GENERATED_AT_MAX_AHEAD_MS = MINUTE_MS;

/** Stores a signed certificate with its audit event, durably. $1 the certificate's fields. */
const STORE_CERTIFICATE_SQL = `WITH r AS (
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

/**
 * A certificate's record, with the look-up written to the audit trail. $1 id, $2 ip, $3 at, $4 via.
 * A look-up that finds nothing is written aggregated, afterwards (anyone can make millions).
 */
const VIEW_CERTIFICATE_SQL = `WITH c AS (
    SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason
    FROM certificates WHERE id = $1::uuid
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', c.team_id, $2::text, c.id, $3::timestamptz,
      jsonb_build_object('via', $4::text, 'found', true)
    FROM c
  )
SELECT * FROM c`;

/** A certificate's row, as the status look-ups read it. */
export interface CertificateRecord {
  id: string;
  team_id: string;
  jwt: string;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

/**
 * POST /api/v1/certificates. Consumes the session (single use), signs the claims and stores the
 * certificate.
 */
export async function issueCertificate(
  ctx: IssuerContext,
  caller: Caller,
  body: unknown,
): Promise<IssuedCertificate> {
  const now = ctx.clock();
  const op = 'certificates.issue';
  const request = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: 'certificate.rejected', metric: ctx.metrics.certificatesRejected },
    () => parseCertificateRequest(body, now),
  );
  const { who, session } = await consumeSession(ctx, caller, now, request.sessionId);

  const rule = getStandard(session.standard);
  const certId = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ctx.certificateDays * 86_400;
  const generatedAt = request.generatedAt ?? now;
  const claims: CertificateClaims = {
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
    ...(rule.rotationDays > 0 && {
      rotate_by: new Date(generatedAt.getTime() + rule.rotationDays * DAY_MS).toISOString(),
    }),
    ...(request.binding !== undefined && { credential_binding: request.binding }),
    ...(request.label !== undefined && { label: request.label }),
  };
  const jwt = await signCertificate(claims, ctx.signingKey);
  const expiresAt = new Date(exp * 1000);
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
        detail: { op, standard: rule.id, session_id: request.sessionId, kid },
      }),
    ],
    { name: 'passgeni_certificate_store' },
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
    entropy_bits: claims.entropy_bits,
  };
}

function parseCertificateRequest(body: unknown, now: Date) {
  const parsed = parseWith(certificateBodySchema, body, 'certificate request');
  let generatedAt: Date | undefined;
  if (parsed.generated_at !== undefined) {
    generatedAt = new Date(parsed.generated_at);
    const age = now.getTime() - generatedAt.getTime();
    if (age > GENERATED_AT_MAX_AGE_MS || -age > GENERATED_AT_MAX_AHEAD_MS) {
      throw new IssuerServiceError(
        'GENERATED_AT_OUT_OF_RANGE',
        400,
        "generated_at must be within the last 15 minutes and at most 60 s ahead of the issuer's clock; generate the credential just before asking for its certificate, and check the client's clock.",
        { details: { issuer_time: now.toISOString() } },
      );
    }
  }
  return {
    sessionId: parsed.generation_session_id,
    generatedAt,
    binding: parsed.credential_binding,
    label: parsed.label,
  };
}

/**
 * A certificate's status, for anyone (no authentication: certificates are public by design).
 * Unknown and malformed ids are both CERTIFICATE_NOT_FOUND.
 */
export async function getCertificate(
  ctx: IssuerContext,
  id: string,
  view: { ip?: string | null; via?: ViewChannel } = {},
): Promise<CertificateStatusResponse> {
  const parsedId = certificateIdSchema.safeParse(id);
  const now = ctx.clock();
  const [row] = parsedId.success
    ? await ctx.db.query<CertificateRecord>(
        VIEW_CERTIFICATE_SQL,
        [parsedId.data, view.ip ?? null, now, view.via ?? 'api'],
        // a page view is fine to lose in a host crash
        { name: 'passgeni_certificate_view', durable: false },
      )
    : [];
  ctx.metrics.certificateViews.inc({ found: row ? 'true' : 'false' });
  if (!row) {
    // a malformed id is a look-up that found nothing like any other (probing leaves a trace)
    await recordAggregated(ctx, {
      type: 'certificate.viewed',
      teamId: null,
      keyId: null,
      ip: view.ip ?? null,
      at: now,
      detail: { via: view.via ?? 'api', found: false },
    });
    throw certificateNotFound();
  }
  return statusResponse(ctx, row, now);
}

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
    ...(row.revoked_at && { revoked_at: row.revoked_at.toISOString() }),
    ...(row.revoked_at && row.revocation_reason !== null && { revocation_reason: row.revocation_reason }),
  };
}

export function statusAt(row: { expires_at: Date; revoked_at: Date | null }, now: Date): CertificateStatus {
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now.getTime() ? 'expired' : 'valid';
}

export function certificateNotFound(): IssuerServiceError {
  return new IssuerServiceError(
    'CERTIFICATE_NOT_FOUND',
    404,
    'There is no certificate with this id on this issuer.',
  );
}
