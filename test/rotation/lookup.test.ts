import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/index.js';
import type * as Certificate from '../../src/certificate/index.js';
import { buildJwks, createVerifier, generateSigningKey } from '../../src/certificate/index.js';
import { CertificateLookup } from '../../src/rotation/lookup.js';
import { verifyCertificate } from '../../src/verification.js';
import { trustOf, useRegistry } from '../inventory/fixtures.js';

/**
 * The look-up that inventory and rotation run once per secret. What it shares across look-ups —
 * one JWKS request and one verifier per issuer, no built-in fetch — must not change a single
 * result against verifying each certificate on its own.
 */
vi.mock('../../src/certificate/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof Certificate>();
  return { ...original, createVerifier: vi.fn(original.createVerifier) };
});

const registry = useRegistry('passgeni-lookup-');
const trusted = (fetch?: typeof globalThis.fetch) => trustOf([registry.main, registry.shortLived], fetch);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every fixture certificate the issuers know, with the store that holds it. */
function known(): Array<[key: string, url: string]> {
  return Object.entries(registry.urls).filter(([key]) => key !== 'UNKNOWN_ID');
}

function storeOf(key: string): string {
  if (key === 'SHORT') return 'file://short.env#SHORT';
  if (key === 'EVIL') return 'file://evil.json#<img src=x onerror=alert(1)>';
  return `file://app.env#${key}`;
}

function counting(): { fetch: typeof fetch; requested: string[] } {
  const requested: string[] = [];
  return {
    requested,
    fetch: (input, init) => {
      requested.push(String(input));
      return fetch(input, init);
    },
  };
}

describe('certificate look-up', () => {
  it('builds one verifier per issuer from one JWKS request, however many certificates it checks', async () => {
    const { fetch, requested } = counting();
    const lookup = new CertificateLookup({ trust: trusted(fetch), fetch });
    const built = vi.mocked(createVerifier).mock.calls.length;
    for (let round = 0; round < 3; round++) {
      for (const [, url] of known()) expect((await lookup.check(url)).kind).toBe('verified');
    }
    expect(vi.mocked(createVerifier).mock.calls.length - built).toBe(2);
    expect(requested.filter((u) => u.endsWith('/.well-known/jwks.json')).sort()).toEqual(
      [
        `${registry.main.url}/.well-known/jwks.json`,
        `${registry.shortLived.url}/.well-known/jwks.json`,
      ].sort(),
    );
    expect(requested.filter((u) => u.includes('/cert/'))).toHaveLength(3 * known().length);
  });

  it('reports exactly what verifying each certificate on its own reports, binding included', async () => {
    const lookup = new CertificateLookup({ trust: trusted() });
    for (const [key, url] of known()) {
      const store = await openStore(storeOf(key), { baseDir: registry.dir });
      const shared = await lookup.check(url, store);
      const alone = await verifyCertificate({ certificate: url, credentialFrom: store, trust: trusted() });
      expect(shared, key).toEqual({ kind: 'verified', report: alone });
    }
    expect(await lookup.check(registry.urls.UNKNOWN_ID ?? '')).toMatchObject({ kind: 'not-found' });
  });

  it('asks the issuers over node:http, not the built-in fetch', async () => {
    // The built-in fetch registers every response for finalization, which V8's young-generation
    // collector never clears: over thousands of look-ups, peak memory grew with the run.
    const builtIn = vi.spyOn(globalThis, 'fetch');
    const lookup = new CertificateLookup({ trust: trusted() });
    for (const [, url] of known()) expect((await lookup.check(url)).kind).toBe('verified');
    expect(builtIn).not.toHaveBeenCalled();
  });

  it('rebuilds the verifier once when the issuer signs with a key its cached JWKS lacked', async () => {
    // The first JWKS answer predates a key rotation: it holds only a key the issuer no longer uses.
    const stale = JSON.stringify(buildJwks([generateSigningKey()]));
    const requested: string[] = [];
    let served = 0;
    const rotating: typeof fetch = (input, init) => {
      requested.push(String(input));
      if (String(input).endsWith('/.well-known/jwks.json') && served++ === 0) {
        return Promise.resolve(
          new Response(stale, { status: 200, headers: { 'content-type': 'application/json' } }),
        );
      }
      return fetch(input, init);
    };
    const lookup = new CertificateLookup({ trust: trusted(rotating), fetch: rotating });
    const built = vi.mocked(createVerifier).mock.calls.length;
    for (const key of ['VALID', 'BOUND', 'REVOKED']) {
      const found = await lookup.check(registry.urls[key] ?? '');
      expect(found.kind === 'verified' && found.report.reasons.map((r) => r.code), key).not.toContain(
        'UNKNOWN_KID',
      );
    }
    expect(requested.filter((u) => u.endsWith('/.well-known/jwks.json'))).toHaveLength(2);
    expect(vi.mocked(createVerifier).mock.calls.length - built).toBe(2);
  });
});
