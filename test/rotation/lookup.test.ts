import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { CertificateLookup } from '../../src/rotation/lookup.js';
import { verifyCertificate } from '../../src/verification.js';
import { registryFixture } from '../inventory/fixtures.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';

/**
 * The look-up that inventory and rotation run once per secret. What it does differently from a
 * single verification — one JWKS request per issuer, no built-in fetch — must not change a single
 * result against verifying each certificate on its own.
 */
let main: TestIssuer;
let shortLived: TestIssuer;
let dir: string;
let urls: Record<string, string>;

beforeAll(async () => {
  main = await startTestIssuer();
  shortLived = await startTestIssuer({ certificateDays: 10 });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-lookup-'));
  ({ urls } = await registryFixture(dir, main, shortLived));
});
afterAll(async () => {
  await main.close();
  await shortLived.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every fixture certificate the issuers know, with the store that holds it. */
function known(): Array<[key: string, url: string]> {
  return Object.entries(urls).filter(([key]) => key !== 'UNKNOWN_ID');
}

function storeOf(key: string): string {
  if (key === 'SHORT') return 'file://short.env#SHORT';
  if (key === 'EVIL') return 'file://evil.json#<img src=x onerror=alert(1)>';
  return `file://app.env#${key}`;
}

describe('certificate look-up', () => {
  it('reports exactly what verifying each certificate on its own reports, binding included', async () => {
    const lookup = new CertificateLookup();
    for (const [key, url] of known()) {
      const store = await openStore(storeOf(key), { baseDir: dir });
      const shared = await lookup.check(url, store);
      const alone = await verifyCertificate({ certificate: url, credentialFrom: store });
      expect(shared, key).toEqual({ kind: 'verified', report: alone });
    }
    expect(await lookup.check(urls.UNKNOWN_ID ?? '')).toMatchObject({ kind: 'not-found' });
  });

  it('asks the issuers over node:http, not the built-in fetch', async () => {
    // The built-in fetch registers every response for finalization, which V8's young-generation
    // collector never clears: over thousands of look-ups, peak memory grew with the run.
    const builtIn = vi.spyOn(globalThis, 'fetch');
    const lookup = new CertificateLookup();
    for (const [, url] of known()) expect((await lookup.check(url)).kind).toBe('verified');
    expect(builtIn).not.toHaveBeenCalled();
  });
});
