import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../src/verification.js';
import type { Jwks } from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';

/**
 * A certificate in the hosted PassGeni service's form (iss passgeni.ai, cert_version "2.0"),
 * signed with a key of our own published as the service publishes its JWKS (ES256,
 * kid passgeni-cert-key-1): what an auditor holding a hosted JWT and the saved JWKS can check.
 */
const KID = 'passgeni-cert-key-1';
let jwks: Jwks;
let sign: (claims: Record<string, unknown>) => Promise<string>;
const now = Math.floor(Date.now() / 1000);

const hostedClaims = {
  cert_version: '2.0',
  compliance_standard: 'HIPAA',
  standards_met: ['HIPAA', 'SOC2'],
  generation_params: { length: 20, has_upper: true, has_lower: true, has_numbers: true, has_special: true },
  entropy_bits: 131.09,
  char_pool_size: 94,
  entropy_source: 'crypto.getRandomValues',
  sub: 'user_2abc',
  email: 'owner@acme.example',
};

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  jwks = { keys: [{ ...jwk, kid: KID, alg: 'ES256', use: 'sig' }] } as Jwks;
  sign = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
      .setIssuer('passgeni.ai')
      .setJti('c0ffee00-1111-4222-8333-444455556666')
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 365 * 86_400)
      .sign(privateKey);
});

describe('verify: hosted PassGeni certificates', () => {
  it('verifies the hosted claim set against its JWKS and warns that it carries personal data', async () => {
    const report = await verifyCertificate({
      certificate: await sign(hostedClaims),
      jwks,
      issuerId: 'passgeni.ai',
    });
    expect(report.reasons).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.claims).toMatchObject({
      iss: 'passgeni.ai',
      compliance_standard: 'HIPAA',
      email: 'owner@acme.example',
    });
    expect(report.warnings).toEqual([
      expect.objectContaining({
        code: 'PERSONAL_DATA',
        message: expect.stringContaining("account's e-mail address"),
      }),
    ]);
  });

  it('both S encodings of a hosted signature are accepted: the service does not normalise S', async () => {
    const jwt = await sign(hostedClaims);
    const [head, body, sig] = jwt.split('.') as [string, string, string];
    const bytes = Buffer.from(sig, 'base64url');
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const sValue = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
    const twin = Buffer.concat([
      bytes.subarray(0, 32),
      Buffer.from((n - sValue).toString(16).padStart(64, '0'), 'hex'),
    ]);
    for (const token of [jwt, `${head}.${body}.${twin.toString('base64url')}`]) {
      const report = await verifyCertificate({ certificate: token, jwks });
      expect(report.reasons).toEqual([]);
    }
  });

  it('a hosted certificate with a claim missing or mistyped is invalid, naming it', async () => {
    const { entropy_source: _gone, ...rest } = hostedClaims;
    const report = await verifyCertificate({
      certificate: await sign({ ...rest, generation_params: { length: 'twenty' } }),
      jwks,
    });
    expect(report.valid).toBe(false);
    const text = report.reasons.map((r) => `${r.code}: ${r.message}`).join('\n');
    expect(text).toContain('MISSING_CLAIMS: missing required claims: entropy_source');
    expect(text).toContain('generation_params.length');
  });

  it('the CLI prints the hosted claims and the warning, fully offline with --jwks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-hosted-verify-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));
    const run = await runCli(['verify', await sign(hostedClaims), '--jwks', join(dir, 'jwks.json')], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('VALID');
    expect(run.stdout).toContain('[PERSONAL_DATA]');
    expect(run.stdout).toContain('passgeni.ai (hosted PassGeni, claim set 2.0)');
    expect(run.stdout).toContain('131.09 bits, 20 characters from a pool of 94');
    expect(run.stdout).not.toContain('undefined');
  });
});
