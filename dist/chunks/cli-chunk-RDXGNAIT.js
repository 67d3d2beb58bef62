#!/usr/bin/env node
import {
  CERT_VERSION,
  STANDARD_IDS,
  core,
  zod_exports
} from "./cli-chunk-T4N7PYYB.js";
import {
  InputError
} from "./cli-chunk-QWWLQ3TS.js";

// src/certificate/claims.ts
var MAX_SIZE = 4096;
var limits = core.limits;
var printable = (max) => zod_exports.string().check(zod_exports.refine((v) => core.is.printable(v, max), { error: `must be 1-${max} printable characters` }));
var numericDate = zod_exports.int().check(zod_exports.minimum(0));
var size = (min) => zod_exports.int().check(zod_exports.minimum(min), zod_exports.maximum(MAX_SIZE));
var standardId = zod_exports.enum(STANDARD_IDS);
var generationParamsSchema = zod_exports.strictObject({
  length: size(1),
  has_upper: zod_exports.boolean(),
  has_lower: zod_exports.boolean(),
  has_numbers: zod_exports.boolean(),
  has_special: zod_exports.boolean(),
  char_pool_size: size(1),
  excluded_characters: size(0),
  class_sizes: zod_exports.strictObject({ upper: size(0), lower: size(0), digit: size(0), special: size(0) })
});
var entropySourceSchema = zod_exports.strictObject({
  api: printable(128),
  runtime: printable(128),
  openssl: printable(128),
  fips_mode: zod_exports.boolean()
});
var credentialBindingSchema = zod_exports.strictObject({
  alg: zod_exports.literal("scrypt"),
  N: zod_exports.int().check(
    zod_exports.minimum(limits.scryptMinN),
    zod_exports.maximum(limits.scryptMaxN),
    zod_exports.refine((n) => (n & n - 1) === 0, { error: "must be a power of two" })
  ),
  r: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(limits.scryptMaxR)),
  p: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(limits.scryptMaxP)),
  salt: zod_exports.string().check(zod_exports.refine((v) => core.is.base64urlBytes(v, 16), { error: "must be 16 bytes of base64url" })),
  digest: zod_exports.string().check(zod_exports.refine((v) => core.is.base64urlBytes(v, 32), { error: "must be 32 bytes of base64url" }))
}).check(
  zod_exports.superRefine((b, ctx) => {
    if (128 * b.N * b.r > limits.scryptMaxMemory) {
      ctx.addIssue({ code: "custom", message: "needs more than 256 MiB of memory (128\xB7N\xB7r)" });
    }
    if (b.N * b.r * b.p > limits.scryptMaxWork) {
      ctx.addIssue({ code: "custom", message: "costs more than 16\xD7 the default binding (N\xB7r\xB7p > 2^22)" });
    }
  })
);
var claimsSchema = zod_exports.strictObject({
  jti: zod_exports.string().check(zod_exports.refine(core.is.uuid, { error: "must be a lower-case RFC 9562 UUID" })),
  iss: printable(256),
  sub: printable(128),
  iat: numericDate,
  nbf: zod_exports.optional(numericDate),
  exp: numericDate,
  cert_version: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(CERT_VERSION)),
  compliance_standard: standardId,
  standards_met: zod_exports.array(standardId).check(
    zod_exports.refine((ids) => new Set(ids).size === ids.length, { error: "must not list a standard twice" })
  ),
  generation_params: generationParamsSchema,
  entropy_bits: zod_exports.number().check(zod_exports.minimum(0), zod_exports.maximum(65536)),
  entropy_source: entropySourceSchema,
  generation_session_id: printable(128),
  generated_at: zod_exports.string().check(zod_exports.refine(core.is.isoMs, { error: "must be an ISO 8601 UTC time with milliseconds" })),
  rotate_by: zod_exports.optional(
    zod_exports.string().check(zod_exports.refine(core.is.isoInstant, { error: "must be an ISO 8601 UTC date-time" }))
  ),
  credential_binding: zod_exports.optional(credentialBindingSchema),
  label: zod_exports.optional(printable(128))
}).check(
  zod_exports.superRefine((c, ctx) => {
    if (c.exp <= c.iat) ctx.addIssue({ code: "custom", path: ["exp"], message: "must be later than iat" });
    if (c.nbf !== void 0 && c.nbf >= c.exp) {
      ctx.addIssue({ code: "custom", path: ["nbf"], message: "must be earlier than exp" });
    }
    if (!c.standards_met.includes(c.compliance_standard)) {
      ctx.addIssue({
        code: "custom",
        path: ["standards_met"],
        message: "must include compliance_standard"
      });
    }
  })
);
function invalidClaimsError(issues) {
  const first = issues[0];
  const summary = first === void 0 ? "" : ` (first: ${first.path} ${first.message})`;
  return new InputError(
    "INVALID_CLAIMS",
    `The certificate claims do not match the schema: ${issues.length} problem(s)${summary}. See details.issues and docs/certificate.md.`,
    { details: { issues: issues.map((i) => ({ path: i.path, message: i.message })) } }
  );
}
function parseClaims(input) {
  const result = claimsSchema.safeParse(input);
  if (result.success) return result.data;
  throw invalidClaimsError(
    result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? "(claims)" : issue.path.map(String).join("."),
      message: issue.message
    }))
  );
}

export {
  claimsSchema,
  invalidClaimsError,
  parseClaims
};
