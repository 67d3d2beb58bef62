import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { jwkThumbprint } from '../../src/certificate/index.js';
import { certifyAndStore } from '../../src/engine.js';
import type { InventoryRow } from '../../src/inventory/index.js';
import type { RotationReport } from '../../src/rotation/index.js';
import type { VerifyReport } from '../../src/verification.js';
import { runCli, startServe } from '../support/cli.js';
import { startForger, type Forger } from '../support/forger.js';
import { freePort, startTestIssuer, testClient, type TestIssuer } from '../support/issuer-server.js';

/**
 * The acceptance of trust anchors: a forger's server publishing a certificate for a weak
 * credential, signed with its own key and claiming to be the trusted issuer, referenced directly
 * and through a store's sidecar, is not valid for `verify`, `inventory` or `rotate`; a
 * certificate from the trusted issuer still is.
 */
let real: TestIssuer;
let impostor: Forger;
let dir: string;
let realUrl: string;
const WEAK = 'password123';

const trustReal = (): string[] => ['--trust', `${real.issuer.issuerId}=${real.url}/.well-known/jwks.json`];

beforeAll(async () => {
  real = await startTestIssuer();
  // Claims the trusted issuer's identity; its own key and kid.
  impostor = await startForger({ iss: real.issuer.issuerId, credential: WEAK });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-trust-'));
  writeFileSync(join(dir, 'app.env'), 'REAL=x\nFORGED=x\n');
  const open = (uri: string) => openStore(uri, { baseDir: dir });
  realUrl = (
    await certifyAndStore(
      { standard: 'HIPAA', stores: ['file://app.env#REAL'], bind: true, exclude: '`' },
      { issuer: testClient(real), openStore: open },
    )
  ).cert_url;
  // Whoever can write the sidecar (or set an AWS tag) points the secret at the forged certificate.
  const forged = await open('file://app.env#FORGED');
  await forged.write({ credential: WEAK, certUrl: impostor.certUrl, certId: impostor.id });
});

afterAll(async () => {
  await impostor?.close();
  await real?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('verify with trust configured', () => {
  it('refuses a certificate URL on a host no trusted issuer owns, without asking that host (exit 1)', async () => {
    impostor.requests.length = 0;
    const run = await runCli(['verify', impostor.certUrl, '--json', ...trustReal()]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report).toMatchObject({ valid: false, status: 'invalid' });
    expect(report.reasons.map((r) => r.code)).toEqual(['UNTRUSTED_ISSUER']);
    expect(report.reasons[0]?.message).toContain(impostor.url);
    expect(report.reasons[0]?.message).toContain(real.url);
    expect(impostor.requests).toEqual([]);
    const text = await runCli(['verify', impostor.certUrl, ...trustReal()]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^NOT VALID \(invalid\)\n {2}- The certificate is served from http:\/\/127\.0\.0\.1:\d+, which belongs to no trusted issuer .*\[UNTRUSTED_ISSUER\]/,
    );
    expect(text.stdout).toContain(
      '  status        not checked: the certificate was refused before any key or status was read',
    );
  });

  it('refuses a JWT claiming the trusted issuer but signed with another key, whatever its kid (exit 1)', async () => {
    const own = await runCli(['verify', impostor.jwt, '--json', ...trustReal()]);
    expect(own.code).toBe(1);
    expect((JSON.parse(own.stdout) as VerifyReport).reasons.map((r) => r.code)).toContain('UNKNOWN_KID');
    // The same forgery under the real issuer's own kid: the signature does not verify.
    const realKid = real.issuer.jwks().keys[0]?.kid ?? '';
    const twin = await startForger({ iss: real.issuer.issuerId, credential: WEAK, kid: realKid });
    try {
      const run = await runCli(['verify', twin.jwt, '--json', ...trustReal()]);
      expect(run.code).toBe(1);
      expect((JSON.parse(run.stdout) as VerifyReport).reasons.map((r) => r.code)).toContain('BAD_SIGNATURE');
    } finally {
      await twin.close();
    }
  });

  it('refuses a certificate whose iss is not the issuer its host belongs to (ISSUER_MISMATCH)', async () => {
    // The forger's host is trusted, but as another issuer: it cannot vouch for the real one.
    const run = await runCli([
      'verify',
      impostor.certUrl,
      '--json',
      '--trust',
      `https://partner.example=${impostor.url}/.well-known/jwks.json`,
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report.reasons.map((r) => r.code)).toEqual(['ISSUER_MISMATCH']);
    expect(report.reasons[0]?.message).toContain('https://partner.example');
  });

  it("verifies the trusted issuer's certificate (URL, JWT and id) with its pinned keys (exit 0)", async () => {
    const run = await runCli(
      ['verify', realUrl, '--json', '--credential-from', 'file://app.env#REAL', ...trustReal()],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report).toMatchObject({
      valid: true,
      live: true,
      binding: 'match',
      trust: { source: 'configured', issuer: real.issuer.issuerId },
    });
    const jwt = (await testClient(real).getCertificate(report.cert_id ?? '')).certificate;
    const byJwt = await runCli(['verify', jwt, '--json', ...trustReal()]);
    expect(byJwt.code).toBe(0);
    // The live status of a bare JWT is read from its trusted issuer.
    expect(JSON.parse(byJwt.stdout)).toMatchObject({
      valid: true,
      live: true,
      trust: { source: 'configured' },
    });
    const text = await runCli(['verify', realUrl, ...trustReal()]);
    expect(text.stdout).toContain(`  trust         ${real.issuer.issuerId} (a configured trusted issuer)`);
  });

  it('pins keys from a JWKS file: JWTs offline by iss; a file vouches for no host, so URLs are refused', async () => {
    writeFileSync(join(dir, 'real-jwks.json'), JSON.stringify(real.issuer.jwks()));
    const id = realUrl.slice(realUrl.lastIndexOf('/') + 1);
    const jwt = (await testClient(real).getCertificate(id)).certificate;
    const pin = ['--trust', `${real.issuer.issuerId}=real-jwks.json`];
    const offline = await runCli(['verify', jwt, '--json', ...pin], { cwd: dir });
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({
      valid: true,
      live: false,
      trust: { source: 'configured' },
    });
    // The issuer id is a URN, not a URL: nothing says which host serves its certificates.
    const byUrl = await runCli(['verify', realUrl, '--json', ...pin], { cwd: dir });
    expect(byUrl.code).toBe(1);
    expect((JSON.parse(byUrl.stdout) as VerifyReport).reasons.map((r) => r.code)).toEqual([
      'UNTRUSTED_ISSUER',
    ]);
  });

  it('reads PASSGENI_TRUST (comments, blank lines) and merges it with --trust', async () => {
    const file = join(dir, 'trust.txt');
    writeFileSync(file, `# our issuers\n\n${real.issuer.issuerId}=${real.url}/.well-known/jwks.json\n`);
    const run = await runCli(['verify', realUrl, '--json'], { env: { PASSGENI_TRUST: file } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ trust: { source: 'configured' } });
    const forged = await runCli(['verify', impostor.certUrl, '--json'], { env: { PASSGENI_TRUST: file } });
    expect(forged.code).toBe(1);
  });

  it('rejects a malformed trust pair or trust file with the line, before fetching anything (exit 2)', async () => {
    impostor.requests.length = 0;
    const pair = await runCli(['verify', impostor.certUrl, '--json', '--trust', 'no-equals-sign']);
    expect(pair.code).toBe(2);
    expect(JSON.parse(pair.stderr)).toMatchObject({ code: 'TRUST_INVALID' });
    expect(JSON.parse(pair.stderr).error).toMatch(/^--trust: "no-equals-sign" has no "="/);
    const file = join(dir, 'bad-trust.txt');
    writeFileSync(
      file,
      `# ok\n${real.issuer.issuerId}=${real.url}/.well-known/jwks.json\nhttps://x=ftp://keys\n`,
    );
    const bad = await runCli(['verify', impostor.certUrl, '--json'], { env: { PASSGENI_TRUST: file } });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error).toContain(`${file}:3`);
    const missing = await runCli([
      'verify',
      impostor.certUrl,
      '--trust',
      `${real.issuer.issuerId}=./no-such-jwks.json`,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    expect(impostor.requests).toEqual([]);
  });
});

describe('verify with no trust configured', () => {
  it("trusts the URL's own host for that one call, and says so (text and JSON)", async () => {
    const run = await runCli(['verify', impostor.certUrl]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `  trust         taken from the certificate URL's host ${impostor.url} (no --trust configured): anyone who controls that host could make this pass`,
    );
    const json = await runCli(['verify', impostor.certUrl, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      trust: { source: 'url', issuer: impostor.url },
    });
  });

  it('pins iss to the identity the host publishes: a token signed as another issuer is WRONG_ISSUER (exit 1)', async () => {
    const claiming = await startForger({
      iss: 'https://bank.example',
      credential: 'x',
      identity: 'urn:forger:1',
    });
    const honest = await startForger({ iss: 'urn:forger:2', credential: 'x', identity: 'urn:forger:2' });
    try {
      const run = await runCli(['verify', claiming.certUrl, '--json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as {
        reasons: Array<{ code: string }>;
        trust: { issuer: string };
      };
      expect(report.reasons.map((r) => r.code)).toContain('WRONG_ISSUER');
      expect(report.trust.issuer).toBe('urn:forger:1');
      const ok = await runCli(['verify', honest.certUrl, '--json']);
      expect(JSON.parse(ok.stdout)).toMatchObject({
        valid: true,
        trust: { source: 'url', issuer: 'urn:forger:2' },
      });
    } finally {
      await claiming.close();
      await honest.close();
    }
  });
});

describe('inventory', () => {
  it('lists the forged sidecar certificate as invalid with the reason, even with --check-binding (exit 1)', async () => {
    const run = await runCli(
      [
        'inventory',
        '--store-prefix',
        'file://app.env',
        '--format',
        'json',
        '--check-binding',
        ...trustReal(),
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout) as InventoryRow[];
    expect(rows.map((r) => [r.store, r.status])).toEqual([
      ['file://app.env#REAL', 'valid'],
      ['file://app.env#FORGED', 'invalid'],
    ]);
    expect(rows[1]?.detail).toContain('belongs to no trusted issuer');
    expect(rows[0]?.binding).toBe('match');
  });

  it('requires trust: no --trust, PASSGENI_TRUST or local issuer is a usage error (exit 2)', async () => {
    const run = await runCli(['inventory', '--store-prefix', 'file://app.env', '--json'], {
      cwd: dir,
      env: { PASSGENI_TRUST: '', PASSGENI_DATA_DIR: '' },
    });
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr) as { code: string; error: string };
    expect(error.code).toBe('TRUST_REQUIRED');
    expect(error.error).toContain('--trust ISSUER_ID=JWKS_URL');
    expect(error.error).toContain('PASSGENI_TRUST');
    expect(error.error).toContain('passgeni trust <issuer-url>');
  });

  it('without --store-prefix is a usage error (exit 2), not an empty report', async () => {
    const run = await runCli(['inventory', '--json'], { cwd: dir, env: { PASSGENI_TRUST: '' } });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'STORE_PREFIX_REQUIRED' });
  });
});

describe('rotate', () => {
  it('treats the forged certificate as invalid and rotates the credential; the real one stays current', async () => {
    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1
defaults: { standard: HIPAA }
credentials:
  - id: real
    stores: ["file://./app.env#REAL"]
  - id: forged
    stores: ["file://./app.env#FORGED"]
`,
    );
    const flags = ['--issuer-url', real.url, '--api-key', real.apiKey, '--json'];
    const dry = await runCli(['rotate', '--dry-run', ...flags], { cwd: dir });
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as RotationReport;
    expect(planned.rotated.map((e) => [e.id, e.reason])).toEqual([['forged', 'invalid']]);
    expect(planned.rotated[0]?.detail).toContain('belongs to no trusted issuer');
    expect(planned.skipped.map((e) => e.id)).toEqual(['real']);

    const run = await runCli(['rotate', ...flags], { cwd: dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as RotationReport;
    expect(report.rotated.map((e) => e.id)).toEqual(['forged']);
    expect(report.rotated[0]?.cert_url?.startsWith(`${real.url}/cert/`)).toBe(true);
    expect(readFileSync(join(dir, 'app.env'), 'utf8')).not.toContain(`FORGED=${WEAK}`);
    // Put the forgery back for the other tests of the file.
    const forged = await openStore('file://app.env#FORGED', { baseDir: dir });
    await forged.write({ credential: WEAK, certUrl: impostor.certUrl, certId: impostor.id });
  });
});

describe('passgeni trust', () => {
  it('pins a running `passgeni serve` from its identity document, and the pinned file verifies its certificates', async () => {
    const data = mkdtempSync(join(tmpdir(), 'passgeni-trust-serve-'));
    // Certified first by the local issuer on the data directory `serve` then publishes.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const certify = await runCli(
      [
        'certify',
        '--standard',
        'HIPAA',
        '--store',
        'file://./s.env#K',
        '--json',
        '--data-dir',
        data,
        '--public-url',
        url,
      ],
      { cwd: data },
    );
    expect(certify.code).toBe(0);
    const certUrl = (JSON.parse(certify.stdout) as { cert_url: string }).cert_url;
    const serve = await startServe(['--data-dir', data, '--public-url', url], { port });
    try {
      const identity = (await (await fetch(`${serve.url}/.well-known/passgeni-issuer`)).json()) as {
        issuer: string;
        jwks_uri: string;
        certificate_url_prefix: string;
        api: string;
        keys: Array<{ kid: string; thumbprint: string }>;
      };
      const jwks = (await (await fetch(`${serve.url}/.well-known/jwks.json`)).json()) as {
        keys: Array<{ kid: string; kty: string; crv: string; x: string; y: string }>;
      };
      // the identity the local issuer signed with, derived from the data directory's key
      expect(identity).toEqual({
        issuer: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwks.keys[0]?.kid}`,
        jwks_uri: `${serve.url}/.well-known/jwks.json`,
        certificate_url_prefix: `${serve.url}/cert/`,
        api: `${serve.url}/api/v1`,
        keys: jwks.keys.map((k) => ({ kid: k.kid, thumbprint: jwkThumbprint(k) })),
        // the transparency log, named by the same identity (docs/transparency.md)
        log: expect.objectContaining({
          origin: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwks.keys[0]?.kid}`,
          checkpoint_url: `${serve.url}/log/checkpoint`,
        }) as unknown,
      });

      const file = join(data, 'trust');
      const run = await runCli(['trust', serve.url, '--append', file]);
      expect(run.code).toBe(0);
      const line = `${identity.issuer}=${serve.url}/.well-known/jwks.json`;
      expect(run.stdout).toContain('trust on first use');
      expect(run.stdout).toContain(`thumbprint ${identity.keys[0]?.thumbprint ?? '?'}`);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(line);
      expect(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l === line),
      ).toHaveLength(1);
      // A second run appends nothing.
      const again = await runCli(['trust', serve.url, '--append', file]);
      expect(again.code).toBe(0);
      expect(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l === line),
      ).toHaveLength(1);

      // The pinned file makes a certificate of that issuer verify, and the forgery not.
      const ok = await runCli(['verify', certUrl, '--json'], { env: { PASSGENI_TRUST: file } });
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({
        trust: { source: 'configured', issuer: identity.issuer },
      });
      const forged = await runCli(['verify', impostor.certUrl, '--json'], { env: { PASSGENI_TRUST: file } });
      expect(forged.code).toBe(1);
    } finally {
      await serve.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('says when a URL publishes no identity document (exit 1)', async () => {
    const run = await runCli(['trust', impostor.url, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'ISSUER_IDENTITY_NOT_FOUND' });
  });
});
