import { getFips } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CERT_VERSION,
  claimsSchema,
  entropySource,
  generateSigningKey,
  parseClaims,
  signCertificate,
  type CertificateClaims,
} from '../../src/certificate/index.js';
import { core } from '../../src/certificate/shared-core.js';
import { PassgeniError } from '../../src/errors.js';
import { claims } from './fixtures.js';

const key = generateSigningKey();

function withBinding(): CertificateClaims {
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
    const accept = (overrides: Record<string, unknown>) =>
      expect(claimsSchema.safeParse({ ...claims(), ...overrides }).success, JSON.stringify(overrides)).toBe(
        true,
      );
    accept({ generated_at: '2024-02-29T23:59:59.999Z' });
    accept({ label: '😀'.repeat(128) }); // 128 code points
    accept({ label: 'équipe/prod/db' });
    accept({ rotate_by: '2027-01-01T00:00:00Z' });
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

/** Values that sit on or just past the edges of the schema. */
const edgeValues: unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  1,
  -1,
  1.5,
  14,
  4096,
  4097,
  65_536,
  65_537,
  2 ** 14,
  2 ** 15,
  2 ** 20,
  2 ** 21,
  3 * 2 ** 14,
  32,
  33,
  16,
  17,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '1',
  'a',
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(256),
  'x'.repeat(257),
  '😀'.repeat(128),
  '😀'.repeat(129),
  '\u0007',
  'a\u2028b',
  '\ud800',
  'e\u0301',
  'scrypt',
  'SCRYPT',
  'PCI-DSS',
  'FIPS-140-3',
  'GDPR',
  '3f1c2a9e-0d6b-4f4e-8a7b-1c2d3e4f5a6b',
  '3F1C2A9E-0D6B-4F4E-8A7B-1C2D3E4F5A6B',
  '3f1c2a9e-0d6b-0f4e-8a7b-1c2d3e4f5a6b',
  '3f1c2a9e-0d6b-4f4e-7a7b-1c2d3e4f5a6b',
  '2026-06-01T00:00:00.000Z',
  '2026-06-01T00:00:00Z',
  '2026-06-01T00:00:00.5Z',
  '2024-02-29T12:00:00.000Z',
  '2023-02-29T12:00:00.000Z',
  '2026-04-31T00:00:00.000Z',
  '2026-13-01T00:00:00.000Z',
  '2026-06-01T24:00:00.000Z',
  '2026-06-01T23:59:60.000Z',
  '2026-06-01',
  'AAECAwQFBgcICQoLDA0ODw',
  'AAECAwQFBgcICQoLDA0ODx',
  'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
  'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-',
  'AAECAwQFBgcICQoLDA0OD+',
  [],
  ['PCI-DSS'],
  ['PCI-DSS', 'PCI-DSS'],
  ['PCI-DSS', 'HIPAA', 'SOC2', 'ISO-27001', 'NIST-800-63B', 'FIPS-140-3', 'DOD-STIG', 'CMMC-L2'],
  {},
  { upper: 26, lower: 26, digit: 10, special: 32 },
];

const paths: Array<readonly (string | number)[]> = [
  ...Object.keys(withBinding()).map((k) => [k]),
  ...Object.keys(claims().generation_params).map((k) => ['generation_params', k]),
  ...['upper', 'lower', 'digit', 'special', 'extra'].map((k) => ['generation_params', 'class_sizes', k]),
  ...['api', 'runtime', 'openssl', 'fips_mode', 'extra'].map((k) => ['entropy_source', k]),
  ...['alg', 'N', 'r', 'p', 'salt', 'digest', 'extra'].map((k) => ['credential_binding', k]),
  ['standards_met', 0],
  ['standards_met', 6],
  ['extra'],
  ['__proto__'],
];

/** One change to a claim set: a path and a value, edge values three times as often as any JSON. */
const claimMutation = fc.record({
  path: fc.constantFrom(...paths),
  value: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...edgeValues) },
    { weight: 1, arbitrary: fc.jsonValue() },
  ),
});

function mutate(base: Record<string, unknown>, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base);
  let target: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    const next = target[step];
    if (typeof next !== 'object' || next === null) return copy;
    target = next as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  try {
    if (value === undefined) Reflect.deleteProperty(target, last);
    else
      Reflect.defineProperty(target, last, { value, enumerable: true, configurable: true, writable: true });
  } catch {
    // a mutation JavaScript refuses (an array's length set to a string) is simply skipped
  }
  return copy;
}

function fastValidatorAccepts(input: unknown): boolean {
  try {
    signCertificate(input as CertificateClaims, key);
    return true;
  } catch (error) {
    if (error instanceof PassgeniError && error.code === 'INVALID_CLAIMS') return false;
    throw error;
  }
}

describe('the hot-path validator agrees with claimsSchema', () => {
  it('on thousands of mutated claim sets (fast-check)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(claimMutation, { minLength: 1, maxLength: 3 }),
        (binding, mutations) => {
          let input: unknown = binding ? withBinding() : claims();
          for (const m of mutations) input = mutate(input as Record<string, unknown>, m.path, m.value);
          const zod = claimsSchema.safeParse(input).success;
          if (zod) accepted++;
          expect(fastValidatorAccepts(input), JSON.stringify(input)).toBe(zod);
        },
      ),
      { numRuns: 4000 },
    );
    // the generator must reach both sides of the boundary, or the agreement proves little
    expect(accepted).toBeGreaterThan(200);
  });

  it('on non-objects', () => {
    for (const input of [null, undefined, 42, 'claims', [], [claims()]]) {
      expect(claimsSchema.safeParse(input).success).toBe(false);
      expect(fastValidatorAccepts(input)).toBe(false);
    }
  });
});

/** The full path's verdict on payload text: JSON.parse, then the hand validator. */
function fullPathAccepts(payload: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return false;
  }
  return core.claimIssues(parsed).length === 0;
}

/** Rewrites that leave the fast path's JSON subset (whitespace, escapes, repeats, number forms). */
const outsideSubset: Array<(json: string) => string> = [
  (j) => JSON.stringify(JSON.parse(j), null, 1),
  (j) => j.replace('"sub":"', '"sub": "'),
  (j) => j.replace(/"iss":"h/, '"iss":"\\u0068'),
  (j) => j.replace('"team_', '"t\u00e9am_'),
  (j) => `${j} `,
  (j) => j.slice(0, -1),
  (j) => j.slice(0, j.length >> 1),
  (j) => j.replace('{', '{"exp":1,'),
  (j) => j.replace(/}$/, ',"exp":1}'),
  (j) => j.replace(/}$/, ',"__proto__":{}}'),
  (j) => j.replace(/"iat":(\d+)/, '"iat":$1.0'),
  (j) => j.replace(/"iat":(\d+)/, '"iat":$1e0'),
  (j) => j.replace(/"iat":(\d+)/, '"iat":0$1'),
  (j) => j.replace(/"entropy_bits":[^,]+/, '"entropy_bits":1e2'),
  (j) => j.replace(/"entropy_bits":[^,]+/, '"entropy_bits":65536'),
  (j) => j.replace(/"entropy_bits":[^,]+/, '"entropy_bits":-0'),
  (j) => j.replace(/"entropy_bits":[^,]+/, '"entropy_bits":12.'),
  (j) => j.replace('"has_upper":true', '"has_upper":tru'),
  (j) => j.replace('"fips_mode":false', '"fips_mode":null'),
];

/** Rewrites inside the subset that sit on a rule's edge: both paths must give the same verdict. */
const ruleEdges: Array<(json: string) => string> = [
  (j) => j.replace(/"standards_met":\[/, '"standards_met":["PCI-DSS",'),
  (j) => j.replace(/"standards_met":\[[^\]]*\]/, '"standards_met":[]'),
  (j) => j.replace(/"jti":"[^"]*"/, '"jti":"3f1c2a9e-0d6b-4f4e-8a7b-1c2d3e4f5a6"'),
  (j) => j.replace(/"generated_at":"[^"]*"/, '"generated_at":"2026-06-01T00:00:00.000ZZ"'),
  (j) => j.replace(/"rotate_by":"[^"]*"/, '"rotate_by":"2024-02-30T00:00:00Z"'),
  (j) => j.replace(/"rotate_by":"[^"]*"/, '"rotate_by":"2024-02-29T00:00:00.1Z"'),
  (j) => j.replace(/"rotate_by":"[^"]*"/, '"rotate_by":"2024-02-29T00:00:00.Z"'),
  (j) => j.replace(/"salt":"[^"]*"/, '"salt":"AAECAwQFBgcICQoLDA0ODx"'),
  (j) => j.replace(/"salt":"[^"]*"/, '"salt":"AAECAwQFBgcICQoLDA0OD_"'),
  (j) => j.replace(/"N":\d+/, '"N":32767'),
  (j) => j.replace(/"N":\d+/, '"N":1048576'),
  (j) => j.replace(/"r":\d+/, '"r":32'),
  (j) => j.replace(/"r":\d+/, '"r":33'),
  (j) => j.replace(/"p":\d+/, '"p":16'),
  (j) => j.replace(/"exp":\d+/, '"exp":1780272000'),
  (j) => j.replace(/"cert_version":\d+/, '"cert_version":2'),
  (j) => j.replace(/"label":"[^"]*"/, `"label":"${'x'.repeat(128)}"`),
  (j) => j.replace(/"label":"[^"]*"/, `"label":"${'x'.repeat(129)}"`),
  (j) => j.replace(/"label":"[^"]*"/, '"label":""'),
];

/** A number form outside the fast path's subset, which it leaves to the full path by design. */
const OUTSIDE_NUMBERS = /\d{16}|\d[eE]|-0[,}\]]|"entropy_bits":65536[,}]/;

describe('the bulk fast path never accepts what the full path rejects', () => {
  it('on thousands of mutated claim sets, each written several ways (fast-check)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(claimMutation, { minLength: 0, maxLength: 3 }),
        fc.constantFrom<(json: string) => string>((j) => j, ...outsideSubset, ...ruleEdges),
        (binding, mutations, variant) => {
          let input: unknown = binding ? withBinding() : claims();
          for (const m of mutations) input = mutate(input as Record<string, unknown>, m.path, m.value);
          const canonical = JSON.stringify(input);
          const text = variant(canonical);
          const fast = core.fastPathAccepts(text);
          const full = fullPathAccepts(text);
          if (fast) accepted++;
          // the safety property: never valid on the fast path alone
          if (fast) expect(full, text).toBe(true);
          // and it takes what it should: everything valid written as JSON.stringify writes it
          if (text === canonical && !OUTSIDE_NUMBERS.test(text)) expect(fast, text).toBe(full);
        },
      ),
      { numRuns: 6000 },
    );
    expect(accepted).toBeGreaterThan(200);
  });

  it('takes canonical valid claims, with and without the optional claims', () => {
    expect(core.fastPathAccepts(JSON.stringify(claims()))).toBe(true);
    expect(core.fastPathAccepts(JSON.stringify(withBinding()))).toBe(true);
  });

  it('never reads past the payload into what an earlier token left in its buffer', () => {
    const whole = JSON.stringify(withBinding());
    expect(core.fastPathAccepts(whole)).toBe(true);
    for (const cut of [1, 2, 10, whole.length >> 1, whole.length - 2, whole.length - 1]) {
      expect(core.fastPathAccepts(whole.slice(0, cut)), whole.slice(0, cut)).toBe(false);
    }
  });

  it('leaves every rewrite outside its subset to the full path', () => {
    for (const variant of outsideSubset) {
      const text = variant(JSON.stringify(withBinding()));
      expect(core.fastPathAccepts(text), text).toBe(false);
    }
  });

  it('agrees with the full path on each rule edge', () => {
    for (const variant of ruleEdges) {
      const text = variant(JSON.stringify(withBinding()));
      expect(core.fastPathAccepts(text), text).toBe(fullPathAccepts(text));
    }
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
