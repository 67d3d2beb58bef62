import { getFips } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CERT_VERSION,
  claimsSchema,
  entropySource,
  parseClaims,
  type CertificateClaimsV1,
} from '../../src/certificate/index.js';
import { PassgeniError } from '../../src/errors.js';
import { sampleClaims as claims } from '../support/claims.js';

function withBinding(): CertificateClaimsV1 {
  return claims({
    label: 'prod/db/admin',
    nbf: claims().iat,
    credential_binding: {
      alg: 'scrypt',
      N: 32768,
      r: 8,
      p: 1,
      salt: 'AAECAwQFBgcICQoLDA0ODw',
      digest: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
    },
  });
}

function thrown(fn: () => unknown): PassgeniError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PassgeniError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseClaims / claimsSchema', () => {
  it('accepts complete claims, with and without the optional ones', () => {
    const full = withBinding();
    expect(parseClaims(full)).toEqual(full);
    const c = claims();
    expect(parseClaims(c)).toEqual(c);
    const { rotate_by: _r, ...minimal } = c;
    expect(parseClaims(minimal)).toEqual(minimal);
  });

  it('lists every issue in details.issues, as an input error (exit 2)', () => {
    const bad = {
      ...claims(),
      jti: 'not-a-uuid',
      entropy_bits: -1,
      generation_params: { ...claims().generation_params, has_upper: 'yes' },
      extra: 1,
    };
    const error = thrown(() => parseClaims(bad));
    expect(error.code).toBe('INVALID_CLAIMS');
    expect(error.exitCode).toBe(2);
    const paths = (error.details?.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['jti', 'entropy_bits', 'generation_params.has_upper']));
    expect(paths.length).toBeGreaterThanOrEqual(4); // and the unknown claim
  });

  it('never echoes claim values in the error', () => {
    const secretish = 'hunter2-correct-horse-battery';
    const error = thrown(() => parseClaims({ ...claims(), label: `${secretish}\u0007`, sub: 42 }));
    expect(JSON.stringify(error.toJSON())).not.toContain(secretish);
  });

  it('enforces the documented formats', () => {
    const reject = (overrides: Record<string, unknown>) =>
      expect(claimsSchema.safeParse({ ...claims(), ...overrides }).success, JSON.stringify(overrides)).toBe(
        false,
      );
    reject({ jti: 'A5F1C1E2-0000-4000-8000-000000000000' }); // upper case
    reject({ generated_at: '2026-06-01T00:00:00Z' }); // no milliseconds
    reject({ generated_at: '2026-02-29T00:00:00.000Z' }); // not a leap year
    reject({ generated_at: '2026-06-01T00:00:00.000+02:00' });
    reject({ label: 'x'.repeat(129) });
    reject({ label: 'bidi\u202eoverride' });
    reject({ label: '' });
    reject({ sub: 'line\nbreak' });
    reject({ compliance_standard: 'GDPR' });
    reject({ standards_met: ['HIPAA'] }); // must include compliance_standard (PCI-DSS)
    reject({ standards_met: ['PCI-DSS', 'PCI-DSS'] });
    reject({ exp: claims().iat });
    reject({ cert_version: CERT_VERSION + 1 });
    reject({ iat: 1.5 });
    reject({ iat: -1 });
    reject({ label: '\ud800' }); // a lone surrogate
    reject({ label: '😀'.repeat(129) });
    reject({ generated_at: '2026-06-01T24:00:00.000Z' });
    reject({ generated_at: '2026-06-01T23:59:60.000Z' }); // no leap seconds
    reject({ rotate_by: '2024-02-30T00:00:00Z' });
    reject({ rotate_by: '2026-13-01T00:00:00Z' });
    reject({ entropy_bits: 65_537 });
    reject({ entropy_source: { ...claims().entropy_source, extra: 1 } });
    reject({ generation_params: { ...claims().generation_params, length: 4097 } });
    reject({
      generation_params: {
        ...claims().generation_params,
        class_sizes: { ...claims().generation_params.class_sizes, emoji: 1 },
      },
    });
    for (const input of [null, 42, 'claims', [], [claims()]]) {
      expect(claimsSchema.safeParse(input).success).toBe(false);
    }
    const accept = (overrides: Record<string, unknown>) =>
      expect(claimsSchema.safeParse({ ...claims(), ...overrides }).success, JSON.stringify(overrides)).toBe(
        true,
      );
    accept({ generated_at: '2024-02-29T23:59:59.999Z' });
    accept({ label: '😀'.repeat(128) }); // 128 code points
    accept({ label: 'équipe/prod/db' });
    accept({ rotate_by: '2027-01-01T00:00:00Z' });
    accept({ label: 'e\u0301' }); // a combining mark is printable
  });

  it('bounds a credential binding so a certificate cannot ask for a ruinous scrypt', () => {
    const binding = withBinding().credential_binding;
    const reject = (b: Record<string, unknown>) =>
      expect(
        claimsSchema.safeParse({ ...withBinding(), credential_binding: { ...binding, ...b } }).success,
      ).toBe(false);
    reject({ N: 2 ** 21 });
    reject({ N: 3 * 2 ** 14 });
    reject({ N: 2 ** 20, r: 8 }); // 1 GiB
    reject({ r: 33 });
    reject({ p: 17 });
    reject({ salt: 'AAECAwQFBgcICQoLDA0ODx' }); // non-canonical trailing bits
    reject({ digest: 'AAEC' });
  });
});

describe('entropySource', () => {
  it('records the API, the runtime, OpenSSL and FIPS mode honestly', () => {
    expect(entropySource()).toEqual({
      api: 'crypto.getRandomValues',
      runtime: `node ${process.version}`,
      openssl: process.versions.openssl,
      fips_mode: getFips() === 1,
    });
  });
});
