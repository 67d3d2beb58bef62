import * as z from '../zod.js';
import type { CertificateClaims } from './types.js';

/**
 * The claim set of certificates issued by the hosted PassGeni service (`iss: passgeni.ai`,
 * `cert_version: "2.0"`), which differs from this project's own (DESIGN §5): the generation
 * parameters are the length and four class flags (no class sizes, so the entropy cannot be
 * recomputed), `entropy_source` is a word rather than an object, there is no credential binding,
 * and `sub`/`email` name the account.
 */
export const HOSTED_ISSUER = 'passgeni.ai';
export const HOSTED_CERT_VERSION = '2.0';

const hostedClaimsSchema = z.object({
  iss: z.literal(HOSTED_ISSUER),
  cert_version: z.literal(HOSTED_CERT_VERSION),
  jti: z.string().check(z.minLength(1), z.maxLength(200)),
  sub: z.string().check(z.maxLength(200)),
  email: z.optional(z.string().check(z.maxLength(320))),
  iat: z.int().check(z.minimum(0)),
  exp: z.int().check(z.minimum(0)),
  compliance_standard: z.string().check(z.minLength(1), z.maxLength(64)),
  standards_met: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64)),
  generation_params: z.object({
    length: z.int().check(z.minimum(1), z.maximum(4096)),
    has_upper: z.boolean(),
    has_lower: z.boolean(),
    has_numbers: z.boolean(),
    has_special: z.boolean(),
  }),
  entropy_bits: z.number().check(z.minimum(0), z.maximum(100_000)),
  char_pool_size: z.int().check(z.minimum(1), z.maximum(4096)),
  entropy_source: z.string().check(z.maxLength(200)),
});
export type HostedClaims = z.infer<typeof hostedClaimsSchema>;

/** A payload that says it is a hosted certificate: judged by the hosted claim set. */
export function isHostedPayload(payload: Record<string, unknown>): boolean {
  return payload.iss === HOSTED_ISSUER && payload.cert_version === HOSTED_CERT_VERSION;
}

export interface ClaimIssue {
  path: string;
  message: string;
  missing: boolean;
}

/**
 * The hosted claims checked, in the shape the verifier reports. The claims are returned as this
 * project's claim type for the fields both share (standard, standards met, entropy, times, id);
 * `cert_version` says which set it is, and consumers reading fields only ours have (class sizes,
 * binding, label) find them absent.
 */
export function checkHostedClaims(payload: Record<string, unknown>): {
  claims?: CertificateClaims;
  issues?: ClaimIssue[];
} {
  const result = hostedClaimsSchema.safeParse(payload);
  if (result.success) return { claims: payload as unknown as CertificateClaims };
  return {
    issues: result.error.issues.map((issue) => {
      const top = issue.path[0];
      return {
        path: issue.path.length === 0 ? '(claims)' : issue.path.map(String).join('.'),
        message: issue.message,
        missing: issue.path.length === 1 && typeof top === 'string' && !Object.hasOwn(payload, top),
      };
    }),
  };
}

/** The account e-mail a hosted certificate carries: personal data, which verify warns about. */
export function personalDataIn(claims: Record<string, unknown>): string | undefined {
  return isHostedPayload(claims) && typeof claims.email === 'string' && claims.email !== ''
    ? 'email'
    : undefined;
}
