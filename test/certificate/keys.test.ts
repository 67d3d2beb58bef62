import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  exportSigningKey,
  generateSigningKey,
  jwkThumbprint,
  loadSigningKey,
  loadSigningKeyFile,
  loadSigningKeyFromEnv,
} from '../../src/certificate/index.js';
import { PassgeniError } from '../../src/errors.js';

const key = generateSigningKey();
const dir = mkdtempSync(join(tmpdir(), 'passgeni-keys-'));

function rejection(fn: () => unknown): PassgeniError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PassgeniError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The private scalar and PEM body of a key, which must never show up in an error. */
function secretsOf(material: string): string[] {
  const out: string[] = [];
  if (material.trim().startsWith('{')) {
    try {
      const jwk = JSON.parse(material) as { d?: string };
      if (jwk.d) out.push(jwk.d);
    } catch {
      out.push(material.trim());
    }
  } else {
    out.push(...material.split('\n').filter((line) => line.length >= 40));
  }
  return out;
}

function expectInvalid(material: string, messagePart: RegExp): void {
  const error = rejection(() => loadSigningKey(material));
  expect(error.code).toBe('INVALID_SIGNING_KEY');
  expect(error.exitCode).toBe(2);
  expect(error.message).toMatch(messagePart);
  for (const secret of secretsOf(material)) expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  expect(error.cause).toBeUndefined();
}

describe('generateSigningKey / jwkThumbprint', () => {
  it('makes an ES256 key whose kid is its RFC 7638 thumbprint, equal to jose calculateJwkThumbprint', async () => {
    expect(key.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: key.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(key.kid).toBe(jwkThumbprint(key.publicJwk));
    expect(key.kid).toBe(
      await calculateJwkThumbprint(
        { kty: 'EC', crv: 'P-256', x: key.publicJwk.x, y: key.publicJwk.y },
        'sha256',
      ),
    );
    expect(key.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(generateSigningKey().kid).not.toBe(key.kid);
  });

  it('matches the RFC 7638 §3.1 example thumbprint computation on an EC key from jose', async () => {
    for (let i = 0; i < 5; i++) {
      const k = generateSigningKey().publicJwk;
      expect(jwkThumbprint(k)).toBe(await calculateJwkThumbprint(k));
    }
  });
});

describe('exportSigningKey / loadSigningKey', () => {
  it('round-trips a private JWK (with kid, alg, use)', () => {
    const jwk = exportSigningKey(key, 'jwk');
    expect(JSON.parse(jwk)).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      d: expect.any(String),
      kid: key.kid,
      alg: 'ES256',
      use: 'sig',
    });
    const loaded = loadSigningKey(jwk);
    expect(loaded.kid).toBe(key.kid);
    expect(loaded.privateKey.equals(key.privateKey)).toBe(true);
  });

  it('round-trips a PKCS#8 PEM', () => {
    const pem = exportSigningKey(key, 'pem');
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(loadSigningKey(pem).kid).toBe(key.kid);
  });

  it('loads a SEC1 PEM, also after an EC PARAMETERS block (openssl ecparam -genkey)', () => {
    const sec1 = key.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(sec1).toContain('-----BEGIN EC PRIVATE KEY-----');
    expect(loadSigningKey(sec1).kid).toBe(key.kid);
    const withParams = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${sec1}`;
    expect(loadSigningKey(withParams).kid).toBe(key.kid);
  });

  it('accepts the forms CI secrets take: literal \\n in a PEM, base64 of a PEM or JWK, surrounding whitespace', () => {
    const pem = exportSigningKey(key, 'pem');
    expect(loadSigningKey(pem.replace(/\n/g, '\\n')).kid).toBe(key.kid);
    expect(loadSigningKey(Buffer.from(pem).toString('base64')).kid).toBe(key.kid);
    expect(loadSigningKey(Buffer.from(exportSigningKey(key, 'jwk')).toString('base64')).kid).toBe(key.kid);
    expect(loadSigningKey(`\n  ${exportSigningKey(key, 'jwk')}  \n`).kid).toBe(key.kid);
  });

  it('rejects RSA keys (PEM and JWK) without echoing them', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expectInvalid(rsa.export({ type: 'pkcs8', format: 'pem' }).toString(), /rsa key, not EC/i);
    expectInvalid(rsa.export({ type: 'pkcs1', format: 'pem' }).toString(), /RSA key, not EC/);
    expectInvalid(JSON.stringify(rsa.export({ format: 'jwk' })), /"RSA" key, not EC/);
  });

  it('rejects P-384 keys (PEM, SEC1 and JWK)', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expectInvalid(p384.export({ type: 'pkcs8', format: 'pem' }).toString(), /secp384r1, not P-256/);
    expectInvalid(p384.export({ type: 'sec1', format: 'pem' }).toString(), /secp384r1, not P-256/);
    expectInvalid(JSON.stringify(p384.export({ format: 'jwk' })), /"P-384", not P-256/);
  });

  it('rejects public-only keys (PEM, JWK, JWKS)', () => {
    expectInvalid(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), /public only/);
    expectInvalid(JSON.stringify(key.publicJwk), /public key only/);
    expectInvalid(JSON.stringify({ keys: [key.publicJwk] }), /JWKS/);
  });

  it('rejects a JWK whose kid is not its thumbprint, an Ed25519 key, encrypted and unreadable material', () => {
    const jwk = JSON.parse(exportSigningKey(key, 'jwk'));
    expectInvalid(JSON.stringify({ ...jwk, kid: 'my-key' }), /thumbprint/);
    expectInvalid(JSON.stringify({ ...jwk, alg: 'ES384' }), /ES384/);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expectInvalid(ed, /ed25519 key, not EC/);
    const encrypted = key.privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expectInvalid(encrypted, /encrypted/);
    expectInvalid(
      '-----BEGIN PRIVATE KEY-----\nAAAAthisisnotakeyAAAAthisisnotakeyAAAAthisisnotakey\n-----END PRIVATE KEY-----',
      /could not be read/,
    );
    expectInvalid('{"kty":"EC",', /does not parse/);
    expectInvalid('just some words', /neither a JWK/);
    expectInvalid('   ', /empty/);
  });
});

describe('loadSigningKeyFromEnv', () => {
  it('reads PASSGENI_SIGNING_KEY, and is undefined when it is unset or blank', () => {
    expect(loadSigningKeyFromEnv({ PASSGENI_SIGNING_KEY: exportSigningKey(key, 'pem') })?.kid).toBe(key.kid);
    expect(loadSigningKeyFromEnv({})).toBeUndefined();
    expect(loadSigningKeyFromEnv({ PASSGENI_SIGNING_KEY: ' ' })).toBeUndefined();
  });

  it('names the variable, never its value, when it holds something else', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const error = rejection(() => loadSigningKeyFromEnv({ PASSGENI_SIGNING_KEY: rsa }));
    expect(error.code).toBe('INVALID_SIGNING_KEY');
    expect(error.message).toContain('PASSGENI_SIGNING_KEY');
    for (const secret of secretsOf(rsa)) expect(error.message).not.toContain(secret);
  });
});

describe('loadSigningKeyFile', () => {
  it('loads a 0600 key file', () => {
    const file = join(dir, 'ok.pem');
    writeFileSync(file, exportSigningKey(key, 'pem'), { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(loadSigningKeyFile(file).kid).toBe(key.kid);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === undefined)(
    'refuses a key file group or others can access, with the chmod fix; allowInsecurePermissions overrides',
    () => {
      for (const mode of [0o644, 0o640, 0o604, 0o620]) {
        const file = join(dir, `open-${mode.toString(8)}.jwk`);
        writeFileSync(file, exportSigningKey(key, 'jwk'));
        chmodSync(file, mode);
        const error = rejection(() => loadSigningKeyFile(file));
        expect(error.code).toBe('SIGNING_KEY_PERMISSIONS');
        expect(error.exitCode).toBe(2);
        expect(error.message).toContain(`chmod 600 ${file}`);
        expect(loadSigningKeyFile(file, { allowInsecurePermissions: true }).kid).toBe(key.kid);
      }
    },
  );

  it('explains a missing file and how to create one', () => {
    const error = rejection(() => loadSigningKeyFile(join(dir, 'absent.pem')));
    expect(error.code).toBe('SIGNING_KEY_UNREADABLE');
    expect(error.message).toMatch(/does not exist.*passgeni keygen/);
  });

  it('names the file, not its contents, when it holds the wrong kind of key', () => {
    const file = join(dir, 'p384.pem');
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    writeFileSync(file, pem, { mode: 0o600 });
    const error = rejection(() => loadSigningKeyFile(file));
    expect(error.code).toBe('INVALID_SIGNING_KEY');
    expect(error.message).toContain(file);
    for (const secret of secretsOf(pem)) expect(error.message).not.toContain(secret);
  });
});
