import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { PublicJwk, SigningKey } from './types.js';

/** The environment variable `passgeni serve` reads its signing key from. */
export const SIGNING_KEY_ENV = 'PASSGENI_SIGNING_KEY';
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key; used as the kid. */
export function jwkThumbprint(jwk: { kty: string; crv: string; x: string; y: string }): string {
  // the required members in lexicographic order, no whitespace (RFC 7638 §3.2)
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

function publicJwkOf(publicKey: KeyObject): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = jwk.x ?? '';
  const y = jwk.y ?? '';
  const kid = jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const publicJwk = publicJwkOf(publicKey);
  return { kid: publicJwk.kid, privateKey, publicKey, publicJwk };
}

/** A fresh ES256 (P-256) key pair from the platform CSPRNG. */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return signingKeyOf(privateKey);
}

/** The PRIVATE key as a JWK (with kid, alg, use) or a PKCS#8 PEM, for `passgeni keygen`. */
export function exportSigningKey(key: SigningKey, format: 'jwk' | 'pem'): string {
  if (format === 'pem') return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = key.privateKey.export({ format: 'jwk' });
  return JSON.stringify({ ...jwk, kid: key.kid, alg: 'ES256', use: 'sig' });
}

function invalidKey(source: string, problem: string): InputError {
  return new InputError(
    'INVALID_SIGNING_KEY',
    `${source} ${problem}. passgeni signs with an ES256 (EC P-256) private key: a JWK or a PKCS#8/SEC1 PEM, as written by \`passgeni keygen\`.`,
  );
}

/**
 * Env vars and CI secrets often hold a PEM with literal "\n" sequences or the whole key
 * base64-encoded; both are unwrapped here so users need not reformat what their platform gives them.
 */
function unwrap(material: string): string {
  const text = material.trim();
  if (text.startsWith('-----BEGIN')) return text.replace(/\\n/g, '\n');
  if (text.startsWith('{')) return text;
  if (/^[A-Za-z0-9+/=_-]+$/.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8').trim();
    if (decoded.startsWith('-----BEGIN') || decoded.startsWith('{')) return decoded;
  }
  return text;
}

function fromJwk(text: string, source: string): KeyObject {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw invalidKey(source, 'looks like JSON but does not parse');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw invalidKey(source, 'is not a JWK object');
  const k = jwk as Record<string, unknown>;
  if ('keys' in k) throw invalidKey(source, 'is a JWKS (public keys); it needs the private key itself');
  if (k.kty !== 'EC') throw invalidKey(source, `is a ${describe(k.kty)} key, not EC`);
  if (k.crv !== 'P-256') throw invalidKey(source, `uses curve ${describe(k.crv)}, not P-256`);
  if (k.alg !== undefined && k.alg !== 'ES256')
    throw invalidKey(source, `is marked for ${describe(k.alg)}, not ES256`);
  if (typeof k.d !== 'string') throw invalidKey(source, 'is a public key only (no "d")');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: k as JsonWebKey, format: 'jwk' });
  } catch {
    throw invalidKey(source, 'is not a valid EC P-256 private JWK');
  }
  if (k.kid !== undefined) {
    const expected = jwkThumbprint({ kty: 'EC', crv: 'P-256', x: String(k.x), y: String(k.y) });
    if (k.kid !== expected) {
      throw invalidKey(
        source,
        `has kid ${describe(k.kid)}, but the kid must be the key's RFC 7638 thumbprint ${expected}`,
      );
    }
  }
  return key;
}

function fromPem(text: string, source: string): KeyObject {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1] ?? '');
  // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key; only the key matters
  const label = labels.find((l) => l.endsWith('PRIVATE KEY')) ?? labels[0] ?? '';
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY' || label === 'CERTIFICATE') {
    throw invalidKey(source, `is a ${label} PEM (public only)`);
  }
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw invalidKey(source, 'is encrypted; decrypt it first (openssl pkcs8 -in key.pem -out plain.pem)');
  }
  if (label === 'RSA PRIVATE KEY') throw invalidKey(source, 'is an RSA key, not EC');
  if (label !== 'PRIVATE KEY' && label !== 'EC PRIVATE KEY') {
    throw invalidKey(
      source,
      `is a ${label ? `"${label}"` : 'unlabelled'} PEM, not a PKCS#8 or SEC1 private key`,
    );
  }
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, begin);
  if (end < 0) throw invalidKey(source, `is a truncated ${label} PEM`);
  try {
    return createPrivateKey({ key: text.slice(begin, end + endMarker.length), format: 'pem' });
  } catch {
    throw invalidKey(source, `could not be read as a ${label} PEM`);
  }
}

/** Short, safe description of an untrusted JWK member (never key material: only kty/crv/alg/kid). */
function describe(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function loadFrom(material: string, source: string): SigningKey {
  if (typeof material !== 'string' || material.trim() === '') throw invalidKey(source, 'is empty');
  const text = unwrap(material);
  let key: KeyObject;
  if (text.startsWith('{')) key = fromJwk(text, source);
  else if (text.startsWith('-----BEGIN')) key = fromPem(text, source);
  else throw invalidKey(source, 'is neither a JWK (JSON) nor a PEM');
  if (key.asymmetricKeyType !== 'ec')
    throw invalidKey(source, `is an ${key.asymmetricKeyType ?? 'unknown'} key, not EC`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') throw invalidKey(source, `uses curve ${curve ?? 'unknown'}, not P-256`);
  return signingKeyOf(key);
}

/** Loads a private key from a JWK (JSON) or PKCS#8 / SEC1 PEM; the error never echoes the material. */
export function loadSigningKey(material: string): SigningKey {
  return loadFrom(material, 'The signing key');
}

/** The signing key from PASSGENI_SIGNING_KEY, or undefined when it is not set. */
export function loadSigningKeyFromEnv(env: NodeJS.ProcessEnv = process.env): SigningKey | undefined {
  const material = env[SIGNING_KEY_ENV];
  if (material === undefined || material.trim() === '') return undefined;
  return loadFrom(material, SIGNING_KEY_ENV);
}

/**
 * Loads a signing key file, refusing one that group or others can access: a readable key lets
 * anyone on the machine issue certificates in the issuer's name.
 */
export function loadSigningKeyFile(
  path: string,
  options: { allowInsecurePermissions?: boolean } = {},
): SigningKey {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw new InputError(
      'SIGNING_KEY_UNREADABLE',
      `Signing key file ${path} ${why}. Create one with \`passgeni keygen --out ${path}\`.`,
    );
  }
  if (!stat.isFile())
    throw new InputError('SIGNING_KEY_UNREADABLE', `Signing key file ${path} is not a regular file.`);
  if (stat.size > MAX_KEY_FILE_BYTES) {
    throw new InputError(
      'SIGNING_KEY_UNREADABLE',
      `Signing key file ${path} is larger than 64 KiB; it is not a key.`,
    );
  }
  const mode = stat.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0 && options.allowInsecurePermissions !== true) {
    throw new InputError(
      'SIGNING_KEY_PERMISSIONS',
      `Signing key file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}). Run: chmod 600 ${path}`,
      { details: { path, mode: mode.toString(8) } },
    );
  }
  let material: string;
  try {
    material = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new InputError('SIGNING_KEY_UNREADABLE', `Signing key file ${path} cannot be read (${code}).`);
  }
  return loadFrom(material, `Signing key file ${path}`);
}
