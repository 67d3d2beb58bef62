import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildJwks,
  loadSigningKeyFile,
  signCertificate,
  type SigningKey,
} from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';
import { sampleClaims } from '../support/claims.js';

let dir: string;
let key: SigningKey;
let jwksFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-cli-'));
  const r = await runCli(['keygen', '--out', join(dir, 'issuer.jwk'), '--json']);
  expect(r.code).toBe(0);
  key = loadSigningKeyFile(join(dir, 'issuer.jwk'));
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(buildJwks([key])));
});

describe('passgeni keygen', () => {
  it('writes the private key with mode 0600 and prints only public material as JSON', async () => {
    const file = join(dir, 'k2.pem');
    const r = await runCli(['keygen', '--out', file, '--format', 'pem', '--json']);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('PRIVATE KEY');
    const out = JSON.parse(r.stdout);
    expect(out.public_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: out.kid });
    expect(out.public_jwk.d).toBeUndefined();
    expect(out.private_key).toBeUndefined();
  });

  it('refuses to overwrite an existing key file unless --force', async () => {
    const file = join(dir, 'issuer.jwk');
    const before = readFileSync(file, 'utf8');
    const r = await runCli(['keygen', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KEY_FILE_EXISTS');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('passgeni verify', () => {
  it('accepts a valid certificate given as a JWT (exit 0)', async () => {
    const jwt = await signCertificate(sampleClaims(), key);
    const r = await runCli(['verify', jwt, '--jwks', jwksFile, '--issuer', 'https://issuer.test', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(true);
    expect(out.claims.compliance_standard).toBe('PCI-DSS');
  });

  it('reads the certificate from a file and prints a readable verdict', async () => {
    const file = join(dir, 'cert.jwt');
    writeFileSync(file, `${await signCertificate(sampleClaims(), key)}\n`);
    const r = await runCli(['verify', file, '--jwks', jwksFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VALID/);
    expect(r.stdout).toContain('157.1 bits');
  });

  it('fails (exit 1) with every reason for an expired certificate from the wrong issuer', async () => {
    const past = Math.floor(Date.now() / 1000) - 400 * 86_400;
    const jwt = await signCertificate(
      sampleClaims({ iss: 'https://other.test', iat: past, exp: past + 365 * 86_400 }),
      key,
    );
    const r = await runCli(['verify', jwt, '--jwks', jwksFile, '--issuer', 'https://issuer.test', '--json']);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).reasons.map((x: { code: string }) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['EXPIRED', 'WRONG_ISSUER']));
  });

  it('fails (exit 1) when a required standard is not met', async () => {
    const jwt = await signCertificate(sampleClaims(), key);
    const r = await runCli(['verify', jwt, '--jwks', jwksFile, '--require-standard', 'fips']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('STANDARD_NOT_MET');
    expect(r.stdout.split('\n')[0]).toBe('NOT VALID (the certificate itself is valid; a check below failed)');
  });

  it("words the core's hint as flags: a JWT with neither --jwks nor --issuer-url names both (exit 2)", async () => {
    const jwt = await signCertificate(sampleClaims(), key);
    const env = { PASSGENI_ISSUER_URL: '' };
    const r = await runCli(['verify', jwt], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "passgeni: Verifying a certificate offline needs the issuer's public keys. Pass --jwks FILE|URL or --issuer-url (env PASSGENI_ISSUER_URL). [JWKS_REQUIRED]\n",
    );
    const json = await runCli(['verify', jwt, '--json'], { env });
    expect(JSON.parse(json.stderr)).toMatchObject({
      code: 'JWKS_REQUIRED',
      error: expect.stringContaining('Pass --jwks FILE|URL or --issuer-url'),
      hint: { option: 'jwks', or: 'issuer-url' },
    });
  });

  it('is a usage error (exit 2) when the argument is neither a JWT nor a file', async () => {
    const r = await runCli(['verify', 'no-such-file.jwt', '--jwks', jwksFile]);
    expect(r.code).toBe(2);
  });

  it('a directory or an oversized file is a usage error (exit 2) naming the path, not a raw EISDIR', async () => {
    for (const arg of ['..', dir]) {
      const r = await runCli(['verify', arg, '--jwks', jwksFile]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('it is a directory');
      expect(r.stderr).toContain('[CERTIFICATE_FILE_UNREADABLE]');
      expect(r.stderr).not.toContain('EISDIR');
    }
    const big = join(dir, 'big.jwt');
    writeFileSync(big, 'a'.repeat(2 * 1024 * 1024));
    const r = await runCli(['verify', big, '--jwks', jwksFile, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'CERTIFICATE_FILE_UNREADABLE' });
  });
});
