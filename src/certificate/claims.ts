import { InputError } from '../errors.js';
import { STANDARD_IDS } from '../policy/types.js';
import * as z from '../zod.js';
import { core } from './shared-core.js';
import { CERT_VERSION } from './types.js';
import type { CertificateClaims } from './types.js';

/**
 * The certificate claims as a zod schema: the published contract (DESIGN §5). The verification
 * hot path uses the hand-written validator in core.ts instead; the string formats below come from
 * that same core, and a property test checks that the two accept exactly the same claims.
 */
const MAX_SIZE = 4096;
const limits = core.limits;

const printable = (max: number) =>
  z
    .string()
    .check(z.refine((v) => core.is.printable(v, max), { error: `must be 1-${max} printable characters` }));
const numericDate = z.int().check(z.minimum(0));
const size = (min: number) => z.int().check(z.minimum(min), z.maximum(MAX_SIZE));
const standardId = z.enum(STANDARD_IDS);

export const generationParamsSchema = z.strictObject({
  length: size(1),
  has_upper: z.boolean(),
  has_lower: z.boolean(),
  has_numbers: z.boolean(),
  has_special: z.boolean(),
  char_pool_size: size(1),
  excluded_characters: size(0),
  class_sizes: z.strictObject({ upper: size(0), lower: size(0), digit: size(0), special: size(0) }),
});

export const entropySourceSchema = z.strictObject({
  api: printable(128),
  runtime: printable(128),
  openssl: printable(128),
  fips_mode: z.boolean(),
});

export const credentialBindingSchema = z
  .strictObject({
    alg: z.literal('scrypt'),
    N: z.int().check(
      z.minimum(limits.scryptMinN),
      z.maximum(limits.scryptMaxN),
      z.refine((n) => (n & (n - 1)) === 0, { error: 'must be a power of two' }),
    ),
    r: z.int().check(z.minimum(1), z.maximum(limits.scryptMaxR)),
    p: z.int().check(z.minimum(1), z.maximum(limits.scryptMaxP)),
    salt: z
      .string()
      .check(z.refine((v) => core.is.base64urlBytes(v, 16), { error: 'must be 16 bytes of base64url' })),
    digest: z
      .string()
      .check(z.refine((v) => core.is.base64urlBytes(v, 32), { error: 'must be 32 bytes of base64url' })),
  })
  .check(
    z.superRefine((b, ctx) => {
      if (128 * b.N * b.r > limits.scryptMaxMemory) {
        ctx.addIssue({ code: 'custom', message: 'needs more than 256 MiB of memory (128·N·r)' });
      }
      if (b.N * b.r * b.p > limits.scryptMaxWork) {
        ctx.addIssue({ code: 'custom', message: 'costs more than 16× the default binding (N·r·p > 2^22)' });
      }
    }),
  );

export const claimsSchema = z
  .strictObject({
    jti: z.string().check(z.refine(core.is.uuid, { error: 'must be a lower-case RFC 9562 UUID' })),
    iss: printable(256),
    sub: printable(128),
    iat: numericDate,
    nbf: z.optional(numericDate),
    exp: numericDate,
    cert_version: z.int().check(z.minimum(1), z.maximum(CERT_VERSION)),
    compliance_standard: standardId,
    standards_met: z
      .array(standardId)
      .check(
        z.refine((ids) => new Set(ids).size === ids.length, { error: 'must not list a standard twice' }),
      ),
    generation_params: generationParamsSchema,
    entropy_bits: z.number().check(z.minimum(0), z.maximum(65_536)),
    entropy_source: entropySourceSchema,
    generation_session_id: printable(128),
    generated_at: z
      .string()
      .check(z.refine(core.is.isoMs, { error: 'must be an ISO 8601 UTC time with milliseconds' })),
    rotate_by: z.optional(
      z.string().check(z.refine(core.is.isoInstant, { error: 'must be an ISO 8601 UTC date-time' })),
    ),
    credential_binding: z.optional(credentialBindingSchema),
    label: z.optional(printable(128)),
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.exp <= c.iat) ctx.addIssue({ code: 'custom', path: ['exp'], message: 'must be later than iat' });
      if (c.nbf !== undefined && c.nbf >= c.exp) {
        ctx.addIssue({ code: 'custom', path: ['nbf'], message: 'must be earlier than exp' });
      }
      if (!c.standards_met.includes(c.compliance_standard)) {
        ctx.addIssue({
          code: 'custom',
          path: ['standards_met'],
          message: 'must include compliance_standard',
        });
      }
    }),
  );

export interface ClaimsIssue {
  path: string;
  message: string;
}

/** The error for claims that break the schema; lists every issue, never any value. */
export function invalidClaimsError(issues: readonly ClaimsIssue[]): InputError {
  const first = issues[0];
  const summary = first === undefined ? '' : ` (first: ${first.path} ${first.message})`;
  return new InputError(
    'INVALID_CLAIMS',
    `The certificate claims do not match the schema: ${issues.length} problem(s)${summary}. See details.issues and docs/certificate.md.`,
    { details: { issues: issues.map((i) => ({ path: i.path, message: i.message })) } },
  );
}

/** Validates claims against the schema; InputError INVALID_CLAIMS lists every issue. */
export function parseClaims(input: unknown): CertificateClaims {
  const result = claimsSchema.safeParse(input);
  if (result.success) return result.data as CertificateClaims;
  throw invalidClaimsError(
    result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(claims)' : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
