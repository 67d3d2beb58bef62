import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  buildJwks,
  createVerifier,
  generateSigningKey,
  signCertificate,
  verifyMany,
  type VerificationResult,
} from '../../src/certificate/index.js';
import { DAY, ISSUER, NOW_MS, NOW_SEC, b64, claims, withSegment } from './fixtures.js';

const key = generateSigningKey();
const otherKey = generateSigningKey();
const jwks = buildJwks([key]);

/** A mixed batch: valid, expired, tampered, wrong issuer, unknown kid, malformed, in a fixed rotation. */
function mixedBatch(size: number): string[] {
  const valid = signCertificate(claims(), key);
  const kinds = [
    () => signCertificate(claims(), key),
    () => signCertificate(claims({ iat: NOW_SEC - 400 * DAY, exp: NOW_SEC - DAY }), key),
    () => withSegment(valid, 1, b64({ ...claims(), entropy_bits: 512 })),
    () => signCertificate(claims({ iss: 'https://evil.test' }), key),
    () => signCertificate(claims(), otherKey),
    () => 'not.a.jwt',
    () => `${b64({ alg: 'none', kid: key.kid })}.${b64(claims())}.`,
    // several reasons, the signature's among them: the order must match verify's
    () =>
      withSegment(
        valid,
        1,
        b64(claims({ iss: 'https://evil.test', iat: NOW_SEC - 400 * DAY, exp: NOW_SEC - DAY })),
      ),
  ];
  return Array.from({ length: size }, (_, i) => (kinds[i % kinds.length] as () => string)());
}

function summary(results: VerificationResult[]): string[] {
  return results.map((r) => (r.valid ? 'valid' : r.reasons.map((x) => x.code).join('+')));
}

describe('verifyMany', () => {
  const options = { jwks, issuer: ISSUER, now: () => NOW_MS };
  const verifier = createVerifier(options);

  it('agrees with verify on a mixed set, in input order, on 2 worker threads', async () => {
    const batch = mixedBatch(1400);
    const results = await verifyMany(batch, { ...options, workers: 2 });
    expect(results).toHaveLength(batch.length);
    expect(results).toEqual(batch.map((jwt) => verifier.verify(jwt)));
    expect(new Set(summary(results))).toEqual(
      new Set([
        'valid',
        'EXPIRED',
        'BAD_SIGNATURE',
        'WRONG_ISSUER',
        'UNKNOWN_KID',
        'MALFORMED',
        'ALG_NOT_ALLOWED',
        'BAD_SIGNATURE+WRONG_ISSUER+EXPIRED',
      ]),
    );
  });

  it('agrees with verify below the thread threshold, with workers: 0 and with more workers than cores', async () => {
    const batch = mixedBatch(300);
    const expected = batch.map((jwt) => verifier.verify(jwt));
    expect(await verifyMany(batch.slice(0, 20), options)).toEqual(expected.slice(0, 20));
    expect(await verifyMany(batch, { ...options, workers: 0 })).toEqual(expected);
    expect(await verifyMany(batch, { ...options, workers: 5 })).toEqual(expected);
    expect(await verifyMany([], options)).toEqual([]);
  });

  it('gives valid results whose claims are the signed claims (decoded on first read, then kept and writable)', async () => {
    const signed = Array.from({ length: 400 }, () => claims());
    const results = await verifyMany(
      signed.map((c) => signCertificate(c, key)),
      { ...options, workers: 2 },
    );
    results.forEach((r, i) => {
      expect(r.valid).toBe(true);
      if (!r.valid) return;
      expect(r.header).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
      expect(r.claims).toEqual(signed[i]);
      expect(r.claims).toBe(r.claims);
    });
    const first = results[0];
    if (first?.valid) {
      first.claims = { ...first.claims, label: 'edited' };
      expect(first.claims.label).toBe('edited');
      expect(JSON.parse(JSON.stringify(first)).claims.label).toBe('edited');
    }
  });

  it('judges the whole batch at one instant and applies checks to every certificate', async () => {
    const batch = Array.from({ length: 300 }, (_, i) =>
      signCertificate(claims({ exp: NOW_SEC + (i % 2 === 0 ? 10 : 100) * DAY }), key),
    );
    let calls = 0;
    const results = await verifyMany(batch, {
      ...options,
      now: () => {
        calls++;
        return NOW_MS;
      },
      workers: 2,
      checks: { minDaysRemaining: 30, requireStandard: 'PCI-DSS' },
    });
    expect(calls).toBe(1);
    expect(summary(results)).toEqual(batch.map((_, i) => (i % 2 === 0 ? 'EXPIRES_SOON' : 'valid')));
  });

  it('agrees with verify on signed payloads its workers read either way, and on each check', async () => {
    // Workers judge payloads written as the signer writes them without JSON.parse (core.ts, scan);
    // these are signed as written, so each is decided on its claims, whichever path reads it.
    const signText = (payload: string): string => {
      const header = b64({ alg: 'ES256', typ: 'JWT', kid: key.kid });
      const input = `${header}.${Buffer.from(payload).toString('base64url')}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: key.privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${input}.${signature.toString('base64url')}`;
    };
    const canonical = JSON.stringify(claims({ label: 'prod/db' }));
    const texts = [
      canonical,
      JSON.stringify(JSON.parse(canonical), null, 2),
      canonical.replace('"prod/db"', '"pr\\u006fd/db"'),
      canonical.replace('"prod/db"', '"pr\u00f6d/db"'),
      canonical.replace(/}$/, ',"iat":1}'),
      canonical.replace(/}$/, `,"nbf":${NOW_SEC + DAY}}`),
      canonical.replace(/}$/, `,"nbf":${NOW_SEC - DAY}}`),
      canonical.replace(/"exp":\d+/, `"exp":${NOW_SEC + 20 * DAY}`),
      canonical.replace(/"standards_met":\[[^\]]*\]/, '"standards_met":["PCI-DSS"]'),
      canonical.replace(/"iss":"[^"]*"/, '"iss":"https://issuer.tes"'),
    ];
    const batch = Array.from({ length: 300 }, (_, i) => signText(texts[i % texts.length] as string));
    // signatures of the wrong form on otherwise sound certificates: reported as such either way
    batch.push(signText(canonical).slice(0, -1), `${signText(canonical).slice(0, -2)}+A`);
    for (const checks of [undefined, { requireStandard: 'HIPAA' as const, minDaysRemaining: 30 }]) {
      const results = await verifyMany(batch, { ...options, workers: 2, ...(checks && { checks }) });
      expect(results).toEqual(batch.map((jwt) => verifier.verify(jwt, checks)));
      expect(new Set(summary(results)).size).toBeGreaterThan(checks ? 3 : 2);
    }
  });

  it('treats entries that are not strings as MALFORMED rather than failing the batch', async () => {
    const batch = [...mixedBatch(299), 42, null] as unknown as string[];
    const results = await verifyMany(batch, { ...options, workers: 2 });
    expect(summary(results).slice(-2)).toEqual(['MALFORMED', 'MALFORMED']);
  });

  it('rejects an unusable worker count or JWKS as input errors', async () => {
    await expect(verifyMany([], { ...options, workers: -1 })).rejects.toMatchObject({
      code: 'INVALID_VERIFY_OPTIONS',
    });
    await expect(verifyMany([], { ...options, workers: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_VERIFY_OPTIONS',
    });
    await expect(verifyMany([], { jwks: {} as never })).rejects.toMatchObject({ code: 'INVALID_JWKS' });
  });
});

describe('verifyMany after bundling', () => {
  const entry = fileURLToPath(new URL('../../src/certificate/index.ts', import.meta.url));

  // The CLI is bundled with esbuild; minification and keepNames are the transforms most likely to
  // break a worker started from function source, so the hardest combination is tested here.
  it.each([
    { name: 'minified with keepNames', minify: true, keepNames: true },
    { name: 'plain, like scripts/build.mjs', minify: false, keepNames: false },
  ])('runs its workers from a single $name bundle', async ({ minify, keepNames }) => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-bundle-'));
    const script = join(dir, 'check.ts');
    writeFileSync(
      script,
      `import { buildJwks, createVerifier, generateSigningKey, signCertificate, verifyMany } from ${JSON.stringify(entry)};
const key = generateSigningKey();
const now = Math.floor(Date.now() / 1000);
const claims = (iss: string) => ({
  jti: crypto.randomUUID(), iss, sub: 'team_1', iat: now, exp: now + 86400, cert_version: 1,
  compliance_standard: 'SOC2', standards_met: ['SOC2'],
  generation_params: { length: 20, has_upper: true, has_lower: true, has_numbers: true, has_special: false,
    char_pool_size: 62, excluded_characters: 0, class_sizes: { upper: 26, lower: 26, digit: 10, special: 0 } },
  entropy_bits: 119.08, entropy_source: { api: 'crypto.getRandomValues', runtime: 'node', openssl: '3', fips_mode: false },
  generation_session_id: 's1', generated_at: new Date().toISOString() });
const tokens = Array.from({ length: 600 }, (_, i) => signCertificate(claims(i % 3 === 0 ? 'https://evil' : 'https://ok') as never, key));
const options = { jwks: buildJwks([key]), issuer: 'https://ok' };
const results = await verifyMany(tokens, { ...options, workers: 2 });
const verifier = createVerifier(options);
const agree = results.every((r, i) => JSON.stringify(r) === JSON.stringify(verifier.verify(tokens[i] as string)));
console.log(JSON.stringify({ agree, valid: results.filter((r) => r.valid).length }));
`,
    );
    const out = join(dir, 'check.mjs');
    await build({
      entryPoints: [script],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify,
      keepNames,
      logLevel: 'silent',
    });
    const stdout = execFileSync(process.execPath, [out], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ agree: true, valid: 400 });
  });
});
