import { randomUUID } from 'node:crypto';
import { CERT_VERSION, signCertificate } from '../certificate/index.js';
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
import { parseIdempotency, replayAfterSessionUsed, replayByKey } from './idempotency.js';
import { consumeSession } from './sessions.js';
import { CERTIFICATE_COLUMNS, certificateNotFound, statusResponse } from './certificate-status.js';
import type { CertificateRecord } from './certificate-status.js';
import { flagTeamIfOverThreshold } from './team-flag.js';
import type { Caller, CertificateStatusResponse, IssuedCertificate, ViewChannel } from './types.js';

/** The accepted spread of `generated_at` around the issuer's clock. */
const GENERATED_AT_MAX_AGE_MS = 15 * MINUTE_MS;
const GENERATED_AT_MAX_AHEAD_MS = MINUTE_MS;

/**
 * Stores a signed, pending certificate with its audit event, durably. $1 the certificate's fields.
 * A certificate with the team's Idempotency-Key already exists (a concurrent retry) inserts
 * nothing and returns no row; the caller then answers with that one.
 */
export const STORE_CERTIFICATE_SQL = `WITH r AS (
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
  ), lq AS (
    -- the transparency log's issuance entry: the JWT exactly as issued (src/issuer/log/entries.ts)
    INSERT INTO log_queue (kind, cert_id, body, queued_at)
    SELECT 'issuance', c.id, r.jwt, r.issued_at FROM r, c
  )
INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
SELECT 'certificate.issued', r.team_id, r.key_id, r.ip, c.id, r.issued_at, r.detail FROM r, c
RETURNING cert_id`;

/**
 * A certificate's record, with the look-up written to the audit trail. $1 id, $2 ip, $3 at, $4 via.
 * A look-up that finds nothing is written aggregated, afterwards (anyone can make millions).
 */
const VIEW_CERTIFICATE_SQL = `WITH c AS (
    SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1::uuid
  ), e AS (
    INSERT INTO usage_events (type, team_id, ip, cert_id, at, detail)
    SELECT 'certificate.viewed', c.team_id, $2::text, c.id, $3::timestamptz,
      jsonb_build_object('via', $4::text, 'found', true)
    FROM c
  )
SELECT * FROM c`;

/**
 * POST /api/v1/certificates. Consumes the session (single use), signs the claims and stores the
 * certificate, pending until activated. With an Idempotency-Key, a retry of the same request
 * answers with the certificate the first one obtained (`replayed`), and consumes nothing more.
 */
export async function issueCertificate(
  ctx: IssuerContext,
  caller: Caller,
  body: unknown,
  idempotencyKey?: string,
): Promise<IssuedCertificate & { replayed: boolean }> {
  const now = ctx.clock();
  const op = 'certificates.issue';
  const request = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: 'certificate.rejected', metric: ctx.metrics.certificatesRejected },
    () => {
      const parsed = parseCertificateRequest(body, now);
      return { ...parsed, idempotency: parseIdempotency(idempotencyKey, parsed) };
    },
  );
  const { idempotency } = request;
  let consumed;
  try {
    consumed = await consumeSession(ctx, caller, now, request.sessionId);
  } catch (error) {
    // the retry of a request whose answer was lost: its session is used, by this very request
    const replay = idempotency && (await replayAfterSessionUsed(ctx, error, idempotency, caller.ip ?? null));
    if (replay) return replay;
    throw error;
  }
  const { who, session } = consumed;

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
    credential_kind: session.kind,
    standards_met: session.standardsMet,
    generation_params: session.params,
    entropy_bits: session.entropyBits,
    generation_session_id: request.sessionId,
    // written only where a clause for this kind, or the user's own risk analysis, sets a period
    ...(session.rotation.days > 0 && {
      rotate_by: new Date(generatedAt.getTime() + session.rotation.days * DAY_MS).toISOString(),
      rotation_basis: session.rotation.basis ?? 'clause',
    }),
    // what the client said and the issuer could not check, kept apart from what it verified
    asserted: {
      entropy_source: session.entropySource,
      generated_at: generatedAt.toISOString(),
      ...(request.binding !== undefined && { credential_binding: request.binding }),
      ...(request.label !== undefined && { label: request.label }),
    },
    ...(who.workload !== undefined && { workload: who.workload }),
  };
  const jwt = await signCertificate(claims, ctx.signingKey);
  const expiresAt = new Date(exp * 1000);
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
        detail: { op, standard: rule.id, session_id: request.sessionId, kid },
      }),
    ],
    { name: 'passgeni_certificate_store' },
  );
  if (inserted.length === 0 && idempotency) {
    // a concurrent request with the same key stored its certificate first
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
    status: 'pending',
    activate_by: activateBy.toISOString(),
    replayed: false,
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
