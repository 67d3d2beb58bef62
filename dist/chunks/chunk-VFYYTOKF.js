import {
  InputError,
  __reExport
} from "./chunk-FKYOR5TL.js";

// src/policy/types.ts
var STANDARD_IDS = [
  "NIST-800-63B",
  "HIPAA",
  "PCI-DSS",
  "SOC2",
  "ISO-27001",
  "FIPS-140-3",
  "DOD-STIG",
  "CMMC-L2"
];

// src/zod.ts
var zod_exports = {};
__reExport(zod_exports, mini_star);
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";
import * as mini_star from "zod/mini";
config(en());

// src/lib/ids.ts
var ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
function isId(value) {
  return typeof value === "string" && ID_PATTERN.test(value);
}
function isIdAnyCase(text) {
  return isId(text.toLowerCase());
}

// src/certificate/claims.ts
var CERT_VERSION = 1;
var MAX_SIZE = 4096;
var BYTES_16_RE = /^[A-Za-z0-9_-]{21}[AQgw]$/;
var BYTES_32_RE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
var SCRYPT_LIMITS = {
  /** 128·N·r bytes: 256 MiB, 8× the default binding. */
  maxMemory: 256 * 1024 * 1024,
  /** N·r·p, proportional to CPU time: 16× the default binding. */
  maxWork: 2 ** 22
};
var described = (schema, description) => schema.check(zod_exports.meta({ description }));
var printable = (max, description) => described(
  zod_exports.string().check(
    zod_exports.regex(new RegExp(`^[^\\p{C}\\p{Zl}\\p{Zp}]{1,${max}}$`, "u"), {
      error: `must be 1-${max} printable characters`
    })
  ),
  description
);
var numericDate = (description) => described(
  zod_exports.int().check(zod_exports.minimum(0, { error: "must be a NumericDate (whole seconds since 1970)" })),
  description
);
var size = (min) => zod_exports.int().check(
  zod_exports.minimum(min, { error: `must be an integer from ${min} to ${MAX_SIZE}` }),
  zod_exports.maximum(MAX_SIZE, { error: `must be an integer from ${min} to ${MAX_SIZE}` })
);
var bytes = (re, count) => zod_exports.string().check(zod_exports.regex(re, { error: `must be ${count} bytes of base64url` }));
var standardId = zod_exports.enum(STANDARD_IDS, { error: "is not a known standard id" });
var generationParamsSchema = described(
  zod_exports.strictObject({
    length: size(1),
    has_upper: zod_exports.boolean(),
    has_lower: zod_exports.boolean(),
    has_numbers: zod_exports.boolean(),
    has_special: zod_exports.boolean(),
    char_pool_size: size(1),
    excluded_characters: size(0),
    class_sizes: zod_exports.strictObject({ upper: size(0), lower: size(0), digit: size(0), special: size(0) }),
    max_repeat: zod_exports.optional(size(1)),
    max_class_repeat: zod_exports.optional(size(1))
  }),
  "How the credential was generated (never the credential). class_sizes are the sizes after exclusions, so anyone can recompute the exact entropy; max_repeat and max_class_repeat, when present, are the run limits the generator enforced (at most that many identical, or same-class, characters in a row), which the entropy counts."
);
var entropySourceSchema = described(
  zod_exports.strictObject({
    api: printable(128, "e.g. crypto.getRandomValues"),
    runtime: printable(128, "e.g. node v24.21.0"),
    openssl: printable(128, "process.versions.openssl"),
    fips_mode: zod_exports.boolean(),
    fips_provider: zod_exports.exactOptional(
      described(
        zod_exports.strictObject({
          name: printable(128, "The FIPS provider's own name, e.g. OpenSSL FIPS Provider."),
          version: printable(64, "The FIPS provider's own version (not libcrypto's), e.g. 3.0.9."),
          source: printable(256, "Where the client read the name and version from.")
        }),
        "The OpenSSL FIPS provider that answered for fips_mode, as the client reported it; present only with fips_mode true. Issuers refuse a session asserting fips_mode true without it."
      )
    )
  }),
  "Where the randomness came from, as the client reported it: the issuer cannot see the client process, so these are assertions. FIPS-140-3 is in standards_met only when fips_mode is true and fips_provider is present."
);
var credentialBindingSchema = described(
  zod_exports.strictObject({
    alg: zod_exports.literal("scrypt"),
    N: zod_exports.literal([2 ** 14, 2 ** 15, 2 ** 16, 2 ** 17, 2 ** 18, 2 ** 19, 2 ** 20], {
      error: "must be a power of two from 2^14 to 2^20"
    }),
    r: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(32)),
    p: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(16)),
    salt: bytes(BYTES_16_RE, 16),
    digest: bytes(BYTES_32_RE, 32)
  }).check(
    zod_exports.superRefine((b, ctx) => {
      if (128 * b.N * b.r > SCRYPT_LIMITS.maxMemory) {
        ctx.addIssue({ code: "custom", message: "needs more than 256 MiB of memory (128\xB7N\xB7r)" });
      }
      if (b.N * b.r * b.p > SCRYPT_LIMITS.maxWork) {
        ctx.addIssue({ code: "custom", message: "costs more than 16\xD7 the default binding (N\xB7r\xB7p > 2^22)" });
      }
    })
  ),
  "scrypt digest over the credential (its UTF-8 bytes). 128\xB7N\xB7r must not exceed 256 MiB and N\xB7r\xB7p must not exceed 2^22."
);
var claimsSchema = zod_exports.strictObject({
  jti: described(
    zod_exports.string().check(zod_exports.regex(ID_PATTERN, { error: "must be a lower-case RFC 9562 version 4 UUID" })),
    "Certificate id; the certificate page is <issuer public URL>/cert/<jti>."
  ),
  iss: printable(256, "Issuer id (the issuer public URL)."),
  sub: printable(128, "Opaque id of the team whose API key asked; never an e-mail or a name."),
  iat: numericDate("Issued at."),
  nbf: zod_exports.exactOptional(numericDate("Not valid before; earlier than exp.")),
  exp: numericDate("Expiry; later than iat."),
  cert_version: described(
    zod_exports.int().check(
      zod_exports.minimum(1),
      zod_exports.maximum(CERT_VERSION, {
        error: "is newer than this passgeni knows (a newer version needs a newer passgeni)"
      })
    ),
    "Version of this claim set."
  ),
  compliance_standard: described(standardId, "The standard the credential was requested for."),
  standards_met: described(
    zod_exports.array(standardId).check(zod_exports.maxLength(STANDARD_IDS.length)),
    "Every standard the parameters satisfy, each once, including compliance_standard."
  ),
  generation_params: generationParamsSchema,
  entropy_bits: described(
    zod_exports.number().check(
      zod_exports.minimum(0, { error: "must be a number of bits from 0 to 65536" }),
      zod_exports.maximum(65536, { error: "must be a number of bits from 0 to 65536" })
    ),
    "Exact entropy of the generator output space, floored to 2 decimals."
  ),
  entropy_source: entropySourceSchema,
  generation_session_id: printable(128, "The single-use session the issuer validated the parameters in."),
  generated_at: described(
    zod_exports.iso.datetime({ precision: 3, error: "must be an ISO 8601 UTC time with milliseconds" }),
    "When the credential was generated."
  ),
  rotate_by: zod_exports.exactOptional(
    described(
      zod_exports.iso.datetime({ error: "must be an ISO 8601 UTC date-time" }),
      "Recommended rotation date; absent when the standard says change on compromise only."
    )
  ),
  credential_binding: zod_exports.exactOptional(credentialBindingSchema),
  label: zod_exports.exactOptional(printable(128, "User-chosen name, e.g. prod/db/admin."))
}).check(
  zod_exports.superRefine((c, ctx) => {
    if (c.exp <= c.iat) ctx.addIssue({ code: "custom", path: ["exp"], message: "must be later than iat" });
    if (c.nbf !== void 0 && c.nbf >= c.exp) {
      ctx.addIssue({ code: "custom", path: ["nbf"], message: "must be earlier than exp" });
    }
    if (new Set(c.standards_met).size !== c.standards_met.length) {
      ctx.addIssue({ code: "custom", path: ["standards_met"], message: "must not list a standard twice" });
    }
    if (!c.standards_met.includes(c.compliance_standard)) {
      ctx.addIssue({
        code: "custom",
        path: ["standards_met"],
        message: "must include compliance_standard"
      });
    }
  }),
  zod_exports.meta({
    title: "PassGeni compliance certificate claims",
    description: "The payload of a PassGeni compliance certificate (an ES256 JWT). It never contains the credential. See docs/certificate.md."
  })
);
function checkClaims(input) {
  const result = claimsSchema.safeParse(input);
  if (result.success) return { claims: result.data };
  const present = typeof input === "object" && input !== null ? input : {};
  const issues = result.error.issues.map((issue) => {
    const top = issue.path[0];
    return {
      path: issue.path.length === 0 ? "(claims)" : issue.path.map(String).join("."),
      message: issue.message,
      missing: issue.path.length === 1 && typeof top === "string" && !Object.hasOwn(present, top)
    };
  });
  return { issues };
}
function parseClaims(input) {
  const { claims, issues } = checkClaims(input);
  if (claims !== void 0) return claims;
  const first = issues[0];
  const summary = first === void 0 ? "" : ` (first: ${first.path} ${first.message})`;
  throw new InputError(
    "INVALID_CLAIMS",
    `The certificate claims do not match the schema: ${issues.length} problem(s)${summary}. See details.issues and docs/certificate.md.`,
    { details: { issues: issues.map(({ path, message }) => ({ path, message })) } }
  );
}

export {
  STANDARD_IDS,
  zod_exports,
  isIdAnyCase,
  CERT_VERSION,
  credentialBindingSchema,
  claimsSchema,
  checkClaims,
  parseClaims
};
