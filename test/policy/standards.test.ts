import { describe, expect, it } from 'vitest';
import type { ClassRequirement, StandardId } from '../../src/policy/index.js';
import {
  STANDARDS,
  STANDARD_IDS,
  buildCharset,
  getStandard,
  paramsEntropyBits,
  paramsFromCharset,
  resolveStandard,
  standardsMet,
} from '../../src/policy/index.js';
import { InputError } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';

// The table from the brief, restated independently so an edit to standards.ts cannot pass unseen.
const EXPECTED: Record<
  StandardId,
  [
    certifiable: boolean,
    min: number,
    def: number,
    classes: ClassRequirement[],
    bits: number,
    /** User passwords' period; service credentials' are in test/policy/evidence.test.ts. */
    rotation: number,
    kind: string,
  ]
> = {
  'NIST-800-63B': [true, 15, 20, [], 80, 0, 'clause'],
  HIPAA: [true, 15, 20, ['upper', 'lower', 'digit', 'special'], 90, 0, 'product-baseline'],
  'PCI-DSS': [true, 12, 20, ['letter', 'digit'], 70, 90, 'clause'],
  SOC2: [true, 15, 20, [], 80, 0, 'product-baseline'],
  'ISO-27001': [true, 15, 20, [], 80, 0, 'product-baseline'],
  'FIPS-140-3': [true, 20, 24, ['upper', 'lower', 'digit', 'special'], 112, 0, 'product-baseline'],
  'DOD-STIG': [true, 15, 20, ['upper', 'lower', 'digit', 'special'], 90, 60, 'clause'],
  'CMMC-L2': [false, 15, 20, ['upper', 'lower', 'digit', 'special'], 90, 0, 'product-baseline'],
};

describe('standards table', () => {
  it('holds the eight standards in STANDARD_IDS order with the agreed values', () => {
    expect(STANDARDS.map((s) => s.id)).toEqual([...STANDARD_IDS]);
    for (const rule of STANDARDS) {
      const [certifiable, min, def, classes, bits, rotation, kind] = EXPECTED[rule.id];
      expect({ ...rule, basisKind: rule.basis.kind }).toMatchObject({
        id: rule.id,
        certifiable,
        minLength: min,
        defaultLength: def,
        requiredClasses: classes,
        minEntropyBits: bits,
        basisKind: kind,
      });
      expect(rule.kinds.user.rotationDays, rule.id).toBe(rotation);
      expect(rule.defaultLength).toBeGreaterThanOrEqual(rule.minLength);
      expect(rule.basis.sources.length).toBeGreaterThan(0);
    }
    expect(STANDARDS.filter((s) => s.certifiable)).toHaveLength(7);
    expect(
      STANDARDS.filter((s) => s.maxRepeat !== undefined).map((s) => [s.id, s.maxRepeat, s.maxClassRepeat]),
    ).toEqual([['DOD-STIG', 3, 4]]);
  });

  it('labels every number a framework does not set as a product baseline', () => {
    for (const rule of STANDARDS) {
      const texts = [
        rule.basis.length,
        rule.basis.classes,
        rule.basis.entropy,
        rule.kinds.service.rotation,
        rule.kinds.user.rotation,
      ];
      for (const text of texts) expect(text.length).toBeGreaterThan(20);
      // No framework in the table sets an entropy figure for passwords.
      expect(rule.basis.entropy).toMatch(/^Product baseline/);
      if (rule.basis.kind === 'product-baseline') {
        expect(rule.basis.length).toMatch(/^Product baseline/);
        expect(rule.basis.length).toMatch(/benchmarked|strictest/);
      }
    }
  });

  it('makes every minimum achievable: the minimum length with all four classes meets its own entropy floor', () => {
    for (const rule of STANDARDS) {
      const limits = { maxRepeat: rule.maxRepeat, maxClassRepeat: rule.maxClassRepeat };
      const params = paramsFromCharset(rule.minLength, buildCharset(), limits);
      expect(paramsEntropyBits(params), rule.id).toBeGreaterThanOrEqual(rule.minEntropyBits);
      const fips = { fips_mode: true, fips_provider: { name: 'OpenSSL FIPS Provider', version: '3.0.9' } };
      for (const kind of ['service', 'user'] as const) {
        const days = rule.kinds[kind].rotationDays;
        expect(standardsMet(params, kind, days, fips)).toContain(rule.id);
        // the claim about the random source is the only one a source can take away
        expect(standardsMet(params, kind, days).includes(rule.id), rule.id).toBe(
          rule.requiresFipsModule !== true,
        );
      }
    }
  });

  it('getStandard returns the entry for an id', () => {
    expect(getStandard('PCI-DSS').name).toBe('PCI DSS v4.0.1');
  });
});

describe('resolveStandard', () => {
  const aliases: Array<[string, StandardId]> = [
    ['hipaa', 'HIPAA'],
    ['pci', 'PCI-DSS'],
    ['pci dss', 'PCI-DSS'],
    ['pcidss', 'PCI-DSS'],
    ['PCI_DSS', 'PCI-DSS'],
    ['soc 2', 'SOC2'],
    ['soc2', 'SOC2'],
    ['iso27001', 'ISO-27001'],
    ['iso 27001', 'ISO-27001'],
    ['iso', 'ISO-27001'],
    ['fips', 'FIPS-140-3'],
    ['fips 140-3', 'FIPS-140-3'],
    ['fips140', 'FIPS-140-3'],
    ['nist', 'NIST-800-63B'],
    ['800-63b', 'NIST-800-63B'],
    ['nist 800-63b', 'NIST-800-63B'],
    ['dod', 'DOD-STIG'],
    ['stig', 'DOD-STIG'],
    ['dod stig', 'DOD-STIG'],
    ['cmmc', 'CMMC-L2'],
    ['cmmc l2', 'CMMC-L2'],
    [' Cmmc-L2 ', 'CMMC-L2'],
  ];
  it.each(aliases)('%j names %s', (input, id) => {
    expect(resolveStandard(input).id).toBe(id);
  });

  it('accepts every id in any case', () => {
    for (const id of STANDARD_IDS) {
      expect(resolveStandard(id.toLowerCase()).id).toBe(id);
      expect(resolveStandard(id).id).toBe(id);
    }
  });

  it('rejects an unknown name with UNKNOWN_STANDARD listing the valid ids', () => {
    const error = thrown(() => resolveStandard('gdpr'));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'UNKNOWN_STANDARD', exitCode: 2 });
    for (const id of STANDARD_IDS) expect((error as Error).message).toContain(id);
  });
});
