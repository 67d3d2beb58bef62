import { parseClaims } from '../certificate/claims.js';
import { STANDARD_IDS } from '../policy/types.js';
import * as z from '../zod.js';
import { IssuerError } from './errors.js';
import type {
  AuditTrailEvent,
  CertificateStatusResponse,
  CertificateSummary,
  IssuedCertificate,
  Page,
  SessionResponse,
} from './types.js';

export { parseJwks } from '../certificate/jwks.js';

/**
 * The schemas of the issuer's answers. http.ts imports this module only when the first answer
 * arrives: building zod schemas costs a start-up of the certify action ~25 ms, which would
 * otherwise be paid before the first request leaves.
 */
const standardId = z.enum(STANDARD_IDS);

const sessionResponse = z.object({
  generation_session_id: z.string().check(z.minLength(1), z.maxLength(200)),
  expires_at: z.string(),
  entropy_bits: z.number(),
  standards_met: z.array(standardId),
});

const issuedCertificate = z.object({
  cert_id: z.string().check(z.minLength(1), z.maxLength(200)),
  cert_url: z.url(),
  certificate: z.string().check(z.minLength(1)),
  expires_at: z.string(),
  standards_met: z.array(standardId),
  compliance_standard: standardId,
  entropy_bits: z.number(),
  // absent from issuers that predate activation (their certificates are valid at once)
  status: z.optional(z.enum(['pending', 'valid'])),
  activate_by: z.optional(z.string().check(z.maxLength(64))),
  log: z.optional(
    z.object({
      inclusion_url: z.url(),
      proof_available_after: z.string().check(z.maxLength(64)),
    }),
  ),
});

const statusResponse = z.object({
  status: z.enum(['valid', 'pending', 'expired', 'revoked']),
  activate_by: z.optional(z.string()),
  certificate: z.string().check(z.minLength(1)),
  claims: z.unknown(),
  revoked_at: z.optional(z.string()),
  revocation_reason: z.optional(z.string()),
});

const nullableText = z.nullable(z.string().check(z.maxLength(2000)));

const certificateSummary = z.object({
  cert_id: z.string().check(z.minLength(1), z.maxLength(200)),
  cert_url: z.string().check(z.maxLength(2000)),
  team: z.optional(nullableText),
  status: z.enum(['valid', 'pending', 'expired', 'revoked']),
  compliance_standard: standardId,
  standards_met: z.array(standardId),
  entropy_bits: z.number(),
  label: nullableText,
  issued_at: z.string().check(z.maxLength(64)),
  expires_at: z.string().check(z.maxLength(64)),
  activate_by: nullableText,
  revoked_at: nullableText,
  revocation_reason: nullableText,
});

const auditTrailEvent = z.object({
  id: z.string().check(z.maxLength(40)),
  type: z.string().check(z.maxLength(100)),
  at: z.string().check(z.maxLength(64)),
  team: nullableText,
  team_id: nullableText,
  api_key_id: nullableText,
  ip: nullableText,
  cert_id: nullableText,
  count: z.number(),
  detail: z.record(z.string(), z.unknown()),
});

const nextCursor = z.nullable(z.string().check(z.maxLength(200)));
const certificatePage = z.object({ certificates: z.array(certificateSummary), next_cursor: nextCursor });
const eventPage = z.object({ events: z.array(auditTrailEvent), next_cursor: nextCursor });

export function parseCertificatePage(
  body: unknown,
  issuer: string,
): Page<'certificates', CertificateSummary> {
  const page = parseAnswer(certificatePage, body, issuer, 'the certificate list');
  // issuers that predate admin keys do not name the team: every row is the caller's own
  return { ...page, certificates: page.certificates.map((c) => ({ ...c, team: c.team ?? null })) };
}

export function parseEventPage(body: unknown, issuer: string): Page<'events', AuditTrailEvent> {
  return parseAnswer(eventPage, body, issuer, 'the audit trail request');
}

const errorBody = z.looseObject({ error: z.string(), code: z.string() });

/** An answer that does not follow the protocol is the issuer's fault, said as such (exit 3). */
function parseAnswer<T>(schema: z.ZodMiniType<T>, body: unknown, issuer: string, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new IssuerError(
    'ISSUER_RESPONSE_INVALID',
    `The issuer at ${issuer} answered ${what} with a body that does not follow the PassGeni protocol (${problems}). Check that the issuer URL points at a passgeni issuer and that it is up to date.`,
  );
}

export function parseSessionResponse(body: unknown, issuer: string): SessionResponse {
  return parseAnswer(sessionResponse, body, issuer, 'the session request');
}

export function parseIssuedCertificate(body: unknown, issuer: string): IssuedCertificate {
  const { status, activate_by, log, ...parsed } = parseAnswer(
    issuedCertificate,
    body,
    issuer,
    'the certificate request',
  );
  return {
    ...parsed,
    ...(status !== undefined && { status }),
    ...(activate_by !== undefined && { activate_by }),
    ...(log !== undefined && { log }),
  };
}

export function parseStatusResponse(body: unknown, issuer: string): CertificateStatusResponse {
  const parsed = parseAnswer(statusResponse, body, issuer, 'the certificate look-up');
  return {
    status: parsed.status,
    certificate: parsed.certificate,
    claims: parseClaims(parsed.claims),
    ...(parsed.activate_by !== undefined && { activate_by: parsed.activate_by }),
    ...(parsed.revoked_at !== undefined && { revoked_at: parsed.revoked_at }),
    ...(parsed.revocation_reason !== undefined && { revocation_reason: parsed.revocation_reason }),
  };
}

/** The issuer's `{ error, code }` body, when a refusal carries one. */
export function parseErrorBody(
  body: unknown,
): ({ error: string; code: string } & Record<string, unknown>) | undefined {
  const parsed = errorBody.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
