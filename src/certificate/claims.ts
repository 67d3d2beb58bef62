import { ID_PATTERN } from '../lib/ids.js';
import { InputError } from '../errors.js';
import { CREDENTIAL_KINDS, STANDARD_IDS } from '../policy/types.js';
import * as z from '../zod.js';
import type { AssertedClaims, CertificateClaims } from './types.js';

/** Version of the claim set below; bump when a claim changes meaning. */
export const CERT_VERSION = 2;

/**
 * The certificate claims (DESIGN §5) as one zod schema: the only statement of the claim rules.
 * Signing, verification, the issuer's request bodies and the published JSON Schema
 * (schema/certificate.schema.json, see certificateJsonSchema) all come from it. Rules are written
 * as checks JSON Schema can express wherever one exists (patterns, bounds, enums), so the
 * published schema says nearly everything; the few cross-field rules are named in descriptions.
 */

const MAX_SIZE = 4096;
// kept local for now: a shared id module is on its way (issue 14)
/** Canonical unpadded base64url: the last character's unused bits must be zero. */
const BYTES_16_RE = /^[A-Za-z0-9_-]{21}[AQgw]$/;
const BYTES_32_RE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
/** The scrypt cost limits a verifier accepts, so a crafted certificate cannot ask for a ruinous scrypt. */
const SCRYPT_LIMITS = {
  /** 128·N·r bytes: 256 MiB, 8× the default binding. */
  maxMemory: 256 * 1024 * 1024,
  /** N·r·p, proportional to CPU time: 16× the default binding. */
  maxWork: 2 ** 22,
};

const described = <T extends z.ZodMiniType>(schema: T, description: string): T =>
  schema.check(z.meta({ description }));

/**
 * 1..max code points, none of them control, format, unassigned, surrogate or line/paragraph
 * separators (this rules out bidi overrides in labels). The `u` flag makes `{1,max}` count code points.
 */
const printable = (max: number, description: string) =>
  described(
    z.string().check(
      z.regex(new RegExp(`^[^\\p{C}\\p{Zl}\\p{Zp}]{1,${max}}$`, 'u'), {
        error: `must be 1-${max} printable characters`,
      }),
    ),
    description,
  );
const numericDate = (description: string) =>
  described(
    z.int().check(z.minimum(0, { error: 'must be a NumericDate (whole seconds since 1970)' })),
    description,
  );
const size = (min: number) =>
  z
    .int()
    .check(
      z.minimum(min, { error: `must be an integer from ${min} to ${MAX_SIZE}` }),
      z.maximum(MAX_SIZE, { error: `must be an integer from ${min} to ${MAX_SIZE}` }),
    );
const bytes = (re: RegExp, count: number) =>
  z.string().check(z.regex(re, { error: `must be ${count} bytes of base64url` }));
const standardId = z.enum(STANDARD_IDS, { error: 'is not a known standard id' });

export const generationParamsSchema = described(
  z.strictObject({
    length: size(1),
    has_upper: z.boolean(),
    has_lower: z.boolean(),
    has_numbers: z.boolean(),
    has_special: z.boolean(),
    char_pool_size: size(1),
    excluded_characters: size(0),
    class_sizes: z.strictObject({ upper: size(0), lower: size(0), digit: size(0), special: size(0) }),
    max_repeat: z.optional(size(1)),
    max_class_repeat: z.optional(size(1)),
  }),
  'How the credential was generated (never the credential). class_sizes are the sizes after exclusions, so anyone can recompute the exact entropy; max_repeat and max_class_repeat, when present, are the run limits the generator enforced (at most that many identical, or same-class, characters in a row), which the entropy counts.',
);

export const entropySourceSchema = described(
  z.strictObject({
    api: printable(128, 'e.g. crypto.getRandomValues'),
    runtime: printable(128, 'e.g. node v24.21.0'),
    openssl: printable(128, 'process.versions.openssl'),
    fips_mode: z.boolean(),
    fips_provider: z.exactOptional(
      described(
        z.strictObject({
          name: printable(128, "The FIPS provider's own name, e.g. OpenSSL FIPS Provider."),
          version: printable(64, "The FIPS provider's own version (not libcrypto's), e.g. 3.0.9."),
          source: printable(256, 'Where the client read the name and version from.'),
        }),
        'The OpenSSL FIPS provider that answered for fips_mode, as the client reported it; present only with fips_mode true. Issuers refuse a session asserting fips_mode true without it.',
      ),
    ),
  }),
  'Where the randomness came from, as the client reported it: the issuer cannot see the client process, so these are assertions. FIPS-140-3 is in standards_met only when fips_mode is true and fips_provider is present.',
);

export const credentialBindingSchema = described(
  z
    .strictObject({
      alg: z.literal('scrypt'),
      N: z.literal([2 ** 14, 2 ** 15, 2 ** 16, 2 ** 17, 2 ** 18, 2 ** 19, 2 ** 20], {
        error: 'must be a power of two from 2^14 to 2^20',
      }),
      r: z.int().check(z.minimum(1), z.maximum(32)),
      p: z.int().check(z.minimum(1), z.maximum(16)),
      salt: bytes(BYTES_16_RE, 16),
      digest: bytes(BYTES_32_RE, 32),
    })
    .check(
      z.superRefine((b, ctx) => {
        if (128 * b.N * b.r > SCRYPT_LIMITS.maxMemory) {
          ctx.addIssue({ code: 'custom', message: 'needs more than 256 MiB of memory (128·N·r)' });
        }
        if (b.N * b.r * b.p > SCRYPT_LIMITS.maxWork) {
          ctx.addIssue({ code: 'custom', message: 'costs more than 16× the default binding (N·r·p > 2^22)' });
        }
      }),
    ),
  'scrypt digest over the credential (its UTF-8 bytes). 128·N·r must not exceed 256 MiB and N·r·p must not exceed 2^22.',
);

const dateTime = (description: string) =>
  described(z.iso.datetime({ error: 'must be an ISO 8601 UTC date-time' }), description);
const generatedAt = described(
  z.iso.datetime({ precision: 3, error: 'must be an ISO 8601 UTC time with milliseconds' }),
  "When the credential was generated, by the client's clock (the issuer accepts it only within 15 minutes before, or 60 s after, its own).",
);
const label = printable(128, 'User-chosen name, e.g. prod/db/admin.');

/** The token's own claims, set by the issuer. */
const issuerShape = {
  jti: described(
    z.string().check(z.regex(ID_PATTERN, { error: 'must be a lower-case RFC 9562 version 4 UUID' })),
    'Certificate id; the certificate page is <issuer public URL>/cert/<jti>.',
  ),
  iss: printable(
    256,
    "Issuer id: an https URL or a URN, by default the RFC 9278 thumbprint URI of the issuer's first signing key. Not an address: certificates live at the issuer's public URL.",
  ),
  sub: printable(128, 'Opaque id of the team whose API key asked; never an e-mail or a name.'),
  iat: numericDate('Issued at.'),
  nbf: z.exactOptional(numericDate('Not valid before; earlier than exp.')),
  exp: numericDate('Expiry; later than iat.'),
};

/** What the issuer verified about the credential (recomputed from the parameters, or its own). */
const verifiedShape = {
  compliance_standard: described(standardId, 'The standard the credential was requested for.'),
  standards_met: described(
    z.array(standardId).check(z.maxLength(STANDARD_IDS.length)),
    'Every standard the parameters satisfy, each once, including compliance_standard; recomputed by the issuer from generation_params (and, from version 2, credential_kind and the rotation period).',
  ),
  generation_params: generationParamsSchema,
  entropy_bits: described(
    z
      .number()
      .check(
        z.minimum(0, { error: 'must be a number of bits from 0 to 65536' }),
        z.maximum(65_536, { error: 'must be a number of bits from 0 to 65536' }),
      ),
    'Exact entropy of the generator output space, floored to 2 decimals; recomputed by the issuer.',
  ),
  generation_session_id: printable(128, 'The single-use session the issuer validated the parameters in.'),
  rotate_by: z.exactOptional(
    dateTime(
      'When the credential is to be changed: generated_at plus the period a clause sets for this kind of credential, or the user gave (rotation_basis). Absent when neither sets one.',
    ),
  ),
};

/** What the client says and the issuer cannot check: recorded, not verified. */
const assertedShape = {
  entropy_source: entropySourceSchema,
  generated_at: generatedAt,
  credential_binding: z.exactOptional(credentialBindingSchema),
  label: z.exactOptional(label),
};

export const assertedSchema = described(
  z.strictObject(assertedShape),
  "The client's statements, which the issuer recorded but could not check: the random source (runtime, OpenSSL, FIPS mode and provider), when the credential was generated (bounded by the issuer's clock), the label, and the credential binding (a commitment to a credential the issuer never sees: it proves which stored value was certified only to someone who holds it).",
);

const {
  compliance_standard,
  standards_met,
  generation_params,
  entropy_bits,
  generation_session_id,
  rotate_by,
} = verifiedShape;

const claimsV1 = z.strictObject({
  ...issuerShape,
  cert_version: described(z.literal(1), 'Version 1: the client statements sit beside the verified claims.'),
  ...verifiedShape,
  ...assertedShape,
});

/** The OIDC claims (GitHub's names) a certificate's `workload` may carry; never the actor or an e-mail. */
export const WORKLOAD_CLAIMS = [
  'repository',
  'repository_id',
  'workflow_ref',
  'job_workflow_ref',
  'ref',
  'sha',
  'run_id',
  'run_attempt',
  'environment',
] as const;

const workloadClaim = (description: string) => z.exactOptional(printable(512, description));

export const workloadSchema = described(
  z.strictObject({
    issuer: printable(256, "The OIDC provider that vouched for the workload (the token's iss)."),
    repository: workloadClaim('owner/name of the repository the workflow ran in.'),
    repository_id: workloadClaim("The repository's numeric id (survives renames)."),
    workflow_ref: workloadClaim(
      'The workflow file and ref, e.g. acme/infra/.github/workflows/rotate.yml@refs/heads/main.',
    ),
    job_workflow_ref: workloadClaim(
      'The workflow file the job ran (a reusable workflow when called from another).',
    ),
    ref: workloadClaim('The git ref the run was for.'),
    sha: workloadClaim('The commit the run was for.'),
    run_id: workloadClaim('The workflow run.'),
    run_attempt: workloadClaim('The attempt of the run.'),
    environment: workloadClaim('The deployment environment of the job, when it has one.'),
  }),
  'Issuer-verified: the CI workload whose OIDC token requested the certificate (absent for API keys), copied from the verified token. Never the actor or an e-mail. See docs/certificate.md.',
);

const claimsV2 = z.strictObject({
  ...issuerShape,
  cert_version: described(
    z.literal(2),
    'Version 2: every claim outside `asserted` was verified or set by the issuer; `asserted` holds what the client said.',
  ),
  compliance_standard,
  credential_kind: described(
    z.enum(CREDENTIAL_KINDS),
    'What the credential is for: service (a machine uses it) or user (a person logs in with it). It decides which clauses of each standard govern it (docs/standards.md).',
  ),
  standards_met,
  generation_params,
  entropy_bits,
  generation_session_id,
  rotate_by,
  rotation_basis: z.exactOptional(
    described(
      z.enum(['clause', 'risk-analysis']),
      "Who set the rotate_by period: clause (the standard's clause for this kind of credential) or risk-analysis (the user's own targeted risk analysis, e.g. PCI DSS 8.6.3). Present exactly when rotate_by is.",
    ),
  ),
  workload: z.exactOptional(workloadSchema),
  asserted: assertedSchema,
});

export const claimsSchema = z
  .discriminatedUnion('cert_version', [claimsV1, claimsV2], {
    error: `cert_version must be 1 to ${CERT_VERSION}; a newer version needs a newer passgeni`,
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.exp <= c.iat) ctx.addIssue({ code: 'custom', path: ['exp'], message: 'must be later than iat' });
      if (c.nbf !== undefined && c.nbf >= c.exp) {
        ctx.addIssue({ code: 'custom', path: ['nbf'], message: 'must be earlier than exp' });
      }
      if (new Set(c.standards_met).size !== c.standards_met.length) {
        ctx.addIssue({ code: 'custom', path: ['standards_met'], message: 'must not list a standard twice' });
      }
      if (!c.standards_met.includes(c.compliance_standard)) {
        ctx.addIssue({
          code: 'custom',
          path: ['standards_met'],
          message: 'must include compliance_standard',
        });
      }
      if (c.cert_version === 2 && (c.rotation_basis === undefined) !== (c.rotate_by === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rotation_basis'],
          message: 'must be present exactly when rotate_by is',
        });
      }
    }),
    z.meta({
      title: 'PassGeni compliance certificate claims',
      description:
        'The payload of a PassGeni compliance certificate (an ES256 JWT). It never contains the credential. Version 2 separates what the issuer verified (every top-level claim) from what the client asserted (`asserted`). See docs/certificate.md.',
    }),
  );

/** The client's statements of a certificate of any version. */
export function assertedClaims(claims: CertificateClaims): AssertedClaims {
  if (claims.cert_version === 2) return claims.asserted;
  const { entropy_source, generated_at, credential_binding, label } = claims;
  return {
    entropy_source,
    generated_at,
    ...(credential_binding !== undefined && { credential_binding }),
    ...(label !== undefined && { label }),
  };
}

export const CERTIFICATE_SCHEMA_ID = 'https://passgeni.ai/schema/certificate.schema.json';

/** The published JSON Schema (schema/certificate.schema.json is this, pretty-printed). */
export function certificateJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(claimsSchema, { target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { $schema, $id: CERTIFICATE_SCHEMA_ID, ...rest };
}

export interface ClaimsIssue {
  path: string;
  message: string;
  /** A required top-level claim that is absent. */
  missing: boolean;
}

/** The claims, or every way `input` breaks the schema. */
export function checkClaims(
  input: unknown,
): { claims: CertificateClaims; issues?: never } | { claims?: never; issues: ClaimsIssue[] } {
  const result = claimsSchema.safeParse(input);
  if (result.success) return { claims: result.data };
  const present = typeof input === 'object' && input !== null ? input : {};
  const issues = result.error.issues.map((issue) => {
    const top = issue.path[0];
    return {
      path: issue.path.length === 0 ? '(claims)' : issue.path.map(String).join('.'),
      message: issue.message,
      missing: issue.path.length === 1 && typeof top === 'string' && !Object.hasOwn(present, top),
    };
  });
  return { issues };
}

/** Validates claims against the schema; InputError INVALID_CLAIMS lists every issue, never a value. */
export function parseClaims(input: unknown): CertificateClaims {
  const { claims, issues } = checkClaims(input);
  if (claims !== undefined) return claims;
  const first = issues[0];
  const summary = first === undefined ? '' : ` (first: ${first.path} ${first.message})`;
  throw new InputError(
    'INVALID_CLAIMS',
    `The certificate claims do not match the schema: ${issues.length} problem(s)${summary}. See details.issues and docs/certificate.md.`,
    { details: { issues: issues.map(({ path, message }) => ({ path, message })) } },
  );
}
