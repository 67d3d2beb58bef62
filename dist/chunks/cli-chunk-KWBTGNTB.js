#!/usr/bin/env node
import {
  InputError,
  PassgeniError
} from "./cli-chunk-QWWLQ3TS.js";
import {
  __reExport
} from "./cli-chunk-DCNTUQYV.js";

// src/version.ts
var VERSION = true ? "0.1.0" : "0.0.0-dev";

// src/certificate/types.ts
var CERT_VERSION = 1;

// src/certificate/keys.ts
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
var SIGNING_KEY_ENV = "PASSGENI_SIGNING_KEY";
var MAX_KEY_FILE_BYTES = 64 * 1024;
function jwkThumbprint(jwk) {
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}
function publicJwkOf(publicKey) {
  const jwk = publicKey.export({ format: "jwk" });
  const x = jwk.x ?? "";
  const y = jwk.y ?? "";
  const kid = jwkThumbprint({ kty: "EC", crv: "P-256", x, y });
  return { kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" };
}
function signingKeyOf(privateKey) {
  const publicKey = createPublicKey(privateKey);
  const publicJwk = publicJwkOf(publicKey);
  return { kid: publicJwk.kid, privateKey, publicKey, publicJwk };
}
function generateSigningKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return signingKeyOf(privateKey);
}
function exportSigningKey(key, format) {
  if (format === "pem") return key.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  if (format === "jwk") {
    const jwk = key.privateKey.export({ format: "jwk" });
    return JSON.stringify({ ...jwk, kid: key.kid, alg: "ES256", use: "sig" });
  }
  throw new InputError(
    "INVALID_KEY_FORMAT",
    `Unknown key format ${JSON.stringify(format)}: use "jwk" or "pem".`
  );
}
function invalidKey(source, problem) {
  return new InputError(
    "INVALID_SIGNING_KEY",
    `${source} ${problem}. passgeni signs with an ES256 (EC P-256) private key: a JWK or a PKCS#8/SEC1 PEM, as written by \`passgeni keygen\`.`
  );
}
function unwrap(material) {
  const text = material.trim();
  if (text.startsWith("-----BEGIN")) return text.replace(/\\n/g, "\n");
  if (text.startsWith("{")) return text;
  if (/^[A-Za-z0-9+/=_-]+$/.test(text)) {
    const decoded = Buffer.from(text, "base64").toString("utf8").trim();
    if (decoded.startsWith("-----BEGIN") || decoded.startsWith("{")) return decoded;
  }
  return text;
}
function fromJwk(text, source) {
  let jwk;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw invalidKey(source, "looks like JSON but does not parse");
  }
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    throw invalidKey(source, "is not a JWK object");
  const k = jwk;
  if ("keys" in k) throw invalidKey(source, "is a JWKS (public keys); it needs the private key itself");
  if (k.kty !== "EC") throw invalidKey(source, `is a ${describe(k.kty)} key, not EC`);
  if (k.crv !== "P-256") throw invalidKey(source, `uses curve ${describe(k.crv)}, not P-256`);
  if (k.alg !== void 0 && k.alg !== "ES256")
    throw invalidKey(source, `is marked for ${describe(k.alg)}, not ES256`);
  if (typeof k.d !== "string") throw invalidKey(source, 'is a public key only (no "d")');
  let key;
  try {
    key = createPrivateKey({ key: k, format: "jwk" });
  } catch {
    throw invalidKey(source, "is not a valid EC P-256 private JWK");
  }
  if (k.kid !== void 0) {
    const expected = jwkThumbprint({ kty: "EC", crv: "P-256", x: String(k.x), y: String(k.y) });
    if (k.kid !== expected) {
      throw invalidKey(
        source,
        `has kid ${describe(k.kid)}, but the kid must be the key's RFC 7638 thumbprint ${expected}`
      );
    }
  }
  return key;
}
function fromPem(text, source) {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1] ?? "");
  const label = labels.find((l) => l.endsWith("PRIVATE KEY")) ?? labels[0] ?? "";
  if (label === "PUBLIC KEY" || label === "RSA PUBLIC KEY" || label === "CERTIFICATE") {
    throw invalidKey(source, `is a ${label} PEM (public only)`);
  }
  if (label === "ENCRYPTED PRIVATE KEY" || /Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw invalidKey(source, "is encrypted; decrypt it first (openssl pkcs8 -in key.pem -out plain.pem)");
  }
  if (label === "RSA PRIVATE KEY") throw invalidKey(source, "is an RSA key, not EC");
  if (label !== "PRIVATE KEY" && label !== "EC PRIVATE KEY") {
    throw invalidKey(
      source,
      `is a ${label ? `"${label}"` : "unlabelled"} PEM, not a PKCS#8 or SEC1 private key`
    );
  }
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, begin);
  if (end < 0) throw invalidKey(source, `is a truncated ${label} PEM`);
  try {
    return createPrivateKey({ key: text.slice(begin, end + endMarker.length), format: "pem" });
  } catch {
    throw invalidKey(source, `could not be read as a ${label} PEM`);
  }
}
function describe(value) {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
function loadFrom(material, source) {
  if (typeof material !== "string" || material.trim() === "") throw invalidKey(source, "is empty");
  const text = unwrap(material);
  let key;
  if (text.startsWith("{")) key = fromJwk(text, source);
  else if (text.startsWith("-----BEGIN")) key = fromPem(text, source);
  else throw invalidKey(source, "is neither a JWK (JSON) nor a PEM");
  if (key.asymmetricKeyType !== "ec")
    throw invalidKey(source, `is an ${key.asymmetricKeyType ?? "unknown"} key, not EC`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== "prime256v1") throw invalidKey(source, `uses curve ${curve ?? "unknown"}, not P-256`);
  return signingKeyOf(key);
}
function loadSigningKeyFromEnv(env = process.env) {
  const material = env[SIGNING_KEY_ENV];
  if (material === void 0 || material.trim() === "") return void 0;
  return loadFrom(material, SIGNING_KEY_ENV);
}
function loadSigningKeyFile(path, options = {}) {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = error.code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "unknown error"})`;
    throw new InputError(
      "SIGNING_KEY_UNREADABLE",
      `Signing key file ${path} ${why}. Create one with \`passgeni keygen --out ${path}\`.`
    );
  }
  if (!stat.isFile())
    throw new InputError("SIGNING_KEY_UNREADABLE", `Signing key file ${path} is not a regular file.`);
  if (stat.size > MAX_KEY_FILE_BYTES) {
    throw new InputError(
      "SIGNING_KEY_UNREADABLE",
      `Signing key file ${path} is larger than 64 KiB; it is not a key.`
    );
  }
  const mode = stat.mode & 511;
  if (process.platform !== "win32" && (mode & 63) !== 0 && options.allowInsecurePermissions !== true) {
    throw new InputError(
      "SIGNING_KEY_PERMISSIONS",
      `Signing key file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}). Run: chmod 600 ${path}`,
      { details: { path, mode: mode.toString(8) } }
    );
  }
  let material;
  try {
    material = readFileSync(path, "utf8");
  } catch (error) {
    const code = error.code ?? "unknown error";
    throw new InputError("SIGNING_KEY_UNREADABLE", `Signing key file ${path} cannot be read (${code}).`);
  }
  return loadFrom(material, `Signing key file ${path}`);
}

// src/certificate/jwks.ts
import { createPublicKey as createPublicKey2 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// src/zod.ts
var zod_exports = {};
__reExport(zod_exports, mini_star);
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";
import * as mini_star from "zod/mini";
config(en());

// src/certificate/shared-core.ts
import * as crypto from "node:crypto";

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

// src/certificate/core.ts
function createCertificateCore(crypto2, constants) {
  const standardIds = new Set(constants.standardIds);
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
  const B64URL_RE = /^[A-Za-z0-9_-]*$/;
  const NOT_PRINTABLE_RE = /[\p{C}\p{Zl}\p{Zp}]/u;
  const VISIBLE_ASCII_RE = /^[\x20-\x7e]*$/;
  const MAX_TOKEN_LENGTH = 16384;
  const HEADER_CACHE_LIMIT = 256;
  const DAY_SEC = 86400;
  const MAX_SIZE2 = 4096;
  const REQUIRED_CLAIMS = [
    "jti",
    "iss",
    "sub",
    "iat",
    "exp",
    "cert_version",
    "compliance_standard",
    "standards_met",
    "generation_params",
    "entropy_bits",
    "entropy_source",
    "generation_session_id",
    "generated_at"
  ];
  const KNOWN_CLAIMS = /* @__PURE__ */ new Set([
    ...REQUIRED_CLAIMS,
    "nbf",
    "rotate_by",
    "credential_binding",
    "label"
  ]);
  const PARAM_LIST = [
    "length",
    "has_upper",
    "has_lower",
    "has_numbers",
    "has_special",
    "char_pool_size",
    "excluded_characters",
    "class_sizes"
  ];
  const CLASS_LIST = ["upper", "lower", "digit", "special"];
  const SOURCE_LIST = ["api", "runtime", "openssl", "fips_mode"];
  const BINDING_LIST = ["alg", "N", "r", "p", "salt", "digest"];
  const PARAM_KEYS = new Set(PARAM_LIST);
  const CLASS_KEYS = new Set(CLASS_LIST);
  const SOURCE_KEYS = new Set(SOURCE_LIST);
  const BINDING_KEYS = new Set(BINDING_LIST);
  const CLAIM_LIST = [...REQUIRED_CLAIMS, "nbf", "rotate_by", "credential_binding", "label"];
  const REQUIRED_MASK = (1 << REQUIRED_CLAIMS.length) - 1;
  const STANDARD_LIST = [...constants.standardIds];
  const limits2 = {
    scryptMinN: 2 ** 14,
    scryptMaxN: 2 ** 20,
    scryptMaxR: 32,
    scryptMaxP: 16,
    /** 128·N·r bytes of memory: 256 MiB, 8× the default binding. */
    scryptMaxMemory: 256 * 1024 * 1024,
    /** N·r·p, proportional to CPU time: 16× the default binding. */
    scryptMaxWork: 2 ** 22
  };
  const is = {
    record(v) {
      return typeof v === "object" && v !== null && !Array.isArray(v);
    },
    int(v, min, max) {
      return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    },
    uuid(v) {
      return typeof v === "string" && UUID_RE.test(v);
    },
    /** ISO 8601 UTC with exactly millisecond precision (24 characters), naming a real instant. */
    isoMs(v) {
      return typeof v === "string" && v.length === 24 && v.charCodeAt(19) === 46 && is.isoInstant(v);
    },
    /**
     * ISO 8601 UTC date-time `YYYY-MM-DDTHH:mm:ss[.s{1,3}]Z` naming a real instant (no Feb 30, no
     * 24:00, no leap second). Checked by hand: Date.parse would roll 2024-02-30 over into March.
     */
    isoInstant(v) {
      if (typeof v !== "string" || !ISO_RE.test(v)) return false;
      return is.calendar(
        is.digits(v, 0, 4),
        is.digits(v, 5, 2),
        is.digits(v, 8, 2),
        is.digits(v, 11, 2),
        is.digits(v, 14, 2),
        is.digits(v, 17, 2)
      );
    },
    /** Whether the fields name a real UTC instant (no Feb 30, no 24:00, no leap second). */
    calendar(year, month, day, hour, minute, second) {
      if (month < 1 || month > 12 || day < 1) return false;
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const days = month === 2 ? leap ? 29 : 28 : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
      return day <= days && hour <= 23 && minute <= 59 && second <= 59;
    },
    /** The decimal number in v[start, start+length), which the caller has checked is all digits. */
    digits(v, start, length) {
      let n = 0;
      for (let i = start; i < start + length; i++) n = n * 10 + v.charCodeAt(i) - 48;
      return n;
    },
    /** 1..max code points, none of them control, format, unassigned or line/paragraph separators. */
    printable(v, max) {
      if (typeof v !== "string" || v.length === 0 || v.length > 2 * max) return false;
      if (v.length <= max && VISIBLE_ASCII_RE.test(v)) return true;
      if (NOT_PRINTABLE_RE.test(v)) return false;
      if (v.length <= max) return true;
      let codePoints = 0;
      for (const _char of v) codePoints++;
      return codePoints <= max;
    },
    /** Canonical unpadded base64url of exactly `bytes` bytes. */
    base64urlBytes(v, bytes) {
      return typeof v === "string" && v.length === Math.ceil(bytes * 4 / 3) && B64URL_RE.test(v) && Buffer.from(v, "base64url").toString("base64url") === v;
    },
    standard(v) {
      return typeof v === "string" && standardIds.has(v);
    }
  };
  const text = {
    /** Untrusted values quoted for a message: JSON-escaped and bounded. */
    quote(v) {
      const s = JSON.stringify(v) ?? String(v);
      return s.length > 48 ? `${s.slice(0, 45)}...` : s;
    },
    date(sec) {
      const d = new Date(sec * 1e3);
      return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString();
    },
    failure(code, message) {
      return { code, message };
    },
    malformed(message) {
      return { reasons: [{ code: "MALFORMED", message }], claims: void 0, header: void 0 };
    }
  };
  const validate = {
    missing(issues, name) {
      issues.push({ path: name, message: "is required", missing: true });
    },
    /** Records a problem; every message is built only here, on the failure path. */
    fail(issues, path, message) {
      issues.push({ path, message, missing: false });
    },
    unknownKeys(obj, allowed, prefix, issues) {
      for (const key in obj) {
        if (!allowed.has(key)) validate.fail(issues, `${prefix}${text.quote(key)}`, "is not a known field");
      }
    },
    /**
     * Reports unknown members, after every known one was checked: if none of those checks failed
     * (so all are present) and the member count matches, there is nothing unknown to look for.
     */
    exactKeys(obj, allowed, issuesBefore, prefix, issues) {
      if (issues.length !== issuesBefore || Object.keys(obj).length !== allowed.size) {
        validate.unknownKeys(obj, allowed, prefix, issues);
      }
    },
    size(v, min, path, issues) {
      if (!is.int(v, min, MAX_SIZE2))
        validate.fail(issues, path, `must be an integer from ${min} to ${MAX_SIZE2}`);
    },
    bool(v, path, issues) {
      if (typeof v !== "boolean") validate.fail(issues, path, "must be a boolean");
    },
    binding(b, path, issues) {
      if (!is.record(b)) {
        validate.fail(issues, path, "must be an object");
        return;
      }
      validate.unknownKeys(b, BINDING_KEYS, `${path}.`, issues);
      if (b.alg !== "scrypt") validate.fail(issues, `${path}.alg`, 'must be "scrypt"');
      const nOk = is.int(b.N, limits2.scryptMinN, limits2.scryptMaxN) && (b.N & b.N - 1) === 0;
      if (!nOk) validate.fail(issues, `${path}.N`, "must be a power of two from 2^14 to 2^20");
      const rOk = is.int(b.r, 1, limits2.scryptMaxR);
      if (!rOk) validate.fail(issues, `${path}.r`, `must be an integer from 1 to ${limits2.scryptMaxR}`);
      const pOk = is.int(b.p, 1, limits2.scryptMaxP);
      if (!pOk) validate.fail(issues, `${path}.p`, `must be an integer from 1 to ${limits2.scryptMaxP}`);
      if (nOk && rOk && pOk) {
        const n = b.N;
        const r = b.r;
        if (128 * n * r > limits2.scryptMaxMemory) {
          validate.fail(issues, path, "needs more than 256 MiB of memory (128\xB7N\xB7r); refusing to run it");
        }
        if (n * r * b.p > limits2.scryptMaxWork) {
          validate.fail(
            issues,
            path,
            "costs more than 16\xD7 the default binding (N\xB7r\xB7p > 2^22); refusing to run it"
          );
        }
      }
      if (!is.base64urlBytes(b.salt, 16))
        validate.fail(issues, `${path}.salt`, "must be 16 bytes of base64url");
      if (!is.base64urlBytes(b.digest, 32))
        validate.fail(issues, `${path}.digest`, "must be 32 bytes of base64url");
    },
    params(g, issues) {
      if (!is.record(g)) {
        validate.fail(issues, "generation_params", "must be an object");
        return;
      }
      const before = issues.length;
      validate.size(g.length, 1, "generation_params.length", issues);
      validate.bool(g.has_upper, "generation_params.has_upper", issues);
      validate.bool(g.has_lower, "generation_params.has_lower", issues);
      validate.bool(g.has_numbers, "generation_params.has_numbers", issues);
      validate.bool(g.has_special, "generation_params.has_special", issues);
      validate.size(g.char_pool_size, 1, "generation_params.char_pool_size", issues);
      validate.size(g.excluded_characters, 0, "generation_params.excluded_characters", issues);
      const sizes = g.class_sizes;
      if (!is.record(sizes)) {
        validate.fail(issues, "generation_params.class_sizes", "must be an object");
      } else {
        const inner = issues.length;
        validate.size(sizes.upper, 0, "generation_params.class_sizes.upper", issues);
        validate.size(sizes.lower, 0, "generation_params.class_sizes.lower", issues);
        validate.size(sizes.digit, 0, "generation_params.class_sizes.digit", issues);
        validate.size(sizes.special, 0, "generation_params.class_sizes.special", issues);
        validate.exactKeys(sizes, CLASS_KEYS, inner, "generation_params.class_sizes.", issues);
      }
      validate.exactKeys(g, PARAM_KEYS, before, "generation_params.", issues);
    },
    source(s, issues) {
      if (!is.record(s)) {
        validate.fail(issues, "entropy_source", "must be an object");
        return;
      }
      const before = issues.length;
      if (!is.printable(s.api, 128))
        validate.fail(issues, "entropy_source.api", "must be 1-128 printable characters");
      if (!is.printable(s.runtime, 128)) {
        validate.fail(issues, "entropy_source.runtime", "must be 1-128 printable characters");
      }
      if (!is.printable(s.openssl, 128)) {
        validate.fail(issues, "entropy_source.openssl", "must be 1-128 printable characters");
      }
      validate.bool(s.fips_mode, "entropy_source.fips_mode", issues);
      validate.exactKeys(s, SOURCE_KEYS, before, "entropy_source.", issues);
    },
    standardsMet(list, asked, issues) {
      if (!Array.isArray(list)) {
        validate.fail(issues, "standards_met", "must be an array of standard ids");
        return;
      }
      if (list.length > standardIds.size) {
        validate.fail(issues, "standards_met", `lists more than the ${standardIds.size} known standards`);
        return;
      }
      let includesAsked = false;
      for (let i = 0; i < list.length; i++) {
        const id = list[i];
        if (!is.standard(id)) validate.fail(issues, `standards_met[${i}]`, "is not a known standard id");
        else if (list.indexOf(id) !== i) validate.fail(issues, `standards_met[${i}]`, "is listed twice");
        if (id === asked) includesAsked = true;
      }
      if (is.standard(asked) && !includesAsked)
        validate.fail(issues, "standards_met", "must include compliance_standard");
    },
    numericDate(v) {
      return is.int(v, 0, Number.MAX_SAFE_INTEGER);
    },
    /** Every issue with a set of claims; empty when they satisfy the certificate schema. */
    claims(c) {
      const issues = [];
      if (!is.record(c)) {
        validate.fail(issues, "(claims)", "must be a JSON object");
        return issues;
      }
      if (c.jti === void 0) validate.missing(issues, "jti");
      else if (!is.uuid(c.jti)) validate.fail(issues, "jti", "must be a lower-case RFC 9562 UUID");
      if (c.iss === void 0) validate.missing(issues, "iss");
      else if (!is.printable(c.iss, 256)) validate.fail(issues, "iss", "must be 1-256 printable characters");
      if (c.sub === void 0) validate.missing(issues, "sub");
      else if (!is.printable(c.sub, 128)) validate.fail(issues, "sub", "must be 1-128 printable characters");
      const iatOk = validate.numericDate(c.iat);
      const expOk = validate.numericDate(c.exp);
      if (c.iat === void 0) validate.missing(issues, "iat");
      else if (!iatOk) validate.fail(issues, "iat", "must be a NumericDate (whole seconds since 1970)");
      if (c.exp === void 0) validate.missing(issues, "exp");
      else if (!expOk) validate.fail(issues, "exp", "must be a NumericDate (whole seconds since 1970)");
      if (iatOk && expOk && c.exp <= c.iat) {
        validate.fail(issues, "exp", "must be later than iat");
      }
      if (c.nbf !== void 0) {
        if (!validate.numericDate(c.nbf)) {
          validate.fail(issues, "nbf", "must be a NumericDate (whole seconds since 1970)");
        } else if (expOk && c.nbf >= c.exp) {
          validate.fail(issues, "nbf", "must be earlier than exp");
        }
      }
      if (c.cert_version === void 0) validate.missing(issues, "cert_version");
      else if (!is.int(c.cert_version, 1, constants.certVersion)) {
        validate.fail(
          issues,
          "cert_version",
          `must be an integer from 1 to ${constants.certVersion} (a newer version needs a newer passgeni)`
        );
      }
      if (c.compliance_standard === void 0) validate.missing(issues, "compliance_standard");
      else if (!is.standard(c.compliance_standard)) {
        validate.fail(issues, "compliance_standard", "is not a known standard id");
      }
      if (c.standards_met === void 0) validate.missing(issues, "standards_met");
      else validate.standardsMet(c.standards_met, c.compliance_standard, issues);
      if (c.generation_params === void 0) validate.missing(issues, "generation_params");
      else validate.params(c.generation_params, issues);
      const bits = c.entropy_bits;
      if (bits === void 0) validate.missing(issues, "entropy_bits");
      else if (!(typeof bits === "number" && Number.isFinite(bits) && bits >= 0 && bits <= 65536)) {
        validate.fail(issues, "entropy_bits", "must be a number of bits from 0 to 65536");
      }
      if (c.entropy_source === void 0) validate.missing(issues, "entropy_source");
      else validate.source(c.entropy_source, issues);
      if (c.generation_session_id === void 0) validate.missing(issues, "generation_session_id");
      else if (!is.printable(c.generation_session_id, 128)) {
        validate.fail(issues, "generation_session_id", "must be 1-128 printable characters");
      }
      if (c.generated_at === void 0) validate.missing(issues, "generated_at");
      else if (!is.isoMs(c.generated_at)) {
        validate.fail(issues, "generated_at", "must be an ISO 8601 UTC time with milliseconds");
      }
      let optional3 = 0;
      if (c.rotate_by !== void 0) {
        optional3++;
        if (!is.isoInstant(c.rotate_by))
          validate.fail(issues, "rotate_by", "must be an ISO 8601 UTC date-time");
      }
      if (c.credential_binding !== void 0) {
        optional3++;
        validate.binding(c.credential_binding, "credential_binding", issues);
      }
      if (c.label !== void 0) {
        optional3++;
        if (!is.printable(c.label, 128)) validate.fail(issues, "label", "must be 1-128 printable characters");
      }
      if (c.nbf !== void 0) optional3++;
      if (issues.length > 0 || Object.keys(c).length !== REQUIRED_CLAIMS.length + optional3) {
        validate.unknownKeys(c, KNOWN_CLAIMS, "", issues);
      }
      return issues;
    }
  };
  const derScratch = Buffer.alloc(72);
  const sigScratch = Buffer.alloc(64);
  const inputScratch = Buffer.alloc(MAX_TOKEN_LENGTH);
  const payloadScratch = Buffer.alloc(MAX_TOKEN_LENGTH);
  const der = {
    /**
     * Whether the token is pure ASCII (one UTF-8 byte per character), as a compact JWS always is.
     * Anything else must be refused before decoding, because Node's base64 decoder reads only the
     * low byte of a character (U+0141 decodes like "A"), which would let altered text verify.
     */
    isAscii(jwt) {
      return Buffer.byteLength(jwt, "utf8") === jwt.length;
    },
    /** The bytes a JWS signature covers (the ASCII text before the last dot), in a reused buffer. */
    signingInput(jwt, end) {
      return inputScratch.subarray(0, inputScratch.write(jwt, 0, end, "latin1"));
    },
    /**
     * JWS carries ECDSA as r‖s (IEEE P1363); OpenSSL speaks DER. Converting here and passing the
     * bare KeyObject is 1.6× faster on Node 24 than `{ key, dsaEncoding: 'ieee-p1363' }` (that
     * options path re-processes the key on every call). Valid only until the next call.
     */
    fromBase64url(signature) {
      const last = signature.charCodeAt(85);
      if (signature.length !== 86 || last !== 65 && last !== 81 && last !== 103 && last !== 119 || signature.indexOf("+") !== -1 || signature.indexOf("/") !== -1 || sigScratch.write(signature, 0, 64, "base64url") !== 64) {
        return void 0;
      }
      const sig = sigScratch;
      let at2 = 2;
      for (let half = 0; half < 2; half++) {
        let start = half * 32;
        const end = start + 32;
        while (start < end - 1 && sig[start] === 0) start++;
        const pad = sig[start] >= 128 ? 1 : 0;
        derScratch[at2] = 2;
        derScratch[at2 + 1] = end - start + pad;
        at2 += 2;
        if (pad === 1) derScratch[at2++] = 0;
        sig.copy(derScratch, at2, start, end);
        at2 += end - start;
      }
      derScratch[0] = 48;
      derScratch[1] = at2 - 2;
      return derScratch.subarray(0, at2);
    }
  };
  const scanBytes = payloadScratch;
  const keyBytes = {
    of(names) {
      return names.map((name) => Buffer.from(name, "latin1"));
    }
  };
  const CLAIM_BYTES = keyBytes.of(CLAIM_LIST);
  const PARAM_BYTES = keyBytes.of(PARAM_LIST);
  const CLASS_BYTES = keyBytes.of(CLASS_LIST);
  const SOURCE_BYTES = keyBytes.of(SOURCE_LIST);
  const BINDING_BYTES = keyBytes.of(BINDING_LIST);
  const STANDARD_BYTES = keyBytes.of(STANDARD_LIST);
  const SCRYPT_BYTES = keyBytes.of(["scrypt"]);
  const found = { iat: 0, exp: 0, nbf: -1, issStart: 0, issEnd: 0, compliance: -1, standards: 0 };
  const binding = { N: 0, r: 0, p: 0 };
  let at = 0;
  let strStart = 0;
  let strEnd = 0;
  const KIND_CLAIMS = 0;
  const KIND_PARAMS = 1;
  const KIND_SIZES = 2;
  const KIND_SOURCE = 3;
  const KIND_BINDING = 4;
  const scan = {
    /** Whether the payload of `size` bytes (in payloadScratch) is certainly valid; fills `found`. */
    claims(size2) {
      scanBytes[size2] = 0;
      at = 0;
      found.nbf = -1;
      found.standards = 0;
      if (!scan.object(CLAIM_BYTES, KIND_CLAIMS) || at !== size2) return false;
      return found.exp > found.iat && (found.nbf < 0 || found.nbf < found.exp) && (found.standards & 1 << found.compliance) !== 0;
    },
    /** `{"key":value,...}`: known keys, none twice, every key present except optional claims. */
    object(keys, kind) {
      if (scanBytes[at] !== 123) return false;
      at++;
      let seen = 0;
      let k = -1;
      for (; ; ) {
        if (!scan.str()) return false;
        k = scan.keyIs(keys, k + 1) ? k + 1 : scan.key(keys);
        if (k < 0 || (seen & 1 << k) !== 0 || scanBytes[at] !== 58) return false;
        seen |= 1 << k;
        at++;
        if (!scan.value(kind, k)) return false;
        const c = scanBytes[at++];
        if (c === 125) {
          const all = kind === KIND_CLAIMS ? REQUIRED_MASK : (1 << keys.length) - 1;
          return (seen & all) === all;
        }
        if (c !== 44) return false;
      }
    },
    value(kind, k) {
      if (kind === KIND_CLAIMS) return scan.claim(k);
      if (kind === KIND_SIZES) return scan.size(0);
      if (kind === KIND_SOURCE) return k === 3 ? scan.bool() : scan.printable(128);
      if (kind === KIND_PARAMS) {
        if (k === 7) return scan.object(CLASS_BYTES, KIND_SIZES);
        return k >= 1 && k <= 4 ? scan.bool() : scan.size(k === 6 ? 0 : 1);
      }
      if (k === 0) return scan.str() && scan.key(SCRYPT_BYTES) === 0;
      if (k === 4 || k === 5) return scan.base64url(k === 4 ? 16 : 32);
      const v = scan.int();
      if (k === 1) binding.N = v;
      else if (k === 2) binding.r = v;
      else binding.p = v;
      return v >= 0;
    },
    claim(k) {
      switch (k) {
        case 0:
          return scan.uuid();
        case 1:
          if (!scan.printable(256)) return false;
          found.issStart = strStart;
          found.issEnd = strEnd;
          return true;
        case 3:
          found.iat = scan.int();
          return found.iat >= 0;
        case 4:
          found.exp = scan.int();
          return found.exp >= 0;
        case 5: {
          const v = scan.int();
          return v >= 1 && v <= constants.certVersion;
        }
        case 6:
          found.compliance = scan.standard();
          return found.compliance >= 0;
        case 7:
          return scan.standards();
        case 8:
          return scan.object(PARAM_BYTES, KIND_PARAMS);
        case 9:
          return scan.entropyBits();
        case 10:
          return scan.object(SOURCE_BYTES, KIND_SOURCE);
        case 12:
          return scan.iso(true);
        case 13:
          found.nbf = scan.int();
          return found.nbf >= 0;
        case 14:
          return scan.iso(false);
        case 15:
          return scan.binding();
        default:
          return scan.printable(128);
      }
    },
    /** A string without escapes, all printable ASCII, at [strStart, strEnd). */
    str() {
      const b = scanBytes;
      let i = at;
      if (b[i] !== 34) return false;
      const start = ++i;
      for (; ; ) {
        const c = b[i++];
        if (c === 34) break;
        if (c < 32 || c > 126 || c === 92) return false;
      }
      strStart = start;
      strEnd = i - 1;
      at = i;
      return true;
    },
    /** The index in `keys` of the string just read, or -1. */
    key(keys) {
      for (let k = 0; k < keys.length; k++) if (scan.keyIs(keys, k)) return k;
      return -1;
    },
    /** Whether the string just read is keys[k] (false when k is past the end). */
    keyIs(keys, k) {
      const name = keys[k];
      const start = strStart;
      const size2 = strEnd - start;
      if (name === void 0 || name.length !== size2) return false;
      const b = scanBytes;
      for (let i = 0; i < size2; i++) if (name[i] !== b[start + i]) return false;
      return true;
    },
    printable(max) {
      return scan.str() && strEnd > strStart && strEnd - strStart <= max;
    },
    /** A JSON integer of at most 15 digits, with no sign, fraction or exponent; else -1. */
    int() {
      const b = scanBytes;
      const start = at;
      let i = start;
      let v = 0;
      for (; ; ) {
        const c = b[i];
        if (c < 48 || c > 57) break;
        v = v * 10 + c - 48;
        i++;
      }
      at = i;
      const digits = i - start;
      return digits === 0 || digits > 15 || digits > 1 && b[start] === 48 ? -1 : v;
    },
    size(min) {
      const v = scan.int();
      return v >= min && v <= MAX_SIZE2;
    },
    bool() {
      const b = scanBytes;
      if (b[at] === 116 && b[at + 1] === 114 && b[at + 2] === 117 && b[at + 3] === 101) {
        at += 4;
        return true;
      }
      if (b[at] === 102 && b[at + 1] === 97 && b[at + 2] === 108 && b[at + 3] === 115 && b[at + 4] === 101) {
        at += 5;
        return true;
      }
      return false;
    },
    /** 0 to 65535.x: a plain integer part of up to 5 digits, then an optional fraction. */
    entropyBits() {
      const whole = scan.int();
      if (whole < 0 || whole > 65535) return false;
      if (scanBytes[at] !== 46) return true;
      const start = ++at;
      while (scanBytes[at] >= 48 && scanBytes[at] <= 57) at++;
      return at > start;
    },
    /** The index of a known standard id, or -1. */
    standard() {
      return scan.str() ? scan.key(STANDARD_BYTES) : -1;
    },
    /** A list of known standard ids, none twice. */
    standards() {
      if (scanBytes[at] !== 91) return false;
      at++;
      if (scanBytes[at] === 93) {
        at++;
        return true;
      }
      for (; ; ) {
        const id = scan.standard();
        if (id < 0 || (found.standards & 1 << id) !== 0) return false;
        found.standards |= 1 << id;
        const c = scanBytes[at++];
        if (c === 93) return true;
        if (c !== 44) return false;
      }
    },
    uuid() {
      if (!scan.str() || strEnd - strStart !== 36) return false;
      for (let i = 0; i < 36; i++) {
        const c = scanBytes[strStart + i];
        if (i === 8 || i === 13 || i === 18 || i === 23) {
          if (c !== 45) return false;
        } else if (!(c >= 48 && c <= 57 || c >= 97 && c <= 102)) return false;
      }
      const version = scanBytes[strStart + 14];
      const variant = scanBytes[strStart + 19];
      return version >= 49 && version <= 56 && (variant === 56 || variant === 57 || variant === 97 || variant === 98);
    },
    /** The decimal number in `count` digits at `start`, or -1. */
    digits(start, count2) {
      let v = 0;
      for (let i = start; i < start + count2; i++) {
        const c = scanBytes[i];
        if (c < 48 || c > 57) return -1;
        v = v * 10 + c - 48;
      }
      return v;
    },
    /** is.isoInstant (or is.isoMs when `ms`) on the string read. */
    iso(ms) {
      if (!scan.str()) return false;
      const s = strStart;
      const size2 = strEnd - s;
      if (ms ? size2 !== 24 : size2 !== 20 && (size2 < 22 || size2 > 24)) return false;
      const b = scanBytes;
      if (b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 10] !== 84 || b[s + 13] !== 58) return false;
      if (b[s + 16] !== 58 || b[s + size2 - 1] !== 90) return false;
      if (size2 > 20 && (b[s + 19] !== 46 || scan.digits(s + 20, size2 - 21) < 0)) return false;
      const year = scan.digits(s, 4);
      const month = scan.digits(s + 5, 2);
      const day = scan.digits(s + 8, 2);
      const hour = scan.digits(s + 11, 2);
      const minute = scan.digits(s + 14, 2);
      const second = scan.digits(s + 17, 2);
      if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
      return is.calendar(year, month, day, hour, minute, second);
    },
    /** is.base64urlBytes on the string read: right length, alphabet, and unused bits zero. */
    base64url(bytes) {
      const chars = Math.ceil(bytes * 8 / 6);
      if (!scan.str() || strEnd - strStart !== chars) return false;
      let last = 0;
      for (let i = strStart; i < strEnd; i++) {
        const c = scanBytes[i];
        if (c >= 65 && c <= 90) last = c - 65;
        else if (c >= 97 && c <= 122) last = c - 97 + 26;
        else if (c >= 48 && c <= 57) last = c - 48 + 52;
        else if (c === 45) last = 62;
        else if (c === 95) last = 63;
        else return false;
      }
      return last % (1 << chars * 6 - bytes * 8) === 0;
    },
    binding() {
      if (!scan.object(BINDING_BYTES, KIND_BINDING)) return false;
      const { N, r, p } = binding;
      return N >= limits2.scryptMinN && N <= limits2.scryptMaxN && (N & N - 1) === 0 && r >= 1 && r <= limits2.scryptMaxR && p >= 1 && p <= limits2.scryptMaxP && 128 * N * r <= limits2.scryptMaxMemory && N * r * p <= limits2.scryptMaxWork;
    },
    /** Whether the string at [found.issStart, found.issEnd) is `name`. */
    issuerIs(name) {
      const size2 = found.issEnd - found.issStart;
      if (name.length !== size2) return false;
      for (let i = 0; i < size2; i++) if (name.charCodeAt(i) !== scanBytes[found.issStart + i]) return false;
      return true;
    }
  };
  const headerCache = /* @__PURE__ */ new Map();
  const lastHeader = { segment: "", info: void 0 };
  const jose = {
    /** The header of a token whose first dot is at d1, usually the same as the previous token's. */
    headerOf(jwt, d1) {
      const last = lastHeader.info;
      if (last !== void 0 && d1 === lastHeader.segment.length && jwt.startsWith(lastHeader.segment))
        return last;
      const segment = jwt.slice(0, d1);
      const info = jose.header(segment);
      lastHeader.segment = segment;
      lastHeader.info = info;
      return info;
    },
    /** Parses and judges a protected header; the few distinct headers in a batch are cached. */
    header(segment) {
      const cached = headerCache.get(segment);
      if (cached !== void 0) return cached;
      let raw;
      try {
        raw = B64URL_RE.test(segment) ? JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) : void 0;
      } catch {
        raw = void 0;
      }
      const failures = [];
      let info;
      if (!is.record(raw)) {
        info = { parsed: false, algOk: false, kid: void 0, view: void 0, failures };
      } else {
        const algOk = raw.alg === "ES256";
        if (!algOk) {
          failures.push(
            text.failure(
              "ALG_NOT_ALLOWED",
              `alg ${text.quote(raw.alg)} is not allowed: certificates are signed with ES256 only`
            )
          );
        }
        const typ = raw.typ;
        if (typ !== void 0 && (typeof typ !== "string" || typ.toUpperCase() !== "JWT")) {
          failures.push(text.failure("MALFORMED", `typ ${text.quote(typ)} is not JWT`));
        }
        if (raw.crit !== void 0) {
          failures.push(
            text.failure("MALFORMED", "the header marks extensions as critical (crit); none are supported")
          );
        }
        const kid = typeof raw.kid === "string" ? raw.kid : void 0;
        const view = algOk && kid !== void 0 ? Object.freeze(typeof typ === "string" ? { alg: "ES256", typ, kid } : { alg: "ES256", kid }) : void 0;
        info = { parsed: true, algOk, kid, view, failures: Object.freeze(failures) };
      }
      if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
      headerCache.set(segment, info);
      return info;
    }
  };
  return {
    is,
    limits: limits2,
    /** Every issue with a set of claims; empty when valid. */
    claimIssues(c) {
      return validate.claims(c);
    },
    /** Every issue with a credential binding's parameters; empty when usable. */
    bindingIssues(b) {
      const issues = [];
      validate.binding(b, "credential_binding", issues);
      return issues;
    },
    header(segment) {
      return jose.header(segment);
    },
    /** For tests: whether the bulk fast path (see scan) finds this payload text certainly valid. */
    fastPathAccepts(payload) {
      const size2 = Buffer.byteLength(payload, "utf8");
      return size2 < MAX_TOKEN_LENGTH && scan.claims(payloadScratch.write(payload, 0, "utf8"));
    },
    /** The header of a token whose first dot is at d1 (fast when it repeats the previous one). */
    headerOf(jwt, d1) {
      return jose.headerOf(jwt, d1);
    },
    createChecker(options) {
      const keys = /* @__PURE__ */ new Map();
      for (const jwk of options.keys) {
        try {
          const key = crypto2.createPublicKey({
            key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
            format: "jwk"
          });
          keys.set(jwk.kid, key);
        } catch {
        }
      }
      const issuers = options.issuers;
      const tolerance = options.clockToleranceSec;
      const steps = {
        /**
         * Every check but the signature itself, which is queued: bulk callers verify all queued
         * signatures of a batch in one tight loop (see checkMany).
         */
        /** The fast path's checks (see scan) on the claims it found; false sends the token to the full path. */
        holds(nowSec, checks) {
          if (issuers !== null && !issuers.some(scan.issuerIs)) return false;
          if (found.exp <= nowSec - tolerance || found.nbf > nowSec + tolerance) return false;
          if (checks === void 0) return true;
          const wanted = checks.requireStandard;
          if (wanted !== void 0) {
            const id = STANDARD_LIST.indexOf(wanted);
            if (id < 0 || (found.standards & 1 << id) === 0) return false;
          }
          const minDays = checks.minDaysRemaining;
          return minDays === void 0 || found.exp - nowSec >= minDays * DAY_SEC;
        },
        prepare(jwt, nowMs, checks, queue, withClaims) {
          if (typeof jwt !== "string")
            return text.malformed("a certificate must be a string (a compact JWT)");
          if (jwt.length > MAX_TOKEN_LENGTH) {
            return text.malformed(`longer than ${MAX_TOKEN_LENGTH} characters; not a PassGeni certificate`);
          }
          const d1 = jwt.indexOf(".");
          const d2 = d1 < 0 ? -1 : jwt.indexOf(".", d1 + 1);
          if (d1 <= 0 || d2 <= d1 + 1 || jwt.indexOf(".", d2 + 1) !== -1) {
            return text.malformed("not a compact JWT: expected three base64url parts separated by dots");
          }
          if (!der.isAscii(jwt)) return text.malformed("contains characters outside the base64url alphabet");
          const header = jose.headerOf(jwt, d1);
          if (!header.parsed) return text.malformed("the header is not a base64url-encoded JSON object");
          const key = header.kid === void 0 ? void 0 : keys.get(header.kid);
          const size2 = payloadScratch.write(jwt.slice(d1 + 1, d2), 0, "base64url");
          if (!withClaims && key !== void 0 && header.algOk && header.failures.length === 0 && scan.claims(size2) && steps.holds(nowMs / 1e3, checks) && der.fromBase64url(jwt.slice(d2 + 1)) !== void 0) {
            const outcome2 = { reasons: [], claims: void 0, header: header.view };
            queue.push({ outcome: outcome2, jwt, d2, key, at: 0 });
            return outcome2;
          }
          let claims;
          try {
            const payload = JSON.parse(payloadScratch.toString("utf8", 0, size2));
            if (is.record(payload)) claims = payload;
          } catch {
            claims = void 0;
          }
          if (claims === void 0)
            return text.malformed("the payload is not a base64url-encoded JSON object");
          const reasons = header.failures.length === 0 ? [] : [...header.failures];
          if (key === void 0) {
            reasons.push(
              text.failure(
                "UNKNOWN_KID",
                header.kid === void 0 ? "the header has no kid, so no key in the JWKS can be chosen" : `kid ${text.quote(header.kid)} is not in the JWKS; use the issuer's current /.well-known/jwks.json (it keeps retired keys)`
              )
            );
          }
          let pending;
          if (header.algOk && key !== void 0) {
            if (der.fromBase64url(jwt.slice(d2 + 1)) === void 0) {
              reasons.push(
                text.failure("BAD_SIGNATURE", "the signature is not a 64-byte ES256 (IEEE P1363) signature")
              );
            } else {
              pending = { outcome: void 0, jwt, d2, key, at: reasons.length };
              queue.push(pending);
            }
          }
          if (issuers !== null && (typeof claims.iss !== "string" || !issuers.includes(claims.iss))) {
            reasons.push(
              text.failure(
                "WRONG_ISSUER",
                `issued by ${text.quote(claims.iss)}, expected ${issuers.map((i) => text.quote(i)).join(" or ")}`
              )
            );
          }
          const nowSec = nowMs / 1e3;
          const exp = claims.exp;
          const expired = typeof exp === "number" && exp <= nowSec - tolerance;
          if (expired) {
            reasons.push(
              text.failure("EXPIRED", `expired at ${text.date(exp)} (checked at ${text.date(nowSec)})`)
            );
          }
          const nbf = claims.nbf;
          if (typeof nbf === "number" && nbf > nowSec + tolerance) {
            reasons.push(
              text.failure(
                "NOT_YET_VALID",
                `not valid before ${text.date(nbf)} (checked at ${text.date(nowSec)})`
              )
            );
          }
          const issues = validate.claims(claims);
          if (issues.length > 0) {
            const missing = issues.filter((i) => i.missing).map((i) => i.path);
            const invalid = issues.filter((i) => !i.missing).map((i) => `${i.path} ${i.message}`);
            if (missing.length > 0) {
              reasons.push(text.failure("MISSING_CLAIMS", `missing required claims: ${missing.join(", ")}`));
            }
            if (invalid.length > 0) {
              const shown = invalid.slice(0, 8).join("; ");
              const more = invalid.length > 8 ? `; and ${invalid.length - 8} more` : "";
              reasons.push(text.failure("INVALID_CLAIMS", `invalid claims: ${shown}${more}`));
            }
          }
          if (checks !== void 0) {
            const wanted = checks.requireStandard;
            if (wanted !== void 0) {
              const met = claims.standards_met;
              if (!Array.isArray(met) || !met.includes(wanted)) {
                const listed = Array.isArray(met) ? met.map((m) => text.quote(m)).join(", ") : "none";
                reasons.push(
                  text.failure(
                    "STANDARD_NOT_MET",
                    `${wanted} is not among the standards met (listed: ${listed || "none"})`
                  )
                );
              }
            }
            const minDays = checks.minDaysRemaining;
            if (minDays !== void 0 && typeof exp === "number" && !expired && exp - nowSec < minDays * DAY_SEC) {
              const left = Math.max(0, (exp - nowSec) / DAY_SEC);
              reasons.push(
                text.failure(
                  "EXPIRES_SOON",
                  `expires at ${text.date(exp)}, in ${left.toFixed(1)} days; at least ${minDays} are required`
                )
              );
            }
          }
          const outcome = { reasons, claims, header: header.view };
          if (pending !== void 0) pending.outcome = outcome;
          return outcome;
        },
        /** Verifies one queued signature and files BAD_SIGNATURE where it belongs. */
        settle(p) {
          const signature = der.fromBase64url(p.jwt.slice(p.d2 + 1));
          if (signature === void 0 || !crypto2.verify("sha256", der.signingInput(p.jwt, p.d2), p.key, signature)) {
            p.outcome?.reasons.splice(
              p.at,
              0,
              text.failure(
                "BAD_SIGNATURE",
                "the signature does not match: the certificate was altered or signed by another key"
              )
            );
          }
        }
      };
      const single = [];
      return {
        check(jwt, nowMs, checks) {
          single.length = 0;
          const outcome = steps.prepare(jwt, nowMs, checks, single, true);
          for (const p of single) steps.settle(p);
          return outcome;
        },
        /**
         * The same checks over a batch, signatures last in one loop: interleaving crypto.verify
         * with JSON parsing and claim checks made those checks cost about twice their own time
         * in cache and branch-predictor misses (measured); grouped, they cost only their own.
         */
        /**
         * With `withClaims` false, outcomes of valid certificates carry no claims (only their
         * reasons are wanted, as in bulk workers), which lets the fast path skip parsing them.
         */
        checkMany(jwts, nowMs, checks, withClaims = true) {
          const outcomes = new Array(jwts.length);
          const queue = [];
          for (let start = 0; start < jwts.length; start += 64) {
            const end = Math.min(jwts.length, start + 64);
            queue.length = 0;
            for (let i = start; i < end; i++)
              outcomes[i] = steps.prepare(jwts[i], nowMs, checks, queue, withClaims);
            for (const p of queue) steps.settle(p);
          }
          return outcomes;
        }
      };
    }
  };
}

// src/certificate/shared-core.ts
var CORE_CONSTANTS = { standardIds: STANDARD_IDS, certVersion: CERT_VERSION };
var core = createCertificateCore(crypto, CORE_CONSTANTS);

// src/certificate/jwks.ts
var MAX_JWKS_BYTES = 1024 * 1024;
var DEFAULT_TIMEOUT_MS = 1e4;
function buildJwks(keys) {
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const key of keys) {
    const jwk = "publicJwk" in key ? key.publicJwk : key;
    if (seen.has(jwk.kid)) continue;
    seen.add(jwk.kid);
    out.push({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, kid: jwk.kid, alg: "ES256", use: "sig" });
  }
  return { keys: out };
}
var coordinate = zod_exports.string().check(zod_exports.refine((v) => core.is.base64urlBytes(v, 32), { error: "must be 32 bytes of base64url" }));
var jwkSchema = zod_exports.object({
  kty: zod_exports.literal("EC"),
  crv: zod_exports.literal("P-256"),
  x: coordinate,
  y: coordinate,
  kid: zod_exports.optional(zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(256))),
  alg: zod_exports.optional(zod_exports.literal("ES256")),
  use: zod_exports.optional(zod_exports.literal("sig")),
  key_ops: zod_exports.optional(
    zod_exports.array(zod_exports.string()).check(zod_exports.refine((ops) => ops.includes("verify"), { error: "must allow verify" }))
  )
});
function isOnCurve(jwk) {
  try {
    createPublicKey2({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
    return true;
  } catch {
    return false;
  }
}
function parseJwks(input) {
  let value = input;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InputError("INVALID_JWKS", 'The JWKS is not valid JSON. Expected {"keys": [...]}.');
    }
  }
  if (typeof value === "object" && value !== null && "kty" in value) value = { keys: [value] };
  const entries = typeof value === "object" && value !== null ? value.keys : void 0;
  if (!Array.isArray(entries)) {
    throw new InputError(
      "INVALID_JWKS",
      'The JWKS has no "keys" array. Expected {"keys": [...]}, as served at /.well-known/jwks.json.'
    );
  }
  const keys = [];
  const seen = /* @__PURE__ */ new Set();
  for (const entry of entries) {
    const parsed = jwkSchema.safeParse(entry);
    if (!parsed.success || !isOnCurve(parsed.data)) continue;
    const { x, y } = parsed.data;
    const kid = parsed.data.kid ?? jwkThumbprint({ kty: "EC", crv: "P-256", x, y });
    if (seen.has(kid)) continue;
    seen.add(kid);
    keys.push({ kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" });
  }
  if (keys.length === 0) {
    throw new InputError(
      "INVALID_JWKS",
      `The JWKS holds no usable ES256 signing key (${entries.length} key(s), none EC P-256 for signatures). Use the issuer's /.well-known/jwks.json.`
    );
  }
  return { keys };
}
function displayUrl(url) {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
async function fetchJwks(source, fetchFn, timeoutMs) {
  let url;
  try {
    url = new URL(source);
  } catch {
    throw new InputError("INVALID_JWKS_URL", "The JWKS URL is not a valid URL.");
  }
  const where = displayUrl(url);
  if (url.username !== "" || url.password !== "") {
    throw new InputError(
      "INVALID_JWKS_URL",
      `The JWKS URL ${where} contains a user name or password; remove them (a JWKS is public).`
    );
  }
  let body;
  try {
    const response = await fetchFn(url, {
      headers: { accept: "application/json, application/jwk-set+json" },
      signal: AbortSignal.timeout(timeoutMs)
    });
    if (!response.ok) {
      throw new PassgeniError(
        "JWKS_UNAVAILABLE",
        `Fetching the JWKS from ${where} failed with HTTP ${response.status}. Check the URL, or pass a saved jwks.json file.`,
        { details: { url: where, status: response.status } }
      );
    }
    body = await response.text();
  } catch (error) {
    if (error instanceof PassgeniError) throw error;
    const name = error instanceof Error ? error.name : "";
    const cause = error instanceof Error ? error.cause?.code : void 0;
    const why = name === "TimeoutError" || name === "AbortError" ? `timed out after ${timeoutMs} ms` : `could not connect${typeof cause === "string" ? ` (${cause})` : ""}`;
    throw new PassgeniError(
      "JWKS_UNAVAILABLE",
      `Fetching the JWKS from ${where} ${why}. Check the URL and network, or pass a saved jwks.json file.`,
      { details: { url: where } }
    );
  }
  if (body.length > MAX_JWKS_BYTES) {
    throw new InputError("INVALID_JWKS", `The JWKS at ${where} is larger than 1 MiB; that is not a key set.`);
  }
  return parseJwks(body);
}
async function readJwksFile(source) {
  const path = source.startsWith("file:") ? fileURLToPath(source) : source;
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = error.code;
    throw new InputError(
      code === "ENOENT" ? "JWKS_NOT_FOUND" : "JWKS_UNREADABLE",
      `Cannot read the JWKS file ${path} (${code ?? "unknown error"}). Pass a jwks.json file or the issuer's https URL.`
    );
  }
  if (text.length > MAX_JWKS_BYTES)
    throw new InputError("INVALID_JWKS", `The JWKS file ${path} is larger than 1 MiB.`);
  return parseJwks(text);
}
async function loadJwks(source, options = {}) {
  if (/^https?:\/\//i.test(source)) {
    return fetchJwks(source, options.fetch ?? globalThis.fetch, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }
  return readJwksFile(source);
}

// src/certificate/sign.ts
import { sign } from "node:crypto";

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

// src/certificate/sign.ts
var encodedHeaders = /* @__PURE__ */ new WeakMap();
function encodedHeader(key) {
  let header = encodedHeaders.get(key);
  if (header === void 0) {
    header = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", kid: key.kid })).toString("base64url");
    encodedHeaders.set(key, header);
  }
  return header;
}
function p1363FromDer(der) {
  const out = Buffer.alloc(64);
  let at = 2;
  for (let half = 0; half < 2; half++) {
    const length = der[at + 1] ?? 0;
    let start = at + 2;
    let size2 = length;
    while (size2 > 32 && der[start] === 0) {
      start++;
      size2--;
    }
    if (der[at] !== 2 || size2 > 32) throw new Error("unexpected ECDSA signature encoding from OpenSSL");
    der.copy(out, half * 32 + 32 - size2, start, start + size2);
    at += 2 + length;
  }
  return out;
}
function signCertificate(claims, key) {
  const issues = core.claimIssues(claims);
  if (issues.length > 0) throw invalidClaimsError(issues);
  const input = `${encodedHeader(key)}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const signature = p1363FromDer(sign("sha256", Buffer.from(input), key.privateKey));
  return `${input}.${signature.toString("base64url")}`;
}

// src/certificate/decode.ts
var SEGMENT_RE = /^[A-Za-z0-9_-]+$/;
function decodeSegment(segment) {
  if (!SEGMENT_RE.test(segment)) return void 0;
  try {
    const value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : void 0;
  } catch {
    return void 0;
  }
}
function decodeCertificate(jwt) {
  const parts = typeof jwt === "string" ? jwt.split(".") : [];
  const header = parts.length === 3 ? decodeSegment(parts[0] ?? "") : void 0;
  const claims = parts.length === 3 ? decodeSegment(parts[1] ?? "") : void 0;
  if (header === void 0 || claims === void 0 || !/^[A-Za-z0-9_-]*$/.test(parts[2] ?? "")) {
    throw new InputError(
      "MALFORMED_CERTIFICATE",
      "This is not a certificate: expected a compact JWT (three base64url parts separated by dots). Pass the JWT itself or a file holding only the JWT."
    );
  }
  return { header, claims };
}

// src/certificate/entropy-source.ts
import { getFips } from "node:crypto";
function entropySource() {
  return {
    api: "crypto.getRandomValues",
    runtime: `node ${process.version}`,
    openssl: process.versions.openssl,
    fips_mode: getFips() === 1
  };
}

// src/certificate/verify.ts
var DEFAULT_CLOCK_TOLERANCE_SEC = 60;
function invalidOption(message) {
  return new InputError("INVALID_VERIFY_OPTIONS", message);
}
function checkerOptions(options) {
  const keys = options.jwks?.keys;
  if (!Array.isArray(keys)) {
    throw new InputError(
      "INVALID_JWKS",
      'The verifier needs a JWKS ({"keys": [...]}); load one with loadJwks or parseJwks.'
    );
  }
  const issuer = options.issuer;
  const issuers = issuer === void 0 ? null : typeof issuer === "string" ? [issuer] : [...issuer];
  if (issuers !== null && (issuers.length === 0 || issuers.some((i) => typeof i !== "string" || i === ""))) {
    throw invalidOption("issuer must be a non-empty string or a list of them.");
  }
  const tolerance = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw invalidOption("clockToleranceSec must be a number of seconds, 0 or more.");
  }
  return {
    keys: keys.map((k) => ({ kid: k.kid, kty: k.kty, crv: k.crv, x: k.x, y: k.y })),
    issuers,
    clockToleranceSec: tolerance
  };
}
function coreChecks(checks) {
  if (checks === void 0) return void 0;
  const { requireStandard, minDaysRemaining } = checks;
  if (requireStandard !== void 0 && !STANDARD_IDS.includes(requireStandard)) {
    throw invalidOption(
      `requireStandard ${JSON.stringify(requireStandard)} is not a standard id (${STANDARD_IDS.join(", ")}).`
    );
  }
  if (minDaysRemaining !== void 0 && (!Number.isFinite(minDaysRemaining) || minDaysRemaining < 0)) {
    throw invalidOption("minDaysRemaining must be a number of days, 0 or more.");
  }
  return { requireStandard, minDaysRemaining };
}
function toResult(outcome) {
  const { reasons, claims, header } = outcome;
  if (reasons.length === 0 && claims !== void 0 && header !== void 0) {
    return { valid: true, claims, header };
  }
  if (reasons.length === 0) {
    reasons.push({ code: "MALFORMED", message: "the certificate could not be read" });
  }
  return claims === void 0 ? { valid: false, reasons } : { valid: false, reasons, claims };
}
function createVerifier(options) {
  const checker = core.createChecker(checkerOptions(options));
  const now = options.now ?? Date.now;
  return {
    verify(jwt, checks) {
      return toResult(checker.check(jwt, now(), coreChecks(checks)));
    }
  };
}

// src/certificate/binding.ts
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
var DEFAULTS = { N: 2 ** 15, r: 8, p: 1 };
var SALT_BYTES = 16;
var DIGEST_BYTES = 32;
function scryptAsync(credential, salt, params) {
  const options = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 2 * 128 * params.N * params.r
  };
  return new Promise((resolve, reject) => {
    scrypt(credential, salt, DIGEST_BYTES, options, (error, key) => error ? reject(error) : resolve(key));
  });
}
function assertCredential(credential) {
  if (typeof credential !== "string" || credential.length === 0) {
    throw new InputError(
      "INVALID_BINDING",
      "A credential binding needs the credential as a non-empty string."
    );
  }
}
async function computeCredentialBinding(credential, options = {}) {
  assertCredential(credential);
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    throw new InputError("INVALID_BINDING", `The binding salt must be exactly ${SALT_BYTES} bytes.`);
  }
  const digest = await scryptAsync(credential, salt, DEFAULTS);
  return {
    alg: "scrypt",
    N: DEFAULTS.N,
    r: DEFAULTS.r,
    p: DEFAULTS.p,
    salt: Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString("base64url"),
    digest: digest.toString("base64url")
  };
}
async function checkCredentialBinding(credential, binding) {
  assertCredential(credential);
  const issues = core.bindingIssues(binding);
  if (issues.length > 0) {
    throw new InputError(
      "INVALID_BINDING",
      `The certificate's credential binding is unusable: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}.`,
      { details: { issues: issues.map((i) => ({ path: i.path, message: i.message })) } }
    );
  }
  const expected = Buffer.from(binding.digest, "base64url");
  const actual = await scryptAsync(credential, Buffer.from(binding.salt, "base64url"), binding);
  return timingSafeEqual(actual, expected);
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
  aliases: ["fips", "fips 140-3", "fips140", "fips1403", "fips 140", "fips140-3"],
  basis: {
    kind: "product-baseline",
    length: "Product baseline: FIPS 140-3 is a cryptographic-module standard and sets no password rule; 20 characters make this the strictest string profile in the table, satisfying every other entry.",
    classes: "Product baseline: FIPS 140-3 sets no composition rule; all four classes are required so that the profile also satisfies the DISA STIG, HIPAA and CMMC entries.",
    entropy: "Product baseline: 112 bits is the minimum security strength of NIST SP 800-131A and of the random bit generator in NIST SP 800-63B-4 \xA73.2.12; 20 random characters with all four classes yield 130.92.",
    rotation: "Product baseline: FIPS 140-3 sets no rotation period; change on evidence of compromise. The certificate records whether the runtime was in FIPS mode.",
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
  certifiable: false,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ["upper", "lower", "digit", "special"],
  minEntropyBits: 90,
  rotationDays: 60,
  aliases: ["dod", "stig", "dod stig", "disa", "disa stig", "srg"],
  basis: {
    kind: "clause",
    length: 'RHEL 9 STIG V-258107 (RHEL-09-611090): at least 15 characters ("The DOD minimum password requirement is 15 characters").',
    classes: "RHEL 9 STIG V-258109 (RHEL-09-611100, ocredit = -1), V-258111 (RHEL-09-611110, ucredit = -1) and the matching lcredit/dcredit rules: at least one upper-case letter, lower-case letter, digit and special character.",
    entropy: "Product baseline: the STIGs set no entropy figure; 90 bits sits below what 15 random characters with all four classes yield (97.99 bits).",
    rotation: "RHEL 9 STIG V-258041 / V-258042 (RHEL-09-411010 / -411015): a maximum password lifetime of 60 days.",
    sources: [
      "RHEL 9 STIG V-258107 (RHEL-09-611090): 15-character minimum",
      "RHEL 9 STIG V-258109 (RHEL-09-611100): at least one special character; V-258111 (RHEL-09-611110): at least one upper-case character; the matching lower-case and digit rules",
      "RHEL 9 STIG V-258041, V-258042 (RHEL-09-411010, RHEL-09-411015): 60-day maximum lifetime",
      "Authentication, Authorization and Accounting Services SRG V-204664 to V-204674",
      "Application Security and Development STIG APSC-DV-001680, V-222539 to V-222541"
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

// src/policy/entropy.ts
function countStrings(length, classSizes2) {
  checkInputs(length, classSizes2);
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
function exactEntropyBits(length, classSizes2) {
  const count2 = countStrings(length, classSizes2);
  if (count2 === 0n) {
    const classes = classSizes2.filter((n) => n > 0).length;
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      classes === 0 ? "No characters to draw from: include at least one character class." : `A ${length}-character string cannot contain one character of each of ${classes} classes. Use a length of at least ${classes}.`
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
  if (value <= 0n) throw new RangeError("log2 of a non-positive number");
  const bits = value.toString(2).length;
  const shift = bits > 53 ? bits - 53 : 0;
  return shift + Math.log2(Number(value >> BigInt(shift)));
}
function checkInputs(length, classSizes2) {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_LENGTH) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `Length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}.`
    );
  }
  if (classSizes2.length > CHAR_CLASSES.length || classSizes2.some((n) => !Number.isSafeInteger(n) || n < 0 || n > 256)) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      "Class sizes must be at most four whole numbers from 0 to 256."
    );
  }
}
function paramsFromCharset(length, charset) {
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
    class_sizes: sizes
  };
}
function paramsEntropyBits(params) {
  return exactEntropyBits(
    params.length,
    CHAR_CLASSES.map((c) => params.class_sizes[c])
  );
}

// src/policy/evaluate.ts
var CLASS_WORDS = {
  upper: "upper-case letter (A-Z)",
  lower: "lower-case letter (a-z)",
  letter: "letter (A-Z or a-z)",
  digit: "digit (0-9)",
  special: "special character (punctuation)"
};
function hasClass(params, cls) {
  switch (cls) {
    case "upper":
      return params.has_upper;
    case "lower":
      return params.has_lower;
    case "letter":
      return params.has_upper || params.has_lower;
    case "digit":
      return params.has_numbers;
    case "special":
      return params.has_special;
  }
}
function impossibility(params) {
  const sizes = Object.values(params.class_sizes);
  if (!sizes.every((n) => Number.isSafeInteger(n) && n >= 0 && n <= 256) || sizes.every((n) => n === 0)) {
    return "No characters are left to draw from; include at least one class and do not exclude all of its characters.";
  }
  if (!Number.isSafeInteger(params.length) || params.length < 1 || params.length > MAX_LENGTH) {
    return `The length must be a whole number from 1 to ${MAX_LENGTH}.`;
  }
  const classes = sizes.filter((n) => n > 0).length;
  if (params.length < classes) {
    return `A ${params.length}-character credential cannot contain one character of each of the ${classes} included classes.`;
  }
  return void 0;
}
function entropyOf(params) {
  return impossibility(params) === void 0 ? paramsEntropyBits(params) : void 0;
}
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
  if (params.length > MAX_LENGTH) {
    violations.push({
      standard,
      rule: "max-length",
      required: MAX_LENGTH,
      actual: params.length,
      message: `Credentials are at most ${MAX_LENGTH} characters; the request has ${params.length}.`
    });
  }
  for (const cls of rule.requiredClasses) {
    if (hasClass(params, cls)) continue;
    violations.push({
      standard,
      rule: "required-class",
      required: cls,
      message: `${rule.id} requires at least one ${CLASS_WORDS[cls]}; include that class and keep at least one of its characters out of the exclusions.`
    });
  }
  const impossible = impossibility(params);
  if (impossible !== void 0) {
    violations.push({ standard, rule: "pool", message: impossible });
  } else if (bits !== void 0 && bits < rule.minEntropyBits) {
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
  return evaluate(params, rule, entropyOf(params));
}
function standardsMet(params) {
  const bits = entropyOf(params);
  return STANDARDS.filter((rule) => evaluate(params, rule, bits).length === 0).map((rule) => rule.id);
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
  const unknown2 = [...included].filter((c) => !CHAR_CLASSES.includes(c));
  if (unknown2.length > 0) {
    throw new InputError(
      "UNKNOWN_CLASS",
      `Unknown character class ${unknown2.map((c) => JSON.stringify(String(c).slice(0, 20))).join(", ")}. Use any of: ${CHAR_CLASSES.join(", ")}.`
    );
  }
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
  class_sizes: classSizes
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
    const size2 = sizes[cls];
    const flag = input[FLAG[cls]];
    if (typeof size2 !== "number") {
      allNumbers = false;
      continue;
    }
    sum += size2;
    if (size2 > 0) included++;
    if (typeof flag === "boolean" && flag !== size2 > 0) {
      issues.push({ path: FLAG[cls], message: `must be ${size2 > 0} because class_sizes.${cls} is ${size2}` });
    }
  }
  if (!allNumbers) return issues;
  if (typeof input.char_pool_size === "number" && input.char_pool_size !== sum) {
    issues.push({ path: "char_pool_size", message: `must equal the sum of class_sizes (${sum})` });
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
  const length = request.length ?? standard.defaultLength;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `The length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}. ${standard.id} needs at least ${standard.minLength}.`
    );
  }
  const charset = buildCharset({
    ...request.exclude !== void 0 && { exclude: request.exclude },
    ...request.symbols !== void 0 && { symbols: request.symbols },
    ...request.classes !== void 0 && { classes: request.classes }
  });
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
  const params = paramsFromCharset(length, charset);
  const violations = evaluateStandard(params, standard);
  if (violations.length > 0) throw new PolicyViolationError(standard, violations);
  return {
    standard,
    length,
    charset,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: standardsMet(params)
  };
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
  return rule.requiredClasses.length === 0 ? "No character class is required." : `At least one of each: ${rule.requiredClasses.map((c) => CLASS_NAMES[c]).join(", ")}.`;
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
    CHAR_CLASSES.map((c) => DEFAULT_CLASS_SETS[c].length)
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
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
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
  if (format === "md") return renderMarkdown(blocks);
  if (format === "html") return renderHtml(blocks, title);
  throw new InputError(
    "INVALID_FORMAT",
    `Unknown policy format ${JSON.stringify(String(format))}; use md or html.`
  );
}

export {
  CERT_VERSION,
  STANDARD_IDS,
  zod_exports,
  claimsSchema,
  parseClaims,
  entropySource,
  SIGNING_KEY_ENV,
  generateSigningKey,
  exportSigningKey,
  loadSigningKeyFromEnv,
  loadSigningKeyFile,
  buildJwks,
  parseJwks,
  loadJwks,
  signCertificate,
  decodeCertificate,
  createVerifier,
  computeCredentialBinding,
  checkCredentialBinding,
  MAX_LENGTH,
  CHAR_CLASSES,
  STANDARDS,
  getStandard,
  resolveStandard,
  DEFAULT_CLASS_SETS,
  countStrings,
  paramsEntropyBits,
  evaluateStandard,
  standardsMet,
  parseGenerationParams,
  PolicyViolationError,
  resolvePolicy,
  renderPolicy,
  VERSION
};
