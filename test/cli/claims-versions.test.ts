import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJwks, generateSigningKey, signCertificate } from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';
import { sampleClaims, sampleClaimsV2 } from '../support/claims.js';

/**
 * `passgeni verify` says which statements the issuer verified and which the client only asserted,
 * for the current claim set (version 2) and for certificates issued before it (version 1), which
 * still verify and are shown with their old meaning.
 */
describe('passgeni verify, by claims version', () => {
  const key = generateSigningKey();
  let jwksFile: string;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-versions-'));
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(buildJwks([key])));
  });

  it('version 2: verified claims and client assertions apart, the kind and the rotation basis named', async () => {
    const claims = sampleClaimsV2({ rotation_basis: 'clause' });
    claims.asserted.label = 'prod/db/admin';
    const jwt = await signCertificate(claims, key);
    const text = await runCli(['verify', jwt, '--jwks', jwksFile, '--issuer', 'https://issuer.test']);
    expect(text.code, text.stderr).toBe(0);
    const out = text.stdout;
    const verifiedAt = out.indexOf('verified by the issuer');
    const assertedAt = out.indexOf('asserted by the client (recorded, not verified)');
    expect(verifiedAt).toBeGreaterThan(0);
    expect(assertedAt).toBeGreaterThan(verifiedAt);
    // verified: standards, kind, entropy, rotation; asserted: time, FIPS mode, label
    for (const line of ['standards met', 'kind          user', 'entropy', 'rotate by']) {
      expect(out.indexOf(line), line).toBeGreaterThan(verifiedAt);
      expect(out.indexOf(line), line).toBeLessThan(assertedAt);
    }
    expect(out).toMatch(/rotate by .*\(the standard's clause for user credentials\)/);
    for (const line of ['generated at', 'FIPS mode     no', 'label         prod/db/admin']) {
      expect(out.indexOf(line), line).toBeGreaterThan(assertedAt);
    }
    expect(out).not.toMatch(/trusted/i);

    const json = await runCli([
      'verify',
      jwt,
      '--jwks',
      jwksFile,
      '--issuer',
      'https://issuer.test',
      '--json',
    ]);
    const report = JSON.parse(json.stdout);
    expect(report.valid).toBe(true);
    expect(report.claims.cert_version).toBe(2);
    expect(report.claims).not.toHaveProperty('entropy_source');
    expect(report.claims.asserted).toMatchObject({
      label: 'prod/db/admin',
      entropy_source: { fips_mode: false },
    });
  });

  it('version 1 certificates still verify, shown with their old meaning', async () => {
    const jwt = await signCertificate(sampleClaims({ label: 'legacy/db' }), key);
    const text = await runCli(['verify', jwt, '--jwks', jwksFile, '--issuer', 'https://issuer.test']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^VALID/);
    expect(text.stdout).toContain('kind          not recorded (version 1 certificate)');
    expect(text.stdout).toContain('asserted by the client (recorded, not verified; version 1 certificate)');
    expect(text.stdout).toContain('label         legacy/db');
    const json = JSON.parse(
      (await runCli(['verify', jwt, '--jwks', jwksFile, '--issuer', 'https://issuer.test', '--json'])).stdout,
    );
    expect(json.claims).toMatchObject({
      cert_version: 1,
      label: 'legacy/db',
      entropy_source: { fips_mode: false },
    });
  });

  it('refuses a version 2 certificate that puts client statements among the verified claims', async () => {
    const { asserted, ...rest } = sampleClaimsV2();
    const mixed = { ...rest, asserted, entropy_source: asserted.entropy_source };
    // signed by hand: signCertificate itself refuses claims the schema does not accept
    await expect(signCertificate(mixed as never, key)).rejects.toMatchObject({ code: 'INVALID_CLAIMS' });
  });
});
