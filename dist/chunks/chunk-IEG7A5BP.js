import {
  HttpError,
  httpRequest
} from "./chunk-QUX7DFRJ.js";
import {
  zod_exports
} from "./chunk-VFYYTOKF.js";
import {
  InputError,
  PassgeniError
} from "./chunk-FKYOR5TL.js";

// src/certificate/jwks.ts
import { createPublicKey as createPublicKey2 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

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
  const jwk = key.privateKey.export({ format: "jwk" });
  return JSON.stringify({ ...jwk, kid: key.kid, alg: "ES256", use: "sig" });
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
var jwkSchema = zod_exports.object({
  kty: zod_exports.literal("EC"),
  crv: zod_exports.literal("P-256"),
  // whether x and y are a point on P-256 is checked by importing them (isOnCurve)
  x: zod_exports.string(),
  y: zod_exports.string(),
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
async function fetchJwks(source, timeoutMs) {
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
  let response;
  try {
    response = await httpRequest({
      url,
      headers: { accept: "application/json, application/jwk-set+json" },
      timeoutMs,
      maxBodyBytes: MAX_JWKS_BYTES
    });
  } catch (error) {
    const code = error instanceof HttpError ? error.code : "unknown error";
    if (code === "TOO_LARGE") {
      throw new InputError(
        "INVALID_JWKS",
        `The JWKS at ${where} is larger than 1 MiB; that is not a key set.`
      );
    }
    const why = error instanceof HttpError && error.timedOut ? `timed out after ${timeoutMs} ms` : `could not connect (${code})`;
    throw new PassgeniError(
      "JWKS_UNAVAILABLE",
      `Fetching the JWKS from ${where} ${why}. Check the URL and network, or pass a saved jwks.json file.`,
      { details: { url: where } }
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw new PassgeniError(
      "JWKS_UNAVAILABLE",
      `Fetching the JWKS from ${where} failed with HTTP ${response.status}. Check the URL, or pass a saved jwks.json file.`,
      { details: { url: where, status: response.status } }
    );
  }
  return parseJwks(response.text);
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
  if (/^https?:\/\//i.test(source)) return fetchJwks(source, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return readJwksFile(source);
}

export {
  SIGNING_KEY_ENV,
  generateSigningKey,
  exportSigningKey,
  loadSigningKeyFromEnv,
  loadSigningKeyFile,
  buildJwks,
  parseJwks,
  loadJwks
};
