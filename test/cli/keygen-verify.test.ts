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
import { computeCredentialBinding } from '../../src/certificate/binding.js';
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

describe('passgeni verify --credential-from checks the credential against the certified parameters', () => {
  // A client can obtain a binding over any value it likes: the binding proves only that the stored
  // value is the one bound, not that the certified parameters describe it.
  const weak = 'Password123!';

  it('a weak credential bound to a certificate that claims 24 characters fails, binding or not (exit 1)', async () => {
    const binding = await computeCredentialBinding(weak);
    const file = join(dir, 'weak.env');
    writeFileSync(file, `K=${weak}\n`);
    for (const jwt of [
      await signCertificate(sampleClaims({ credential_binding: binding }), key),
      await signCertificate(sampleClaims(), key),
    ]) {
      const r = await runCli([
        'verify',
        jwt,
        '--jwks',
        jwksFile,
        '--credential-from',
        `file://${file}#K`,
        '--json',
      ]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { reasons: Array<{ code: string; message: string }> };
      const misfit = report.reasons.find((reason) => reason.code === 'CREDENTIAL_PARAMS_MISMATCH');
      expect(misfit?.message).toContain('it is 12 characters long; the certificate says 24');
      expect(r.stdout + r.stderr).not.toContain(weak);
    }
  });

  it('a credential that fits (length, classes, run limits) passes; a class it should not hold fails', async () => {
    const params = {
      length: 8,
      has_upper: true,
      has_lower: true,
      has_numbers: true,
      has_special: false,
      char_pool_size: 62,
      excluded_characters: 32,
      class_sizes: { upper: 26, lower: 26, digit: 10, special: 0 },
      max_repeat: 2,
    };
    const bound = async (value: string) =>
      signCertificate(
        sampleClaims({
          generation_params: params,
          credential_binding: await computeCredentialBinding(value),
        }),
        key,
      );
    const check = async (value: string) => {
      const jwt = await bound(value);
      const file = join(dir, 'fit.env');
      writeFileSync(file, `K=${value}\n`);
      return runCli(['verify', jwt, '--jwks', jwksFile, '--credential-from', `file://${file}#K`, '--json']);
    };
    const fits = await check('aB3dE5gH');
    expect(fits.code, fits.stdout).toBe(0);
    const special = JSON.parse((await check('aB3dE5g!')).stdout) as { reasons: Array<{ message: string }> };
    expect(special.reasons[0]?.message).toContain(
      'it holds special characters; the certificate says none were drawn',
    );
    const repeated = JSON.parse((await check('aaaB3dE5')).stdout) as { reasons: Array<{ message: string }> };
    expect(special.reasons).toHaveLength(1); // the binding itself matches: only the fit fails
    expect(repeated.reasons[0]?.message).toContain('repeats a character 3 times in a row');
  });
});
