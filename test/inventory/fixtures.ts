import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore, type CertifyRequest } from '../../src/engine.js';
import { parseCertificateUrl } from '../../src/issuer-client/public.js';
import { parseTrustPair, TrustStore } from '../../src/trust/index.js';
import { afterAll, beforeAll } from 'vitest';
import { startTestIssuer, testClient, type TestIssuer } from '../support/issuer-server.js';

/**
 * A directory of file secrets in every state the registry distinguishes, all made the real way:
 * certified with the engine against a real issuer, revoked through it, tampered with on disk.
 *
 *   app.env       VALID (labelled "=1+2", a spreadsheet formula), REVOKED, MISSING (never certified),
 *                 BOUND (certified with a binding), TAMPERED (bound, then changed), UNKNOWN_ID
 *   short.env     SHORT, certified by an issuer whose certificates last 10 days (so: expiring)
 *   evil.json     a key and a label crafted to break out of HTML
 */
export async function registryFixture(
  dir: string,
  main: TestIssuer,
  shortLived: TestIssuer,
): Promise<{ urls: Record<string, string> }> {
  writeFileSync(join(dir, 'app.env'), 'VALID=x\nREVOKED=x\nMISSING=x\nBOUND=x\nTAMPERED=x\nUNKNOWN_ID=x\n');
  writeFileSync(join(dir, 'short.env'), 'SHORT=x\n');
  writeFileSync(join(dir, 'evil.json'), '{"<img src=x onerror=alert(1)>": "x"}\n');
  const open = (uri: string) => openStore(uri, { baseDir: dir });
  // A dotenv line cannot hold all three quote characters; rotation excludes the backtick for
  // .env stores for the same reason (src/rotation/manifest.ts).
  const certify = async (issuer: TestIssuer, request: CertifyRequest): Promise<string> =>
    (await certifyAndStore({ exclude: '`', ...request }, { issuer: testClient(issuer), openStore: open }))
      .cert_url;

  const urls: Record<string, string> = {};
  urls.VALID = await certify(main, { standard: 'HIPAA', stores: ['file://app.env#VALID'], label: '=1+2' });
  urls.REVOKED = await certify(main, { standard: 'SOC2', stores: ['file://app.env#REVOKED'] });
  urls.BOUND = await certify(main, {
    standard: 'PCI-DSS',
    // a user password: PCI DSS 8.3.9 sets its 90-day rotate_by
    kind: 'user',
    stores: ['file://app.env#BOUND'],
    bind: true,
    label: 'db|admin',
  });
  urls.TAMPERED = await certify(main, { standard: 'HIPAA', stores: ['file://app.env#TAMPERED'], bind: true });
  urls.UNKNOWN_ID = await certify(main, { standard: 'HIPAA', stores: ['file://app.env#UNKNOWN_ID'] });
  urls.SHORT = await certify(shortLived, { standard: 'SOC2', stores: ['file://short.env#SHORT'] });
  urls.EVIL = await certify(main, {
    standard: 'HIPAA',
    stores: ['file://evil.json#<img src=x onerror=alert(1)>'],
    label: '<script>alert("label")</script>',
  });
  await testClient(main).revokeCertificate(parseCertificateUrl(urls.REVOKED)?.id ?? '', 'compromised');

  // Someone replaced the bound credential by hand: the certificate no longer describes it.
  const tampered = await open('file://app.env#TAMPERED');
  await tampered.write({
    credential: 'replaced-by-hand-0123456789',
    certUrl: urls.TAMPERED,
    certId: 'manual',
  });
  // A record pointing at a certificate the issuer never issued.
  const unknown = await open('file://app.env#UNKNOWN_ID');
  const unknownUrl = `${main.url}/cert/00000000-0000-4000-8000-00000000abcd`;
  await unknown.write({ credential: 'another-value-0123456789', certUrl: unknownUrl, certId: 'manual' });
  urls.UNKNOWN_ID = unknownUrl;
  return { urls };
}

export interface Registry {
  main: TestIssuer;
  /** Issues certificates that last 10 days. */
  shortLived: TestIssuer;
  dir: string;
  urls: Record<string, string>;
}

/** Two issuers and a registryFixture directory for every test of the file (or describe). */
export function useRegistry(prefix: string): Registry {
  const registry = {} as Registry;
  beforeAll(async () => {
    const main = await startTestIssuer();
    const shortLived = await startTestIssuer({ certificateDays: 10 });
    const dir = mkdtempSync(join(tmpdir(), prefix));
    Object.assign(registry, { main, shortLived, dir, ...(await registryFixture(dir, main, shortLived)) });
  }, 120_000);
  afterAll(async () => {
    await registry.main?.close();
    await registry.shortLived?.close();
    if (registry.dir) rmSync(registry.dir, { recursive: true, force: true });
  });
  return registry;
}

/** The `ISSUER_ID=JWKS_URL` pair a user pins for a test issuer. */
export function trustPair(issuer: Pick<TestIssuer, 'trustLine'>): string {
  return issuer.trustLine;
}

/** `--trust` flags for these issuers. */
export function trustArgs(...issuers: Array<Pick<TestIssuer, 'trustLine'>>): string[] {
  return issuers.flatMap((issuer) => ['--trust', trustPair(issuer)]);
}

/** The trust a user configures for these issuers, with `fetch` (tests count requests). */
export function trustOf(
  issuers: Array<Pick<TestIssuer, 'trustLine'>>,
  fetch?: typeof globalThis.fetch,
): TrustStore {
  return new TrustStore(
    issuers.map((issuer) => parseTrustPair(trustPair(issuer), 'test')),
    fetch ? { fetch } : {},
  );
}
