import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { PolicyRequest, Violation } from '../../src/policy/index.js';
import {
  DEFAULT_CLASS_SETS,
  PolicyViolationError,
  STANDARD_IDS,
  resolvePolicy,
} from '../../src/policy/index.js';

/** A runtime in FIPS mode that named its provider, as the engine would report it. */
const FIPS_SOURCE = {
  fips_mode: true,
  fips_provider: { name: 'OpenSSL FIPS Provider', version: '3.0.9' },
};

function errorOf(request: PolicyRequest): InputError {
  // a hang would hit the test timeout; wall-clock limits belong in bench/
  try {
    resolvePolicy(request);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('resolvePolicy defaults', () => {
  it("uses all four classes and the standard's default length", () => {
    const policy = resolvePolicy({ standard: 'hipaa' });
    expect(policy.standard.id).toBe('HIPAA');
    expect(policy.length).toBe(20);
    expect(policy.charset.pool).toHaveLength(94);
    expect(policy.params).toMatchObject({
      length: 20,
      char_pool_size: 94,
      has_special: true,
      excluded_characters: 0,
    });
    expect(policy.entropyBits).toBe(130.92);
  });

  it('FIPS-140-3 from a FIPS-mode runtime that named its provider meets every standard whose rules it keeps, and no more', () => {
    const policy = resolvePolicy({ standard: 'FIPS-140-3', kind: 'user', randomSource: FIPS_SOURCE });
    expect(policy.length).toBe(24);
    // for a user password PCI DSS (8.3.9, 90 days) and the STIG (60 days, run limits) need a
    // rotation period FIPS does not set
    expect(policy.standardsMet).toEqual(STANDARD_IDS.filter((id) => id !== 'PCI-DSS' && id !== 'DOD-STIG'));
    // a service credential's PCI period is its own risk analysis (8.6.3); the STIG's 60 days stay
    const service = resolvePolicy({ standard: 'FIPS-140-3', randomSource: FIPS_SOURCE });
    expect(service.kind).toBe('service');
    expect(service.standardsMet).toEqual(STANDARD_IDS.filter((id) => id !== 'DOD-STIG'));
  });

  it('FIPS-140-3 is refused from a runtime not in FIPS mode, or whose provider is unnamed, or unknown', () => {
    for (const randomSource of [undefined, { fips_mode: false }]) {
      const error = errorOf({ standard: 'FIPS-140-3', randomSource });
      expect(error.code).toBe('FIPS_MODE_REQUIRED');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('--enable-fips');
      expect(error.message).toContain('crypto.getFips()');
    }
    const unnamed = errorOf({ standard: 'fips', randomSource: { fips_mode: true } });
    expect(unnamed.code).toBe('FIPS_PROVIDER_UNKNOWN');
    expect(unnamed.message).toContain('openssl list -providers');
  });

  it('a four-class 20+-character credential lists FIPS-140-3 only when its source is FIPS', () => {
    expect(resolvePolicy({ standard: 'HIPAA' }).standardsMet).not.toContain('FIPS-140-3');
    expect(
      resolvePolicy({ standard: 'HIPAA', randomSource: { fips_mode: true } }).standardsMet,
    ).not.toContain('FIPS-140-3');
    expect(resolvePolicy({ standard: 'HIPAA', randomSource: FIPS_SOURCE }).standardsMet).toContain(
      'FIPS-140-3',
    );
  });

  it('DOD-STIG carries its run limits and 60-day period, and so meets PCI DSS too; FIPS-140-3 only from a FIPS source', () => {
    const policy = resolvePolicy({ standard: 'DOD-STIG' });
    expect(policy.params).toMatchObject({ max_repeat: 3, max_class_repeat: 4 });
    expect(policy.standardsMet).toEqual(STANDARD_IDS.filter((id) => id !== 'FIPS-140-3'));
    expect(resolvePolicy({ standard: 'DOD-STIG', randomSource: FIPS_SOURCE }).standardsMet).toEqual([
      ...STANDARD_IDS,
    ]);
    expect(resolvePolicy({ standard: 'HIPAA' }).standardsMet).not.toContain('DOD-STIG');
  });

  it('a run-limited standard is generated up to 256 characters', () => {
    expect(errorOf({ standard: 'DOD-STIG', length: 257 }).code).toBe('IMPOSSIBLE_REQUEST');
    expect(resolvePolicy({ standard: 'DOD-STIG', length: 256 }).length).toBe(256);
  });

  it('a 12-character letters-and-digits PCI credential meets PCI-DSS only', () => {
    const policy = resolvePolicy({ standard: 'pci', length: 12, classes: ['upper', 'lower', 'digit'] });
    expect(policy.entropyBits).toBe(71.25);
    expect(policy.standardsMet).toEqual(['PCI-DSS']);
  });

  it('lets users strengthen a preset: longer, custom symbols, exclusions that keep the rules', () => {
    const policy = resolvePolicy({ standard: 'DOD-STIG', length: 40, symbols: '!#%+', exclude: 'O0Il1' });
    expect(policy.charset.classes.special).toBe('!#%+');
    expect(policy.params.excluded_characters).toBe(5);
    expect(policy.params.char_pool_size).toBe(25 + 24 + 8 + 4);
    expect(policy.standardsMet).toContain('DOD-STIG');
  });

  it('lets a standard without class rules drop classes while its rules still hold', () => {
    const request = { standard: 'NIST-800-63B', length: 16, classes: ['lower', 'digit'] } as const;
    const policy = resolvePolicy({ ...request, kind: 'user' });
    expect(policy.params).toMatchObject({ has_upper: false, has_special: false, char_pool_size: 36 });
    // lower-case letters and digits satisfy PCI DSS 8.3.6 (alphabetic and numeric), but NIST sets no
    // rotation period and PCI DSS does for user passwords (8.3.9), so it is not claimed
    expect(policy.standardsMet).toEqual(['NIST-800-63B', 'SOC2', 'ISO-27001']);
    // for a service credential PCI DSS 8.6.3 leaves the period to the risk analysis
    expect(resolvePolicy({ ...request, classes: [...request.classes] }).standardsMet).toEqual([
      'NIST-800-63B',
      'PCI-DSS',
      'SOC2',
      'ISO-27001',
    ]);
  });
});

describe('resolvePolicy refuses weaker requests', () => {
  it('lists every violated rule at once: HIPAA, 8 characters, digits excluded', () => {
    const error = errorOf({ standard: 'HIPAA', length: 8, exclude: DEFAULT_CLASS_SETS.digit });
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect(error.code).toBe('POLICY_VIOLATION');
    const violations = (error as PolicyViolationError).violations;
    expect(violations.map((v) => [v.rule, v.required])).toEqual([
      ['min-length', 15],
      ['required-class', 'digit'],
      ['min-entropy', 90],
    ]);
    expect(error.details?.violations).toEqual(violations);
    for (const v of violations) expect(error.message).toContain(v.message);
  });

  it('reports each missing required class when classes are left out', () => {
    const error = errorOf({ standard: 'CMMC-L2', classes: ['lower'] }) as PolicyViolationError;
    const missing = error.violations
      .filter((v: Violation) => v.rule === 'required-class')
      .map((v) => v.required);
    expect(missing).toEqual(['upper', 'digit', 'special']);
  });

  it('PCI needs a letter: digits and symbols only are refused', () => {
    const error = errorOf({ standard: 'PCI-DSS', classes: ['digit', 'special'] }) as PolicyViolationError;
    expect(error.violations.map((v) => [v.rule, v.required])).toContainEqual(['required-class', 'letter']);
  });

  it('reports low entropy from heavy exclusions even at a legal length', () => {
    const error = errorOf({
      standard: 'NIST-800-63B',
      length: 15,
      classes: ['digit'],
    }) as PolicyViolationError;
    expect(error.violations.map((v) => v.rule)).toEqual(['min-entropy']);
  });
});

describe('resolvePolicy refuses impossible requests', () => {
  it.each([4097, 0, -1, 20.5, Number.NaN])('length %s', (length) => {
    const error = errorOf({ standard: 'NIST', length });
    expect(error.code).toBe('IMPOSSIBLE_REQUEST');
    expect(error.message).toContain('4096');
  });

  it('a requested class fully excluded', () => {
    const error = errorOf({
      standard: 'FIPS',
      randomSource: FIPS_SOURCE,
      classes: ['upper', 'lower', 'digit', 'special'],
      exclude: '0123456789',
    });
    expect(error.code).toBe('IMPOSSIBLE_REQUEST');
    expect(error.message).toContain('digit');
  });

  it('a required class fully excluded is refused, naming the class', () => {
    const error = errorOf({
      standard: 'FIPS',
      randomSource: FIPS_SOURCE,
      exclude: DEFAULT_CLASS_SETS.special,
    });
    expect(error.code).toBe('POLICY_VIOLATION');
    expect(error.message).toMatch(/special character/);
  });

  it('excluding every character', () => {
    const error = errorOf({ standard: 'NIST', exclude: Object.values(DEFAULT_CLASS_SETS).join('') });
    expect(error.code).toBe('IMPOSSIBLE_REQUEST');
  });

  it('a length below the number of included classes', () => {
    const error = errorOf({ standard: 'NIST', length: 3 });
    expect(error.code).toBe('IMPOSSIBLE_REQUEST');
    expect(error.message).toMatch(/4 included classes/);
  });

  it('an unknown standard', () => {
    expect(errorOf({ standard: 'nope' }).code).toBe('UNKNOWN_STANDARD');
  });
});
