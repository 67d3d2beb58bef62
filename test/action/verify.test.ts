import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore, type CertifyReport } from '../../src/engine.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { STANDARD_IDS } from '../../src/policy/types.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { startForger, type Forger } from '../support/forger.js';
import { VERIFY_YML, runAction, type RunResult } from './support/run-action.js';

/**
 * The verify action as the runner runs it (dist/action/verify.js in its own process) against
 * certificates issued by a real issuer through the real engine.
 */
let issuer: TestIssuer;
/** Issues 10-day certificates, for min-days-remaining. */
let shortIssuer: TestIssuer;
let workspace: string;
let bound: CertifyReport;
let pci12: CertifyReport;
let shortLived: CertifyReport;

const NO_LIMITS = { ipCertificatesPerHour: 0, keyRequestsPerMinute: 0, keyBurst: 0 };

async function issue(
  on: TestIssuer,
  request: { standard: string; length?: number; store: string; bind?: boolean },
): Promise<CertifyReport> {
  return certifyAndStore(
    {
      standard: request.standard,
      stores: [request.store],
      ...(request.length && { length: request.length }),
      ...(request.bind && { bind: true }),
    },
    {
      issuer: new HttpIssuerClient({ url: on.url, apiKey: on.apiKey }),
      openStore: (uri) => openStore(uri, { baseDir: workspace }),
    },
  );
}

beforeAll(async () => {
  issuer = await startTestIssuer({ limits: NO_LIMITS });
  shortIssuer = await startTestIssuer({ limits: NO_LIMITS, certificateDays: 10 });
  workspace = mkdtempSync(join(tmpdir(), 'passgeni-verify-'));
  bound = await issue(issuer, { standard: 'HIPAA', store: 'file://./bound.json#DB_PASSWORD', bind: true });
  pci12 = await issue(issuer, { standard: 'PCI-DSS', length: 12, store: 'file://./pci.json#KEY' });
  shortLived = await issue(shortIssuer, { standard: 'SOC2', store: 'file://./short.json#KEY' });
});
afterAll(async () => {
  await issuer?.close();
  await shortIssuer?.close();
});

function verify(withInputs: Record<string, string>): Promise<RunResult> {
  return runAction(VERIFY_YML, { with: withInputs, workspace });
}

function errorLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}

describe('verify action', () => {
  it('a valid certificate URL: signature, claims and live status hold; outputs and summary say so', async () => {
    const result = await verify({ certificate: bound.cert_url });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs.status).toBe('valid');
    expect(result.outputs['cert-id']).toBe(bound.cert_id);
    expect(result.outputs['cert-url']).toBe(bound.cert_url);
    expect(result.outputs.reasons).toBe('[]');
    expect(result.outputs.binding).toBe('not-checked');
    const claims = JSON.parse(result.outputs.claims ?? '') as Record<string, unknown>;
    expect(claims).toMatchObject({
      jti: bound.cert_id,
      compliance_standard: 'HIPAA',
      iss: issuer.issuer.issuerId,
    });
    // the binding is the client's commitment, kept with its other statements
    expect(claims.asserted).toMatchObject({ credential_binding: { alg: 'scrypt' } });
    expect(result.summary).toContain('PassGeni certificate verification');
    expect(result.summary).toMatch(/<th align="left">Status<\/th><td>valid<\/td>/);
  });

  it('an id with issuer-url, and a JWT with issuer-url, are checked live', async () => {
    for (const certificate of [bound.cert_id, bound.certificate]) {
      const result = await verify({ certificate, 'issuer-url': issuer.url });
      expect(result.code, result.stdout).toBe(0);
      expect(result.outputs.status).toBe('valid');
      expect(result.stdout).not.toContain('::warning::');
    }
  });

  it('a JWT with inline (or URL) JWKS verifies without live status and warns about it', async () => {
    const jwks = await (await fetch(`${issuer.url}/.well-known/jwks.json`)).text();
    const result = await verify({ certificate: pci12.certificate, jwks });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.stdout).toContain('::warning::No issuer was asked for the live status');
    expect(result.summary).toContain('offline: no live status');

    const byUrl = await verify({
      certificate: pci12.certificate,
      jwks: `${issuer.url}/.well-known/jwks.json`,
    });
    expect(byUrl.code, byUrl.stdout).toBe(0);
    expect(byUrl.outputs.valid).toBe('true');
  });

  it('the JWKS can be a file in the workspace; a JWT signed by another issuer fails there', async () => {
    writeFileSync(
      join(workspace, 'jwks.json'),
      await (await fetch(`${issuer.url}/.well-known/jwks.json`)).text(),
    );
    const ok = await verify({ certificate: pci12.certificate, jwks: 'jwks.json' });
    expect(ok.code, ok.stdout).toBe(0);
    const foreign = await verify({ certificate: shortLived.certificate, jwks: 'jwks.json' });
    expect(foreign.code).toBe(1);
    expect(foreign.outputs.valid).toBe('false');
    expect(foreign.outputs.status).toBe('invalid');
    expect(JSON.parse(foreign.outputs.reasons ?? '[]')).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_KID' }),
    ]);
  });

  it('an id without issuer-url fails with the input to set', async () => {
    const result = await verify({ certificate: bound.cert_id });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toContain('Set the issuer-url input.');
    expect(result.outputs).toEqual({});
  });

  it("words the core's hint as inputs: a JWT with neither jwks nor issuer-url names both inputs, no flag", async () => {
    const result = await verify({ certificate: pci12.certificate });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([
      "::error::Verifying a certificate offline needs the issuer's public keys. Set the jwks input (a URL, a file or inline JSON) or the issuer-url input.",
    ]);
    expect(result.stdout).not.toMatch(/--[a-z]|PASSGENI_/);
  });

  it('require-standard: met passes; not met fails with STANDARD_NOT_MET; unknown lists the valid ones', async () => {
    const met = await verify({ certificate: pci12.cert_url, 'require-standard': 'PCI-DSS' });
    expect(met.code, met.stdout).toBe(0);

    const notMet = await verify({ certificate: pci12.cert_url, 'require-standard': 'FIPS-140-3' });
    expect(notMet.code).toBe(1);
    expect(notMet.outputs.valid).toBe('false');
    // the certificate is sound, but the outcome of the step is `invalid`, as documented
    expect(notMet.outputs.status).toBe('invalid');
    expect(JSON.parse(notMet.outputs.reasons ?? '[]')).toEqual([
      expect.objectContaining({ code: 'STANDARD_NOT_MET' }),
    ]);
    expect(errorLines(notMet)).toHaveLength(1);
    expect(errorLines(notMet)[0]).toContain('[STANDARD_NOT_MET]');
    expect(notMet.summary).toContain('STANDARD_NOT_MET');

    const unknown = await verify({ certificate: pci12.cert_url, 'require-standard': 'HIPPA' });
    expect(unknown.code).toBe(1);
    for (const id of STANDARD_IDS) expect(errorLines(unknown)[0]).toContain(id);
    expect(unknown.outputs).toEqual({});
  });

  it('min-days-remaining: a 10-day certificate fails a 30-day requirement and passes a 5-day one', async () => {
    const fails = await verify({ certificate: shortLived.cert_url, 'min-days-remaining': '30' });
    expect(fails.code).toBe(1);
    expect(JSON.parse(fails.outputs.reasons ?? '[]')).toEqual([
      expect.objectContaining({ code: 'EXPIRES_SOON' }),
    ]);
    const passes = await verify({ certificate: shortLived.cert_url, 'min-days-remaining': '5' });
    expect(passes.code, passes.stdout).toBe(0);
    const bad = await verify({ certificate: shortLived.cert_url, 'min-days-remaining': '-1' });
    expect(bad.code).toBe(1);
    expect(errorLines(bad)[0]).toContain("Input 'min-days-remaining' must be a whole number from 0 to 36500");
  });

  it('credential-from: the stored credential matches the binding; a changed one does not', async () => {
    const store = 'file://./bound.json#DB_PASSWORD';
    const match = await verify({ certificate: bound.cert_url, 'credential-from': store });
    expect(match.code, match.stdout).toBe(0);
    expect(match.outputs.binding).toBe('match');

    const unbound = await verify({ certificate: pci12.cert_url, 'credential-from': 'file://./pci.json#KEY' });
    expect(unbound.code).toBe(1);
    expect(unbound.outputs.binding).toBe('not-bound');
    expect(errorLines(unbound)[0]).toContain('Certify with bind-credential: true.');

    writeFileSync(join(workspace, 'changed.env'), 'DB_PASSWORD=not-the-certified-one-0123456789\n');
    const mismatch = await verify({
      certificate: bound.cert_url,
      'credential-from': 'file://./changed.env#DB_PASSWORD',
    });
    expect(mismatch.code).toBe(1);
    expect(mismatch.outputs.binding).toBe('mismatch');
    expect(mismatch.stdout).not.toContain('not-the-certified-one-0123456789');
  });

  it('a revoked certificate fails with the reason; fail-on-invalid: false only warns', async () => {
    const revoked = await issue(issuer, { standard: 'SOC2', store: 'file://./revoked.json#KEY' });
    await new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey }).revokeCertificate(
      revoked.cert_id,
      'key-compromise',
    );
    const result = await verify({ certificate: revoked.cert_url });
    expect(result.code).toBe(1);
    expect(result.outputs.status).toBe('revoked');
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toContain('reason: key-compromise');
    expect(result.summary).toContain('key-compromise');

    const audit = await verify({ certificate: revoked.cert_url, 'fail-on-invalid': 'false' });
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.outputs.valid).toBe('false');
    expect(audit.outputs.status).toBe('revoked');
    expect(audit.stdout).toContain('::warning::Certificate');
    expect(errorLines(audit)).toEqual([]);
  });
});

describe('verify action trust', () => {
  let forger: Forger;
  beforeAll(async () => {
    forger = await startForger({ iss: issuer.issuer.issuerId, credential: 'password123' });
  });
  afterAll(() => forger?.close());
  const trust = (): string => `# our issuer\n${issuer.trustLine}\n`;

  it("fails a forger's certificate URL when the issuer is pinned, and passes the pinned issuer's", async () => {
    const forged = await verify({ certificate: forger.certUrl, trust: trust() });
    expect(forged.code).toBe(1);
    expect(forged.outputs.valid).toBe('false');
    expect(JSON.parse(forged.outputs.reasons ?? '[]')).toEqual([
      expect.objectContaining({ code: 'UNTRUSTED_ISSUER' }),
    ]);
    expect(errorLines(forged).join('\n')).toContain('belongs to no trusted issuer');
    expect(forger.requests).toEqual([]);
    const real = await verify({ certificate: bound.cert_url, trust: trust() });
    expect(real.code, real.stdout).toBe(0);
    expect(JSON.parse(real.outputs.trust ?? '')).toEqual({
      source: 'configured',
      issuer: issuer.issuer.issuerId,
    });
    expect(real.stdout).not.toContain('::warning::');
  });

  it('warns when no issuer is trusted and the URL supplied its own keys', async () => {
    const result = await verify({ certificate: forger.certUrl });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.outputs.trust ?? '')).toEqual({ source: 'url', issuer: forger.url });
    expect(result.stdout).toMatch(/::warning::No issuer is trusted \(input 'trust'\)/);
  });

  it('fails the step on a malformed trust line, naming it', async () => {
    const result = await verify({ certificate: bound.cert_url, trust: `${issuer.url}\n` });
    expect(result.code).not.toBe(0);
    expect(errorLines(result).join('\n')).toMatch(/input 'trust' line:1: .* has no "="/);
  });
});
