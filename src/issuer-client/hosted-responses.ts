import * as z from '../zod.js';
import { IssuerError } from './errors.js';

/**
 * The hosted PassGeni service's answers (its public API: /api/issue-session,
 * /api/generate-certificate, /api/revoke/:id), validated before use since they come from the
 * network. Unknown fields are ignored, so the service may add some.
 */
const sessionSchema = z.object({
  session_token: z.string().check(z.minLength(1), z.maxLength(4096)),
  expires_in: z.number().check(z.nonnegative()),
  compliance_valid: z.boolean(),
  gaps: z.optional(z.array(z.unknown())),
  standards_met: z.optional(z.array(z.string())),
});
export type HostedSession = z.infer<typeof sessionSchema>;

const certificateSchema = z.object({
  cert_id: z.string().check(z.minLength(1), z.maxLength(200)),
  cert_url: z.url({ protocol: /^https?$/ }),
  compliance_standard: z.string(),
  standards_met: z.array(z.string()),
  entropy_bits: z.number(),
  expires_at: z.string(),
  created_at: z.optional(z.string()),
  // The API documents no JWT in this answer; it is kept when a version of the service sends one.
  certificate: z.optional(z.string()),
  jwt: z.optional(z.string()),
  token: z.optional(z.string()),
});
export type HostedCertificate = z.infer<typeof certificateSchema>;

const revokeSchema = z.object({
  revoked: z.boolean(),
  cert_id: z.string(),
  revoked_at: z.optional(z.string()),
});
export type HostedRevocation = z.infer<typeof revokeSchema>;

const errorSchema = z.object({
  error: z.optional(z.string()),
  message: z.optional(z.string()),
  code: z.optional(z.string()),
  gaps: z.optional(z.array(z.unknown())),
});
export type HostedErrorBody = z.infer<typeof errorSchema>;

function parse<T>(schema: z.ZodMiniType<T>, body: unknown, what: string, issuer: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new IssuerError(
      'ISSUER_RESPONSE_INVALID',
      `The hosted issuer at ${issuer} sent ${what} passgeni cannot read (${result.error.issues[0]?.message ?? 'invalid'}); nothing was stored.`,
    );
  }
  return result.data;
}

export const parseHostedSession = (body: unknown, issuer: string): HostedSession =>
  parse(sessionSchema, body, 'a session', issuer);
export const parseHostedCertificate = (body: unknown, issuer: string): HostedCertificate =>
  parse(certificateSchema, body, 'a certificate', issuer);
export const parseHostedRevocation = (body: unknown, issuer: string): HostedRevocation =>
  parse(revokeSchema, body, 'a revocation', issuer);

export function parseHostedError(body: unknown): HostedErrorBody | undefined {
  const result = errorSchema.safeParse(body);
  return result.success ? result.data : undefined;
}

/** A gap as the service words it: a string, or an object with a message. Bounded. */
export function gapText(gap: unknown): string {
  const text =
    typeof gap === 'string'
      ? gap
      : typeof gap === 'object' && gap !== null && typeof (gap as { message?: unknown }).message === 'string'
        ? (gap as { message: string }).message
        : JSON.stringify(gap);
  return text.slice(0, 200);
}
