import {
  STANDARD_IDS,
  checkClaims,
  parseClaims,
  zod_exports
} from "./chunk-VFYYTOKF.js";
import {
  InputError
} from "./chunk-FKYOR5TL.js";

// src/version.ts
var VERSION = true ? "0.1.0" : "0.0.0-dev";

// src/certificate/entropy-source.ts
import { getFips } from "node:crypto";

// src/certificate/fips-provider.ts
import { execFileSync } from "node:child_process";
import { basename, dirname } from "node:path";
var MODULE_RE = /[/\\]fips\.(?:so|dylib|dll)$/;
var PRINTABLE_RE = /^[\x20-\x7e]{1,64}$/;
function detectFipsProvider() {
  const loaded = loadedFipsModule();
  const args = [
    "list",
    "-providers",
    ...loaded ? ["-provider-path", dirname(loaded), "-provider", "fips"] : []
  ];
  let output;
  try {
    output = execFileSync("openssl", args, {
      encoding: "utf8",
      timeout: 5e3,
      stdio: ["ignore", "pipe", "ignore"]
    });
  } catch {
    return void 0;
  }
  const provider = parseFipsProvider(output);
  if (!provider) return void 0;
  return {
    ...provider,
    source: loaded ? (
      // the file name only: a certificate is public, and a path may name a user
      `openssl list -providers on ${basename(loaded)}, the module this process loaded`
    ) : "openssl list -providers with this process environment (OPENSSL_CONF, OPENSSL_MODULES)"
  };
}
function parseFipsProvider(output) {
  const blocks = output.split(/\n(?= {2}\S)/);
  for (const block of blocks) {
    const lines = block.split("\n").map((l) => l.trim());
    if (lines[0] !== "fips") continue;
    const field = (key) => lines.find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1).trim();
    const name = field("name");
    const version = field("version");
    const status = field("status");
    if (status !== "active" || !name || !version) return void 0;
    if (!PRINTABLE_RE.test(name) || !PRINTABLE_RE.test(version)) return void 0;
    return { name, version };
  }
  return void 0;
}
function loadedFipsModule() {
  try {
    const report = process.report.getReport();
    const objects = Array.isArray(report.sharedObjects) ? report.sharedObjects : [];
    return objects.find((o) => typeof o === "string" && MODULE_RE.test(o));
  } catch {
    return void 0;
  }
}

// src/certificate/entropy-source.ts
function entropySource(probe = {}) {
  const fips = (probe.fipsMode ?? (() => getFips() === 1))();
  const provider = fips ? (probe.fipsProvider ?? detectFipsProvider)() : void 0;
  return {
    api: "crypto.getRandomValues",
    runtime: `node ${process.version}`,
    openssl: process.versions.openssl,
    fips_mode: fips,
    ...provider && { fips_provider: provider }
  };
}

// src/certificate/sign.ts
import { SignJWT } from "jose";

// src/certificate/low-s.ts
var P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
var HALF_N = P256_N >> 1n;
function sOf(signature) {
  return BigInt(`0x${Buffer.from(signature.subarray(32, 64)).toString("hex")}`);
}
function isHighS(signature) {
  return signature.length === 64 && sOf(signature) > HALF_N;
}
function toLowS(jws) {
  const dot = jws.lastIndexOf(".");
  const signature = Buffer.from(jws.slice(dot + 1), "base64url");
  if (!isHighS(signature)) return jws;
  const low = (P256_N - sOf(signature)).toString(16).padStart(64, "0");
  const fixed = Buffer.concat([signature.subarray(0, 32), Buffer.from(low, "hex")]);
  return `${jws.slice(0, dot + 1)}${fixed.toString("base64url")}`;
}

// src/certificate/sign.ts
async function signCertificate(claims, key) {
  const jws = await new SignJWT(parseClaims(claims)).setProtectedHeader({ alg: "ES256", typ: "JWT", kid: key.kid }).sign(key.privateKey);
  return toLowS(jws);
}

// src/certificate/decode.ts
import { decodeJwt, decodeProtectedHeader } from "jose";
function decodeCertificate(jwt) {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    throw new InputError(
      "MALFORMED_CERTIFICATE",
      "This is not a certificate: expected a compact JWT (three base64url parts separated by dots). Pass the JWT itself or a file holding only the JWT."
    );
  }
}

// src/certificate/verify.ts
import { createPublicKey } from "node:crypto";
import {
  decodeJwt as decodeJwt2,
  decodeProtectedHeader as decodeProtectedHeader2,
  errors,
  jwtVerify
} from "jose";
var CLOCK_TOLERANCE_SEC = 60;
var MAX_TOKEN_LENGTH = 16384;
var COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;
var DAY_SEC = 86400;
var HeaderRefused = class extends Error {
  constructor(failure) {
    super(failure.message);
    this.failure = failure;
  }
  failure;
};
function quote(value) {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}
function isoDate(sec) {
  const date = new Date(Number(sec) * 1e3);
  return Number.isNaN(date.getTime()) ? String(sec) : date.toISOString();
}
function importKeys(jwks) {
  const byKid = /* @__PURE__ */ new Map();
  for (const { kid, kty, crv, x, y } of jwks.keys) {
    try {
      byKid.set(kid, createPublicKey({ key: { kty, crv, x, y }, format: "jwk" }));
    } catch {
    }
  }
  return byKid;
}
function failureOf(error, nowSec) {
  if (error instanceof HeaderRefused) return error.failure;
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return {
      code: "ALG_NOT_ALLOWED",
      message: "the alg is not allowed: certificates are signed with ES256 only"
    };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return {
      code: "BAD_SIGNATURE",
      message: "the signature does not match: the certificate was altered or signed by another key"
    };
  }
  if (error instanceof errors.JWTExpired) {
    return {
      code: "EXPIRED",
      message: `expired at ${isoDate(error.payload.exp)} (checked at ${isoDate(nowSec)})`
    };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" && error.reason === "check_failed") {
      return {
        code: "NOT_YET_VALID",
        message: `not valid before ${isoDate(error.payload.nbf)} (checked at ${isoDate(nowSec)})`
      };
    }
    return void 0;
  }
  if (error instanceof errors.JOSEError) {
    return { code: "MALFORMED", message: `not a well-formed certificate: ${error.message}` };
  }
  throw error;
}
function judgeClaims(payload, header, timeFailure, issuer, nowSec, checks) {
  const reasons = [];
  if (issuer !== void 0 && payload.iss !== issuer) {
    reasons.push({
      code: "WRONG_ISSUER",
      message: `issued by ${quote(payload.iss)}, expected ${quote(issuer)}`
    });
  }
  if (timeFailure !== void 0) reasons.push(timeFailure);
  const iat = payload.iat;
  if (typeof iat === "number" && iat > nowSec + CLOCK_TOLERANCE_SEC) {
    reasons.push({
      code: "ISSUED_IN_FUTURE",
      message: `issued at ${isoDate(iat)}, after the time of checking (${isoDate(nowSec)}); check the issuer's and this machine's clocks`
    });
  }
  const generatedAt = typeof payload.generated_at === "string" ? Date.parse(payload.generated_at) : NaN;
  if (typeof iat === "number" && generatedAt / 1e3 > iat + 1 + CLOCK_TOLERANCE_SEC) {
    reasons.push({
      code: "INVALID_CLAIMS",
      message: `generated_at ${quote(payload.generated_at)} is later than the issue time ${isoDate(iat)}`
    });
  }
  const { claims, issues = [] } = checkClaims(payload);
  const missing = issues.filter((i) => i.missing).map((i) => i.path);
  const wrong = issues.filter((i) => !i.missing).map((i) => `${i.path} ${i.message}`);
  if (missing.length > 0) {
    reasons.push({ code: "MISSING_CLAIMS", message: `missing required claims: ${missing.join(", ")}` });
  }
  if (wrong.length > 0) {
    const more = wrong.length > 8 ? `; and ${wrong.length - 8} more` : "";
    reasons.push({
      code: "INVALID_CLAIMS",
      message: `invalid claims: ${wrong.slice(0, 8).join("; ")}${more}`
    });
  }
  const wanted = checks?.requireStandard;
  const met = payload.standards_met;
  if (wanted !== void 0 && !(Array.isArray(met) && met.includes(wanted))) {
    const listed = Array.isArray(met) && met.length > 0 ? met.map(quote).join(", ") : "none";
    reasons.push({
      code: "STANDARD_NOT_MET",
      message: `${wanted} is not among the standards met (listed: ${listed})`
    });
  }
  const minDays = checks?.minDaysRemaining;
  const exp = payload.exp;
  const expired = reasons.some((r) => r.code === "EXPIRED");
  if (minDays !== void 0 && typeof exp === "number" && !expired && exp - nowSec < minDays * DAY_SEC) {
    const left = Math.max(0, (exp - nowSec) / DAY_SEC);
    reasons.push({
      code: "EXPIRES_SOON",
      message: `expires at ${isoDate(exp)}, in ${left.toFixed(1)} days; at least ${minDays} are required`
    });
  }
  const rotateBy = typeof payload.rotate_by === "string" ? Date.parse(payload.rotate_by) : NaN;
  if (!expired && Number.isFinite(rotateBy) && nowSec * 1e3 > rotateBy + CLOCK_TOLERANCE_SEC * 1e3) {
    reasons.push({
      code: "ROTATION_OVERDUE",
      message: `the credential was due for rotation by ${quote(payload.rotate_by)} (the rotation period of ${quote(payload.compliance_standard)}); rotate it and certify the new one`
    });
  }
  if (reasons.length === 0 && claims !== void 0) return { valid: true, claims, header };
  return { valid: false, reasons, claims: payload };
}
function untrustedClaims(jwt) {
  try {
    return decodeJwt2(jwt);
  } catch {
    return void 0;
  }
}
function highS(jwt) {
  const message = "the signature is the high-S twin of a valid one: certificates are signed low-S, so this encoding was altered after signing";
  const claims = untrustedClaims(jwt);
  const reasons = [{ code: "HIGH_S_SIGNATURE", message }];
  return claims === void 0 ? { valid: false, reasons } : { valid: false, reasons, claims };
}
function headerOf(header) {
  const typ = typeof header.typ === "string" ? { typ: header.typ } : {};
  return { alg: "ES256", ...typ, kid: String(header.kid) };
}
function createVerifier(options) {
  const keys = importKeys(options.jwks);
  const { issuer, now = Date.now } = options;
  const selectKey = (header) => {
    const { typ, kid } = header;
    if (typ !== void 0 && (typeof typ !== "string" || typ.toUpperCase() !== "JWT")) {
      throw new HeaderRefused({ code: "MALFORMED", message: `typ ${quote(typ)} is not JWT` });
    }
    const key = kid === void 0 ? void 0 : keys.get(kid);
    if (key !== void 0) return key;
    throw new HeaderRefused({
      code: "UNKNOWN_KID",
      message: kid === void 0 ? "the header has no kid, so no key in the JWKS can be chosen" : `kid ${quote(kid)} is not in the JWKS; use the issuer's current /.well-known/jwks.json (it keeps retired keys)`
    });
  };
  return {
    async verify(jwt, checks) {
      if (typeof jwt !== "string" || jwt.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(jwt)) {
        const message = "not a compact JWT: expected three base64url parts separated by dots";
        return { valid: false, reasons: [{ code: "MALFORMED", message }] };
      }
      const signature = Buffer.from(jwt.slice(jwt.lastIndexOf(".") + 1), "base64url");
      const nowMs = now();
      const nowSec = nowMs / 1e3;
      let verified;
      try {
        verified = await jwtVerify(jwt, selectKey, {
          algorithms: ["ES256"],
          currentDate: new Date(nowMs),
          clockTolerance: CLOCK_TOLERANCE_SEC
        });
      } catch (error) {
        const failure = failureOf(error, nowSec);
        if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
          if (isHighS(signature)) return highS(jwt);
          const header2 = headerOf(decodeProtectedHeader2(jwt));
          return judgeClaims(error.payload, header2, failure, issuer, nowSec, checks);
        }
        const reasons = failure === void 0 ? [] : [failure];
        const claims = untrustedClaims(jwt);
        return claims === void 0 ? { valid: false, reasons } : { valid: false, reasons, claims };
      }
      if (isHighS(signature)) return highS(jwt);
      const header = headerOf(verified.protectedHeader);
      return judgeClaims(verified.payload, header, void 0, issuer, nowSec, checks);
    }
  };
}

// src/policy/standards.ts
var NIST_FINAL = "NIST SP 800-63B-4 (final, July 2025)";
var NIST_800_63B = {
  id: "NIST-800-63B",
  name: "NIST SP 800-63B-4",
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
  aliases: [
    "nist",
    "800-63b",
    "nist 800-63b",
    "sp 800-63b",
    "nist sp 800-63b",
    "nist 800-63b-4",
    "800-63b-4"
  ],
  basis: {
    kind: "clause",
    length: "NIST SP 800-63B-4 \xA73.1.1.2: a password used as a single-factor authenticator SHALL be at least 15 characters (8 only when used within multi-factor authentication).",
    classes: "NIST SP 800-63B-4 \xA73.1.1.2: verifiers and CSPs SHALL NOT impose composition rules, so no class is required; all four are included by default and cost under a bit at this length.",
    entropy: "Product baseline: NIST sets no entropy figure for passwords (the 112-bit figure in \xA73.2.12 is the security strength of the random bit generator). 80 bits sits below what 15 random printable-ASCII characters yield (97.99 bits).",
    rotation: "NIST SP 800-63B-4 \xA73.1.1.2: verifiers SHALL NOT require periodic change, and SHALL force a change on evidence of compromise.",
    sources: [
      `${NIST_FINAL} \xA73.1.1.2 Password Verifiers (15-character single-factor minimum, 8 within MFA; no composition rules; no periodic change; change on compromise; blocklist checked against the whole password)`,
      `${NIST_FINAL} \xA73.1.1.1 (passwords chosen by the subscriber or assigned randomly by the CSP)`,
      `${NIST_FINAL} \xA73.2.12 (random values from an approved RBG with at least 112 bits of security strength)`,
      "Final 15/8 wording as quoted verbatim in OWASP ASVS issue #3242; other clauses read from the third public draft (usnistgov/800-63-4 @1512c7e, sp800-63b/authenticators)"
    ]
  }
};
var HIPAA = {
  id: "HIPAA",
  name: "HIPAA Security Rule",
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ["upper", "lower", "digit", "special"],
  minEntropyBits: 90,
  rotationDays: 0,
  aliases: ["hipaa", "hipaa security rule", "45 cfr 164"],
  basis: {
    kind: "product-baseline",
    length: `Product baseline: 45 CFR 164.308(a)(5)(ii)(D) requires "procedures for creating, changing, and safeguarding passwords" and sets no length; 15 is benchmarked to NIST SP 800-63B-4's single-factor minimum.`,
    classes: 'Product baseline: HIPAA sets no composition rule; all four classes are required so that HITRUST-style verifiers (CSF 01.d, "minimum length and complexity") accept the credential.',
    entropy: "Product baseline: HIPAA sets no entropy figure; 90 bits sits below what 15 random characters with all four classes yield (97.99 bits).",
    rotation: "Product baseline: HIPAA sets no rotation period; following NIST SP 800-63B-4, change on evidence of compromise. (HITRUST-style policies use 90 days, 60 for privileged accounts.)",
    sources: [
      "45 CFR 164.308(a)(5)(ii)(D) Password management (addressable implementation specification; no numeric rule)",
      "45 CFR 164.312(a)(2)(i) Unique user identification; 45 CFR 164.312(d) Person or entity authentication",
      "HHS Security Rule NPRM, 90 FR 898 (January 2025): proposed, not final",
      "HITRUST CSF v11 controls 01.d, 01.f, 01.r (secondary summaries; no public numeric values)",
      `${NIST_FINAL} \xA73.1.1.2 (the benchmark for the 15-character minimum)`
    ]
  }
};
var PCI_DSS = {
  id: "PCI-DSS",
  name: "PCI DSS v4.0.1",
  certifiable: true,
  minLength: 12,
  defaultLength: 20,
  requiredClasses: ["letter", "digit"],
  minEntropyBits: 70,
  rotationDays: 90,
  aliases: ["pci", "pci dss", "pcidss", "pci dss 4", "pci dss v4", "pci dss 4.0.1"],
  basis: {
    kind: "clause",
    length: "PCI DSS v4.0.1 Requirement 8.3.6: at least 12 characters (8 only where the system does not support 12).",
    classes: "PCI DSS v4.0.1 Requirement 8.3.6: both numeric and alphabetic characters (nothing about case or symbols).",
    entropy: "Product baseline: PCI DSS sets no entropy figure; 70 bits sits below what 12 random characters yield with upper-case letters, lower-case letters and digits all present (71.25 bits).",
    rotation: "PCI DSS v4.0.1 Requirement 8.3.9: where the password is the only authentication factor, change it at least every 90 days (or analyse the account's security posture dynamically); not applicable where MFA is used (PCI SSC FAQ).",
    sources: [
      "PCI DSS v4.0.1 Requirement 8.3.6 (minimum 12 characters; numeric and alphabetic)",
      "PCI DSS v4.0.1 Requirement 8.3.9 (90-day change when the password is the only factor)",
      "PCI DSS v4.0.1 Requirements 8.3.7 (differs from the last four) and 8.3.5 (initial passwords unique and changed on first use)",
      'PCI SSC FAQ "Do 8.3.9 and 8.3.10.1 apply to all system components?" (not applicable where MFA is used)',
      "PCI DSS v4.0.1 Requirement 8.6.3 (application and system accounts: frequency set by targeted risk analysis; 8.3.6 does not apply)"
    ]
  }
};
var SOC2 = {
  id: "SOC2",
  name: "SOC 2 (AICPA TSC CC6.1)",
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
  aliases: ["soc2", "soc 2", "soc 2 type 2", "soc2 type ii", "aicpa", "tsc cc6.1"],
  basis: {
    kind: "product-baseline",
    length: 'Product baseline: CC6.1 ("logical access security software, infrastructure, and architectures") sets no length; auditors test against the written policy, usually benchmarked to NIST SP 800-63B, whose single-factor minimum is 15.',
    classes: "Product baseline: CC6.1 sets no composition rule; none is required, following NIST SP 800-63B-4 (all four classes are included by default).",
    entropy: "Product baseline: CC6.1 sets no entropy figure; 80 bits, as for NIST SP 800-63B-4, below what 15 random printable-ASCII characters yield.",
    rotation: "Product baseline: CC6.1 sets no rotation period; following NIST SP 800-63B-4, change on evidence of compromise (or at the period the organisation's own policy sets).",
    sources: [
      "AICPA Trust Services Criteria (2017, revised points of focus 2022), CC6.1 (no numeric password rule)",
      `${NIST_FINAL} \xA73.1.1.2 (the benchmark auditors usually apply)`
    ]
  }
};
var ISO_27001 = {
  id: "ISO-27001",
  name: "ISO/IEC 27001:2022 A.5.17",
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
  aliases: ["iso", "iso27001", "iso 27001", "iso 27001:2022", "iso/iec 27001", "iso 27002", "a.5.17"],
  basis: {
    kind: "product-baseline",
    length: "Product baseline: ISO/IEC 27001:2022 A.5.17 and ISO/IEC 27002:2022 \xA75.17 leave the minimum length to the organisation; 15 is benchmarked to NIST SP 800-63B-4.",
    classes: "Product baseline: 27002 \xA75.17 asks for strong passwords following good practice and mandates no classes; none is required (all four are included by default).",
    entropy: "Product baseline: no entropy figure in 27001/27002; 80 bits, as for NIST SP 800-63B-4.",
    rotation: "ISO/IEC 27002:2022 \xA75.17 sets no periodic change: change on compromise, and temporary passwords after first use.",
    sources: [
      "ISO/IEC 27001:2022 Annex A control 5.17 Authentication information",
      "ISO/IEC 27002:2022 \xA75.17 (allocation: non-guessable generated passwords, changed after first use and on compromise; block common and compromised passwords)",
      `${NIST_FINAL} \xA73.1.1.2 (the benchmark for the numbers)`
    ]
  }
};
var FIPS_140_3 = {
  id: "FIPS-140-3",
  name: "FIPS 140-3",
  certifiable: true,
  minLength: 20,
  defaultLength: 24,
  requiredClasses: ["upper", "lower", "digit", "special"],
  minEntropyBits: 112,
  rotationDays: 0,
  requiresFipsModule: true,
  aliases: ["fips", "fips 140-3", "fips140", "fips1403", "fips 140", "fips140-3"],
  basis: {
    kind: "product-baseline",
    length: "Product baseline: FIPS 140-3 is a cryptographic-module standard and sets no password rule. What it certifies here is the random source: the credential is met only when the generating runtime reported OpenSSL in FIPS mode (crypto.getFips()) and named its FIPS provider (name and version), both recorded in entropy_source as client assertions. The 20-character four-class string profile is a product baseline, benchmarked to the HIPAA and CMMC entries so the credential is also strong; it is not what FIPS 140-3 asks for.",
    classes: "Product baseline: FIPS 140-3 sets no composition rule; all four classes are required as a strong default, not because the standard asks for them.",
    entropy: "Product baseline: 112 bits is the minimum security strength of NIST SP 800-131A and of the random bit generator in NIST SP 800-63B-4 \xA73.2.12; 20 random characters with all four classes yield 130.92.",
    rotation: "Product baseline: FIPS 140-3 sets no rotation period; change on evidence of compromise.",
    sources: [
      "FIPS 140-3 (via ISO/IEC 19790:2012 \xA77.4): operator authentication strength for modules only; no rule for generated passwords",
      'NIST SP 800-90A r1 (approved DRBGs) and SP 800-90B (entropy sources): what "approved random source" means',
      "NIST SP 800-131A r2 (112-bit minimum security strength)",
      `${NIST_FINAL} \xA73.2.12 (random values from an approved RBG with at least 112 bits of security strength)`
    ]
  }
};
var DOD_STIG = {
  id: "DOD-STIG",
  name: "DISA STIG / SRG",
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ["upper", "lower", "digit", "special"],
  minEntropyBits: 90,
  rotationDays: 60,
  maxRepeat: 3,
  maxClassRepeat: 4,
  aliases: ["dod", "stig", "dod stig", "disa", "disa stig", "srg"],
  basis: {
    kind: "clause",
    length: 'RHEL 9 STIG V-258107 (RHEL-09-611090): at least 15 characters ("The DOD minimum password requirement is 15 characters").',
    classes: "RHEL 9 STIG V-258109 (RHEL-09-611100, ocredit = -1), V-258111 (RHEL-09-611110, ucredit = -1) and the matching lcredit/dcredit rules: at least one upper-case letter, lower-case letter, digit and special character; V-258114 (RHEL-09-611125, maxrepeat = 3): at most 3 identical characters in a row; V-258113 (RHEL-09-611120, maxclassrepeat = 4): at most 4 characters of one class in a row. The generator enforces both run limits by rejection, and the entropy counts only the strings that keep to them.",
    entropy: "Product baseline: the STIGs set no entropy figure; 90 bits sits below what 15 random characters with all four classes and the run limits yield (97.92 bits).",
    rotation: "RHEL 9 STIG V-258041 / V-258042 (RHEL-09-411010 / -411015): a maximum password lifetime of 60 days.",
    sources: [
      "RHEL 9 STIG V-258107 (RHEL-09-611090): 15-character minimum",
      "RHEL 9 STIG V-258109 (RHEL-09-611100): at least one special character; V-258111 (RHEL-09-611110): at least one upper-case character; the matching lower-case and digit rules",
      "RHEL 9 STIG V-258114 (RHEL-09-611125): maxrepeat = 3; V-258113 (RHEL-09-611120): maxclassrepeat = 4",
      "RHEL 9 STIG V-258041, V-258042 (RHEL-09-411010, RHEL-09-411015): 60-day maximum lifetime",
      "Authentication, Authorization and Accounting Services SRG V-204664 to V-204674",
      "Application Security and Development STIG APSC-DV-001680 (V-222536: 15 characters), V-222537 and V-222538 (case rules), V-222539 to V-222541"
    ]
  }
};
var CMMC_L2 = {
  id: "CMMC-L2",
  name: "CMMC 2.0 Level 2 (NIST SP 800-171 r2 3.5.7)",
  certifiable: false,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ["upper", "lower", "digit", "special"],
  minEntropyBits: 90,
  rotationDays: 0,
  aliases: ["cmmc", "cmmc l2", "cmmc level 2", "cmmc 2", "800-171", "nist 800-171"],
  basis: {
    kind: "product-baseline",
    length: 'Product baseline: NIST SP 800-171 r2 3.5.7 requires "a minimum password complexity" and leaves the values to the organisation; 15 is benchmarked to the DISA STIG value DoD contractors usually inherit.',
    classes: "Product baseline: 3.5.7 leaves the composition to the organisation; all four classes, as in the DISA STIGs.",
    entropy: "Product baseline: no entropy figure in 800-171; 90 bits, as for the DISA STIG entry.",
    rotation: "Product baseline: 800-171 r2 sets no period (3.5.8 prohibits reuse for an organisation-defined number of generations); change on evidence of compromise, or 60 days where the organisation inherits STIG settings.",
    sources: [
      "NIST SP 800-171 r2 \xA73.5.7 to \xA73.5.10 (CMMC 2.0 Level 2 practices IA.L2-3.5.7 to IA.L2-3.5.10): organisation-defined values",
      "DFARS class deviation 2024-O0013 (contractors stay on 800-171 r2)",
      "NIST SP 800-171 r3 03.05.07 (May 2024): composition as an organisation-defined parameter; check against a list of common and compromised passwords",
      "RHEL 9 STIG V-258107 (the benchmark for the values)"
    ]
  }
};
var STANDARDS = Object.freeze([
  NIST_800_63B,
  HIPAA,
  PCI_DSS,
  SOC2,
  ISO_27001,
  FIPS_140_3,
  DOD_STIG,
  CMMC_L2
]);

// src/policy/lookup.ts
function normalise(name) {
  return name.toLowerCase().replace(/[\s\-_./:]+/g, "");
}
var BY_NAME = (() => {
  const map = /* @__PURE__ */ new Map();
  for (const rule of STANDARDS) {
    for (const name of [rule.id, ...rule.aliases]) {
      const key = normalise(name);
      const taken = map.get(key);
      if (taken && taken !== rule) throw new Error(`Alias "${name}" names both ${taken.id} and ${rule.id}.`);
      map.set(key, rule);
    }
  }
  return map;
})();
function getStandard(id) {
  const rule = STANDARDS.find((s) => s.id === id);
  if (!rule) throw unknown(String(id));
  return rule;
}
function resolveStandard(input) {
  const rule = typeof input === "string" ? BY_NAME.get(normalise(input)) : void 0;
  if (!rule) throw unknown(String(input));
  return rule;
}
function unknown(input) {
  const shown = JSON.stringify(input.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 40));
  return new InputError(
    "UNKNOWN_STANDARD",
    `Unknown standard ${shown}. Use one of: ${STANDARD_IDS.join(", ")} (run \`passgeni standards\` to see their rules).`,
    { details: { valid: [...STANDARD_IDS] } }
  );
}

// src/policy/limits.ts
var MAX_LENGTH = 4096;
var CHAR_CLASSES = ["upper", "lower", "digit", "special"];

// src/policy/run-limits.ts
var MAX_RUN_LIMITED_LENGTH = 256;
function hasRunLimits(limits) {
  return limits.maxRepeat !== void 0 || limits.maxClassRepeat !== void 0;
}
function countRunLimited(length, classSizes2, limits) {
  const sizes = classSizes2.filter((n2) => n2 > 0);
  const k = sizes.length;
  if (k === 0 || length < k) return 0n;
  const maxClassRun = limits.maxClassRepeat ?? 0;
  const maxRun = limits.maxRepeat ?? 0;
  const classRuns = Math.max(maxClassRun, 1);
  const runs = Math.max(maxRun, 1);
  const full = (1 << k) - 1;
  const index = (mask, c, r, m) => ((mask * k + c) * classRuns + r) * runs + m;
  const stateCount = (full + 1) * k * classRuns * runs;
  const n = sizes.map(BigInt);
  const others = sizes.map((size) => BigInt(size - 1));
  let current = new Array(stateCount).fill(0n);
  for (let c = 0; c < k; c++) current[index(1 << c, c, 0, 0)] = n[c];
  for (let position = 1; position < length; position++) {
    const next = new Array(stateCount).fill(0n);
    for (let mask = 1; mask <= full; mask++) {
      for (let c = 0; c < k; c++) {
        if (!(mask & 1 << c)) continue;
        for (let r = 0; r < classRuns; r++) {
          for (let m = 0; m < runs; m++) {
            const ways = current[index(mask, c, r, m)];
            if (ways === 0n) continue;
            const r2 = maxClassRun ? r + 1 : 0;
            if (r2 < classRuns || !maxClassRun) {
              if (!maxRun) {
                next[index(mask, c, r2, 0)] += ways * n[c];
              } else {
                if (m + 1 < runs) next[index(mask, c, r2, m + 1)] += ways;
                next[index(mask, c, r2, 0)] += ways * others[c];
              }
            }
            for (let d = 0; d < k; d++) {
              if (d !== c) next[index(mask | 1 << d, d, 0, 0)] += ways * n[d];
            }
          }
        }
      }
    }
    current = next;
  }
  let total = 0n;
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < classRuns; r++) {
      for (let m = 0; m < runs; m++) total += current[index(full, c, r, m)];
    }
  }
  return total;
}
function breaksRunLimits(text, length, classOf2, limits) {
  const maxRun = limits.maxRepeat ?? Infinity;
  const maxClassRun = limits.maxClassRepeat ?? Infinity;
  let run = 1;
  let classRun = 1;
  for (let i = 1; i < length; i++) {
    const here = text[i];
    const before = text[i - 1];
    run = here === before ? run + 1 : 1;
    classRun = classOf2[here] === classOf2[before] ? classRun + 1 : 1;
    if (run > maxRun || classRun > maxClassRun) return true;
  }
  return false;
}

// src/policy/entropy.ts
function countStrings(length, classSizes2, limits = {}) {
  if (hasRunLimits(limits)) return countRunLimited(length, classSizes2, limits);
  const sizes = classSizes2.filter((n) => n > 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  const exponent = BigInt(length);
  let count2 = 0n;
  for (let subset = 0; subset < 1 << sizes.length; subset++) {
    let left = total;
    let parity = 0;
    for (let k = 0; k < sizes.length; k++) {
      if (subset & 1 << k) {
        left -= sizes[k];
        parity ^= 1;
      }
    }
    const term = BigInt(left) ** exponent;
    count2 += parity ? -term : term;
  }
  return count2;
}
function exactEntropyBits(length, classSizes2, limits = {}) {
  const count2 = countStrings(length, classSizes2, limits);
  if (count2 === 0n) {
    const classes = classSizes2.filter((n) => n > 0).length;
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      classes === 0 ? "No characters to draw from: include at least one character class." : length < classes ? `A ${length}-character string cannot contain one character of each of ${classes} classes. Use a length of at least ${classes}.` : `No ${length}-character string over these classes keeps within the run limits (at most ${limits.maxRepeat ?? "any number of"} identical and ${limits.maxClassRepeat ?? "any number of"} same-class characters in a row). Include more classes or characters.`
    );
  }
  const scaled = log2BigInt(count2) * 100;
  const nearest = Math.round(scaled);
  if (Math.abs(scaled - nearest) < 1e-6) {
    return (count2 ** 100n >= 1n << BigInt(nearest) ? nearest : nearest - 1) / 100;
  }
  return Math.floor(scaled) / 100;
}
function log2BigInt(value) {
  const bits = value.toString(2).length;
  const shift = bits > 53 ? bits - 53 : 0;
  return shift + Math.log2(Number(value >> BigInt(shift)));
}
function paramsFromCharset(length, charset, limits = {}) {
  const sizes = {
    upper: charset.classes.upper.length,
    lower: charset.classes.lower.length,
    digit: charset.classes.digit.length,
    special: charset.classes.special.length
  };
  return {
    length,
    has_upper: sizes.upper > 0,
    has_lower: sizes.lower > 0,
    has_numbers: sizes.digit > 0,
    has_special: sizes.special > 0,
    char_pool_size: sizes.upper + sizes.lower + sizes.digit + sizes.special,
    excluded_characters: charset.excludedCount,
    class_sizes: sizes,
    ...limits.maxRepeat !== void 0 && { max_repeat: limits.maxRepeat },
    ...limits.maxClassRepeat !== void 0 && { max_class_repeat: limits.maxClassRepeat }
  };
}
function runLimitsOf(params) {
  return { maxRepeat: params.max_repeat, maxClassRepeat: params.max_class_repeat };
}
function paramsEntropyBits(params) {
  return exactEntropyBits(
    params.length,
    CHAR_CLASSES.map((c) => params.class_sizes[c]),
    runLimitsOf(params)
  );
}

// src/policy/random-source.ts
var NO_FIPS = { fips_mode: false };
function isFipsSource(source) {
  return source.fips_mode && source.fips_provider !== void 0;
}
function sourceMeets(rule, source) {
  return rule.requiresFipsModule !== true || isFipsSource(source);
}
var FIPS_HOWTO = 'Run Node.js with OpenSSL 3 configured to load a validated FIPS provider (an openssl.cnf that includes its fipsmodule.cnf and activates the "fips" provider, named by OPENSSL_CONF, with OPENSSL_MODULES pointing at the directory holding fips.so) and start it with --enable-fips or --force-fips; `node -p "crypto.getFips()"` must print 1. Otherwise certify to the standard that governs the credential (e.g. NIST-800-63B, PCI-DSS, HIPAA).';
var FipsModeRequiredError = class extends InputError {
  constructor(rule, source) {
    super(
      source.fips_mode ? "FIPS_PROVIDER_UNKNOWN" : "FIPS_MODE_REQUIRED",
      source.fips_mode ? `${rule.id} is a claim about the random source, and this Node.js runtime is in FIPS mode but the FIPS provider's name and version could not be read (passgeni asks the provider module Node loaded through \`openssl list -providers\`), so nothing was generated. Make the openssl command of the same OpenSSL installation available on PATH, with the same OPENSSL_CONF and OPENSSL_MODULES as Node.` : `${rule.id} is a claim about the random source, not a password profile: it holds only when the credential's random bytes come from a validated FIPS module in approved mode, and this Node.js runtime is not in FIPS mode (crypto.getFips() is 0), so nothing was generated. ${FIPS_HOWTO}`,
      { details: { standard: rule.id, fips_mode: source.fips_mode } }
    );
  }
};

// src/policy/evaluate.ts
var CLASS_WORDS = {
  upper: "upper-case letter (A-Z)",
  lower: "lower-case letter (a-z)",
  letter: "letter (A-Z or a-z)",
  digit: "digit (0-9)",
  special: "special character (punctuation)"
};
var HAS_CLASS = {
  upper: (p) => p.has_upper,
  lower: (p) => p.has_lower,
  letter: (p) => p.has_upper || p.has_lower,
  digit: (p) => p.has_numbers,
  special: (p) => p.has_special
};
var RUN_RULES = [
  ["maxRepeat", "max_repeat", "max-repeat", "identical characters"],
  ["maxClassRepeat", "max_class_repeat", "max-class-repeat", "characters of one class"]
];
function evaluate(params, rule, bits) {
  const violations = [];
  const standard = rule.id;
  if (params.length < rule.minLength) {
    violations.push({
      standard,
      rule: "min-length",
      required: rule.minLength,
      actual: params.length,
      message: `${rule.id} requires at least ${rule.minLength} characters; the request has ${params.length}. Set the length to ${rule.minLength} or more.`
    });
  }
  for (const cls of rule.requiredClasses) {
    if (HAS_CLASS[cls](params)) continue;
    violations.push({
      standard,
      rule: "required-class",
      required: cls,
      message: `${rule.id} requires at least one ${CLASS_WORDS[cls]}; include that class and keep at least one of its characters out of the exclusions.`
    });
  }
  for (const [limit, field, ruleName, what] of RUN_RULES) {
    const required = rule[limit];
    if (required === void 0) continue;
    const actual = params[field];
    if (actual !== void 0 && actual <= required) continue;
    violations.push({
      standard,
      rule: ruleName,
      required,
      ...actual !== void 0 && { actual },
      message: `${rule.id} allows at most ${required} ${what} in a row; ${actual === void 0 ? "these parameters set no such limit" : `these parameters allow ${actual}`}. Generate for ${rule.id} so the generator applies the limit.`
    });
  }
  if (bits < rule.minEntropyBits) {
    violations.push({
      standard,
      rule: "min-entropy",
      required: rule.minEntropyBits,
      actual: bits,
      message: `${rule.id} requires at least ${rule.minEntropyBits} bits of entropy; these parameters give ${bits}. Use a longer length, more classes or fewer exclusions.`
    });
  }
  return violations;
}
function evaluateStandard(params, rule) {
  return evaluate(params, rule, paramsEntropyBits(params));
}
function standardsMet(params, rotationDays, source = NO_FIPS) {
  const bits = paramsEntropyBits(params);
  return STANDARDS.filter(
    (rule) => evaluate(params, rule, bits).length === 0 && sourceMeets(rule, source) && (rule.rotationDays === 0 || rotationDays > 0 && rotationDays <= rule.rotationDays)
  ).map((rule) => rule.id);
}

// src/policy/charset.ts
function range(from, to) {
  let s = "";
  for (let c = from; c <= to; c++) s += String.fromCharCode(c);
  return s;
}
var PUNCTUATION = range(33, 47) + range(58, 64) + range(91, 96) + range(123, 126);
var DEFAULT_CLASS_SETS = Object.freeze({
  upper: range(65, 90),
  lower: range(97, 122),
  digit: range(48, 57),
  special: PUNCTUATION
});
function buildCharset(options = {}) {
  const included = new Set(options.classes ?? CHAR_CLASSES);
  const chosen = { ...DEFAULT_CLASS_SETS };
  if (options.symbols !== void 0) chosen.special = parseSymbols(options.symbols);
  const exclude = new Set(options.exclude ?? "");
  const classes = { upper: "", lower: "", digit: "", special: "" };
  let excludedCount = 0;
  for (const cls of CHAR_CLASSES) {
    if (!included.has(cls)) continue;
    for (const ch of chosen[cls]) {
      if (exclude.has(ch)) excludedCount++;
      else classes[cls] += ch;
    }
  }
  return { classes, pool: CHAR_CLASSES.map((c) => classes[c]).join(""), excludedCount };
}
function parseSymbols(symbols) {
  const invalid = /* @__PURE__ */ new Set();
  for (const ch of symbols) if (!PUNCTUATION.includes(ch)) invalid.add(ch);
  if (invalid.size > 0 || symbols.length === 0) {
    const shown = [...invalid].map((ch) => ch === " " ? "space" : JSON.stringify(ch).slice(0, 12));
    throw new InputError(
      "INVALID_SYMBOLS",
      symbols.length === 0 ? "The symbol set is empty. Give at least one punctuation character, or leave `special` out of the classes instead." : `The symbol set may only contain printable ASCII punctuation (no letters, digits or space); not allowed: ${shown.join(" ")}. Allowed: ${PUNCTUATION}`,
      { details: { allowed: PUNCTUATION } }
    );
  }
  const wanted = new Set(symbols);
  return [...PUNCTUATION].filter((ch) => wanted.has(ch)).join("");
}

// src/policy/params-schema.ts
var count = (max) => zod_exports.int().check(zod_exports.minimum(0), zod_exports.maximum(max));
var classSizes = zod_exports.strictObject({
  upper: count(DEFAULT_CLASS_SETS.upper.length),
  lower: count(DEFAULT_CLASS_SETS.lower.length),
  digit: count(DEFAULT_CLASS_SETS.digit.length),
  special: count(DEFAULT_CLASS_SETS.special.length)
});
var DEFAULT_POOL = CHAR_CLASSES.reduce((n, c) => n + DEFAULT_CLASS_SETS[c].length, 0);
var shape = zod_exports.strictObject({
  length: zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(MAX_LENGTH)),
  has_upper: zod_exports.boolean(),
  has_lower: zod_exports.boolean(),
  has_numbers: zod_exports.boolean(),
  has_special: zod_exports.boolean(),
  char_pool_size: count(DEFAULT_POOL),
  excluded_characters: count(DEFAULT_POOL),
  class_sizes: classSizes,
  max_repeat: zod_exports.optional(zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(MAX_RUN_LIMITED_LENGTH))),
  max_class_repeat: zod_exports.optional(zod_exports.int().check(zod_exports.minimum(1), zod_exports.maximum(MAX_RUN_LIMITED_LENGTH)))
});
var FLAG = {
  upper: "has_upper",
  lower: "has_lower",
  digit: "has_numbers",
  special: "has_special"
};
function parseGenerationParams(input) {
  const result = shape.safeParse(input);
  const issues = result.success ? [] : result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message
  }));
  issues.push(...consistencyIssues(input));
  if (!result.success || issues.length > 0) {
    throw new InputError(
      "INVALID_PARAMS",
      `Invalid generation parameters: ${issues.map((i) => i.path ? `${i.path}: ${i.message}` : i.message).join("; ")}.`,
      { details: { issues } }
    );
  }
  return result.data;
}
function consistencyIssues(input) {
  if (!isRecord(input)) return [];
  const issues = [];
  const sizes = isRecord(input.class_sizes) ? input.class_sizes : void 0;
  if (!sizes) return issues;
  let sum = 0;
  let included = 0;
  let allNumbers = true;
  for (const cls of CHAR_CLASSES) {
    const size = sizes[cls];
    const flag = input[FLAG[cls]];
    if (typeof size !== "number") {
      allNumbers = false;
      continue;
    }
    sum += size;
    if (size > 0) included++;
    if (typeof flag === "boolean" && flag !== size > 0) {
      issues.push({ path: FLAG[cls], message: `must be ${size > 0} because class_sizes.${cls} is ${size}` });
    }
  }
  if (!allNumbers) return issues;
  if (typeof input.char_pool_size === "number" && input.char_pool_size !== sum) {
    issues.push({ path: "char_pool_size", message: `must equal the sum of class_sizes (${sum})` });
  }
  const runLimited = input.max_repeat !== void 0 || input.max_class_repeat !== void 0;
  if (runLimited && typeof input.length === "number" && input.length > MAX_RUN_LIMITED_LENGTH) {
    issues.push({
      path: "length",
      message: `must be at most ${MAX_RUN_LIMITED_LENGTH} when max_repeat or max_class_repeat is set`
    });
  }
  if (sum === 0) issues.push({ path: "class_sizes", message: "at least one class must be non-empty" });
  if (typeof input.length === "number" && input.length < included) {
    issues.push({ path: "length", message: `must be at least the number of included classes (${included})` });
  }
  return issues;
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/policy/resolve-policy.ts
var PolicyViolationError = class extends InputError {
  violations;
  constructor(rule, violations) {
    super(
      "POLICY_VIOLATION",
      `The request is weaker than ${rule.id} (${rule.name}); nothing was generated. ${violations.map((v) => v.message).join(" ")} Presets may be strengthened (longer, more classes) but not weakened.`,
      { details: { standard: rule.id, violations } }
    );
    this.violations = violations;
  }
};
function resolvePolicy(request) {
  const standard = resolveStandard(request.standard);
  const source = request.randomSource ?? NO_FIPS;
  if (!sourceMeets(standard, source)) throw new FipsModeRequiredError(standard, source);
  const length = request.length ?? standard.defaultLength;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `The length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}. ${standard.id} needs at least ${standard.minLength}.`
    );
  }
  const charset = buildCharset(request);
  const emptied = (request.classes ?? []).filter((c) => charset.classes[c] === "");
  if (emptied.length > 0) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `Every character of the requested class${emptied.length > 1 ? "es" : ""} ${emptied.join(", ")} is excluded. Exclude fewer characters or leave ${emptied.length > 1 ? "those classes" : "that class"} out.`,
      { details: { emptied_classes: [...new Set(emptied)] } }
    );
  }
  if (charset.pool === "") {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      "No characters are left to draw from: the exclusions remove every character of the included classes. Exclude fewer characters."
    );
  }
  const included = CHAR_CLASSES.filter((c) => charset.classes[c] !== "").length;
  if (length < included) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `A ${length}-character credential cannot contain one character of each of the ${included} included classes; ${standard.id} needs at least ${standard.minLength} characters.`
    );
  }
  const limits = { maxRepeat: standard.maxRepeat, maxClassRepeat: standard.maxClassRepeat };
  if (hasRunLimits(limits) && length > MAX_RUN_LIMITED_LENGTH) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `${standard.id} limits runs of repeated characters, and such credentials are generated up to ${MAX_RUN_LIMITED_LENGTH} characters; got ${length}. Use a length from ${standard.minLength} to ${MAX_RUN_LIMITED_LENGTH}.`
    );
  }
  const params = paramsFromCharset(length, charset, limits);
  const violations = evaluateStandard(params, standard);
  if (violations.length > 0) throw new PolicyViolationError(standard, violations);
  return {
    standard,
    length,
    charset,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: standardsMet(params, standard.rotationDays, source)
  };
}

// src/lib/html.ts
function escapeHtml(value) {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// src/policy/render.ts
var CLASS_NAMES = {
  upper: "upper-case letters",
  lower: "lower-case letters",
  letter: "letters (either case)",
  digit: "digits",
  special: "special characters"
};
function classesText(rule) {
  const classes = rule.requiredClasses.length === 0 ? "No character class is required." : `At least one of each: ${rule.requiredClasses.map((c) => CLASS_NAMES[c]).join(", ")}.`;
  const runs = [
    ...rule.maxRepeat !== void 0 ? [`${rule.maxRepeat} identical characters`] : [],
    ...rule.maxClassRepeat !== void 0 ? [`${rule.maxClassRepeat} characters of one class`] : []
  ];
  return runs.length ? `${classes} At most ${runs.join(", and at most ")} in a row.` : classes;
}
function rotationText(rule) {
  return rule.rotationDays > 0 ? `Change at least every ${rule.rotationDays} days, and immediately on suspected or confirmed compromise.` : "No periodic change; change immediately on suspected or confirmed compromise.";
}
function basisLabel(rule) {
  return rule.basis.kind === "clause" ? "framework clause" : "product baseline";
}
function buildDocument(rule, title, organisation, date) {
  const who = organisation ?? "the organisation";
  const defaultBits = exactEntropyBits(
    rule.defaultLength,
    CHAR_CLASSES.map((c) => DEFAULT_CLASS_SETS[c].length),
    { maxRepeat: rule.maxRepeat, maxClassRepeat: rule.maxClassRepeat }
  );
  const baselineNote = rule.basis.kind === "product-baseline" ? `${rule.name} does not set numeric password rules. Where this policy states a number without a clause, it is a product baseline: a documented choice from the PassGeni standards table, benchmarked as stated beside it. It is not a requirement of ${rule.name}.` : `Where a basis below reads "Product baseline", ${rule.name} sets no number: the value is a documented choice from the PassGeni standards table, benchmarked as stated, and not a requirement of ${rule.name}.`;
  return [
    { kind: "heading", level: 1, text: title },
    {
      kind: "table",
      header: ["Field", "Value"],
      rows: [
        ...organisation === void 0 ? [] : [["Organisation", organisation]],
        ["Standard", `${rule.name} (${rule.id})`],
        ["Generated", date],
        [
          "Basis",
          rule.basis.kind === "clause" ? "Framework clauses, with product baselines where stated" : "Product baseline (the framework sets no number)"
        ],
        ["Review", "At least every 12 months, and whenever the standard or the systems in scope change"]
      ]
    },
    { kind: "heading", level: 2, text: "1. Purpose and scope" },
    {
      kind: "paragraph",
      text: `This policy sets how ${who} creates, stores, rotates and retires passwords and other shared secrets (database, service-account and API credentials) for systems in scope of ${rule.name}. It applies to every credential created for those systems, whether from a workstation or by automation, and to everyone who administers them.`
    },
    { kind: "paragraph", text: baselineNote },
    { kind: "heading", level: 2, text: "2. Credential rules" },
    {
      kind: "table",
      header: ["Rule", "Requirement", "Basis"],
      rows: [
        ["Minimum length", `${rule.minLength} characters (default ${rule.defaultLength})`, rule.basis.length],
        ["Character classes", classesText(rule), rule.basis.classes],
        [
          "Minimum entropy",
          `${rule.minEntropyBits} bits, computed exactly from the generation parameters`,
          rule.basis.entropy
        ],
        ["Rotation", rotationText(rule), rule.basis.rotation]
      ]
    },
    {
      kind: "paragraph",
      text: `Credentials may be made stronger than these rules (longer, more character classes) but never weaker. At the default length of ${rule.defaultLength} characters drawn from all 94 printable ASCII characters with every class present, a credential carries ${defaultBits} bits of entropy.`
    },
    { kind: "heading", level: 2, text: "3. Generation" },
    {
      kind: "list",
      items: [
        "Credentials are generated by a machine, never chosen by a person, from an approved cryptographically secure random source (the operating system or OpenSSL DRBG behind crypto.getRandomValues; a FIPS 140-3 validated module in approved mode where FIPS is in scope).",
        "Every character is drawn uniformly by rejection sampling (no modulo bias), and a whole credential that misses one of its character classes is discarded and drawn again, so every allowed credential is equally likely.",
        "Entropy is stated exactly: log2 of the number of credentials the generator can produce under the class rules, rounded down to two decimals, never estimated from the output.",
        "Every credential is checked, as a whole and ignoring case, against a list of common and breached passwords, and redrawn if it appears there.",
        "Characters a target system rejects may be excluded, and the special-character set may be narrowed, only while the rules in section 2 still hold."
      ]
    },
    { kind: "heading", level: 2, text: "4. Storage and handling" },
    {
      kind: "list",
      items: [
        "Credentials are written directly into an approved secrets manager (for example AWS Secrets Manager, HashiCorp Vault, Doppler or Kubernetes Secrets) and read from there at run time.",
        "Credentials never appear in source code, configuration files in version control, tickets, chat, e-mail, logs, job summaries or URLs.",
        "Access to each secret is limited to the people and workloads that need it, and the secrets manager keeps previous versions so that a change can be rolled back.",
        "Each secret carries the URL of its compliance certificate (see section 7), so its origin can be checked where it is stored."
      ]
    },
    { kind: "heading", level: 2, text: "5. Rotation" },
    {
      kind: "paragraph",
      text: `${rotationText(rule)} ${rule.basis.rotation}`
    },
    {
      kind: "paragraph",
      text: "Frameworks disagree on periodic change (NIST SP 800-63B-4 forbids requiring it; PCI DSS and the DISA STIGs require it in some cases). Where several frameworks apply to the same system, the owner records which one sets the rotation period."
    },
    { kind: "heading", level: 2, text: "6. Compromise and revocation" },
    {
      kind: "list",
      items: [
        "On suspected or confirmed exposure, the credential is replaced at once with a newly generated one, and the old one is disabled in the target system.",
        "The compliance certificate of the exposed credential is revoked with the reason recorded; the record is kept, so the history stays auditable.",
        "The incident is recorded and handled under the incident-response procedure."
      ]
    },
    { kind: "heading", level: 2, text: "7. Evidence" },
    {
      kind: "list",
      items: [
        `Each credential is issued with a signed compliance certificate (an ES256 JSON Web Token) recording the standard (${rule.id}), the generation parameters, the exact entropy, the random source and whether the runtime was in FIPS mode, when the credential was generated, and every standard the parameters satisfy. The certificate never contains the credential.`,
        "Certificates can be verified offline with any JOSE library against the issuer's published keys, or at their URL, which also shows revocation.",
        "An optional credential binding (a salted scrypt digest) lets an auditor who holds the stored credential confirm that it is the certified one.",
        "The register of certificates, and an inventory of secrets with their certificate status, is kept as audit evidence."
      ]
    },
    { kind: "heading", level: 2, text: "8. Review" },
    {
      kind: "paragraph",
      text: `The policy owner reviews this policy at least every 12 months, when ${rule.name} is revised, and after any incident involving a credential in scope. Exceptions are approved in writing by the owner, with a reason and an end date.`
    },
    { kind: "heading", level: 2, text: "Sources" },
    { kind: "list", items: [...rule.basis.sources] },
    {
      kind: "paragraph",
      text: `Generated by PassGeni from its standards table (${rule.id}, ${basisLabel(rule)}).`
    }
  ];
}
function escapeMarkdown(text) {
  return text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, " ");
}
function renderMarkdown(blocks) {
  const out = [];
  for (const block of blocks) {
    switch (block.kind) {
      case "heading":
        out.push(`${"#".repeat(block.level)} ${escapeMarkdown(block.text)}`);
        break;
      case "paragraph":
        out.push(escapeMarkdown(block.text));
        break;
      case "list":
        out.push(block.items.map((item) => `- ${escapeMarkdown(item)}`).join("\n"));
        break;
      case "table": {
        const row = (cells) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
        out.push([row(block.header), row(block.header.map(() => "---")), ...block.rows.map(row)].join("\n"));
        break;
      }
    }
  }
  return `${out.join("\n\n")}
`;
}
var STYLE = [
  "body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}",
  "table{border-collapse:collapse;width:100%;margin:1rem 0}",
  "th,td{border:1px solid #c9d1d9;padding:.4rem .6rem;text-align:left;vertical-align:top}",
  "th{background:#f3f4f6}",
  "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}",
  "@media print{body{margin:0}}"
].join("");
function renderHtml(blocks, title) {
  const body = blocks.map((block) => {
    switch (block.kind) {
      case "heading":
        return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
      case "paragraph":
        return `<p>${escapeHtml(block.text)}</p>`;
      case "list":
        return `<ul>
${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("\n")}
</ul>`;
      case "table":
        return [
          "<table>",
          `<thead><tr>${block.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
          "<tbody>",
          ...block.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`),
          "</tbody>",
          "</table>"
        ].join("\n");
    }
  });
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    ...body,
    "</main>",
    "</body>",
    "</html>",
    ""
  ].join("\n");
}
function renderPolicy(rule, format, options = {}) {
  const named = options.organisation?.trim();
  const title = named ? `${named} password policy: ${rule.name}` : `Password policy: ${rule.name}`;
  const date = (options.generatedAt ?? /* @__PURE__ */ new Date()).toISOString().slice(0, 10);
  const blocks = buildDocument(rule, title, named || void 0, date);
  return format === "md" ? renderMarkdown(blocks) : renderHtml(blocks, title);
}

// src/policy/fits.ts
var CLASS_WORDS2 = {
  upper: "upper-case letters",
  lower: "lower-case letters",
  digit: "digits",
  special: "special characters"
};
function classOf(ch) {
  return CHAR_CLASSES.find((c) => DEFAULT_CLASS_SETS[c].includes(ch));
}
function credentialMisfit(credential, params) {
  const chars = [...credential];
  if (chars.length !== params.length) {
    return `it is ${chars.length} characters long; the certificate says ${params.length}`;
  }
  const seen = new Map(CHAR_CLASSES.map((c) => [c, /* @__PURE__ */ new Set()]));
  for (const ch of chars) {
    const cls = classOf(ch);
    if (cls === void 0) return "it holds a character outside the 94 printable ASCII characters";
    seen.get(cls)?.add(ch);
  }
  for (const cls of CHAR_CLASSES) {
    const distinct = seen.get(cls)?.size ?? 0;
    const size = params.class_sizes[cls];
    if (distinct > size) {
      return size === 0 ? `it holds ${CLASS_WORDS2[cls]}; the certificate says none were drawn` : `it holds ${distinct} different ${CLASS_WORDS2[cls]}; the certificate says they were drawn from ${size}`;
    }
    if (size > 0 && distinct === 0)
      return `it holds no ${CLASS_WORDS2[cls]}; the certificate says every string has some`;
  }
  let run = 1;
  let classRun = 1;
  for (let i = 1; i < chars.length; i++) {
    run = chars[i] === chars[i - 1] ? run + 1 : 1;
    classRun = classOf(chars[i]) === classOf(chars[i - 1]) ? classRun + 1 : 1;
    if (params.max_repeat !== void 0 && run > params.max_repeat) {
      return `it repeats a character ${run} times in a row; the certificate allows ${params.max_repeat}`;
    }
    if (params.max_class_repeat !== void 0 && classRun > params.max_class_repeat) {
      return `it has ${classRun} characters of one class in a row; the certificate allows ${params.max_class_repeat}`;
    }
  }
  return void 0;
}

// src/lib/time.ts
var DAY_MS = 864e5;

export {
  entropySource,
  MAX_LENGTH,
  CHAR_CLASSES,
  STANDARDS,
  getStandard,
  resolveStandard,
  hasRunLimits,
  breaksRunLimits,
  countStrings,
  runLimitsOf,
  paramsEntropyBits,
  sourceMeets,
  FIPS_HOWTO,
  evaluateStandard,
  standardsMet,
  parseGenerationParams,
  credentialMisfit,
  PolicyViolationError,
  resolvePolicy,
  escapeHtml,
  renderPolicy,
  VERSION,
  signCertificate,
  decodeCertificate,
  createVerifier,
  DAY_MS
};
