import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHAR_CLASSES, DEFAULT_CLASS_SETS, buildCharset } from '../../src/policy/index.js';

const PRINTABLE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');

describe('DEFAULT_CLASS_SETS', () => {
  it('splits the 94 printable ASCII characters (no space) into 26 + 26 + 10 + 32', () => {
    expect(DEFAULT_CLASS_SETS.upper).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(DEFAULT_CLASS_SETS.lower).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(DEFAULT_CLASS_SETS.digit).toBe('0123456789');
    expect(DEFAULT_CLASS_SETS.special).toHaveLength(32);
    expect(DEFAULT_CLASS_SETS.special).toMatch(/^[^A-Za-z0-9 ]+$/);
    expect([...CHAR_CLASSES.map((c) => DEFAULT_CLASS_SETS[c]).join('')].sort().join('')).toBe(PRINTABLE);
  });
});

describe('buildCharset', () => {
  it('defaults to all 94 characters with nothing excluded', () => {
    const charset = buildCharset();
    expect(charset.pool).toHaveLength(94);
    expect(charset.excludedCount).toBe(0);
    expect(charset.classes).toEqual(DEFAULT_CLASS_SETS);
  });

  it('removes excluded characters and counts only those that were in the chosen sets', () => {
    const charset = buildCharset({ exclude: `'"\\/@ é`, classes: ['lower', 'special'] });
    expect(charset.classes.special).not.toMatch(/['"\\/@]/);
    expect(charset.classes.special).toHaveLength(27);
    expect(charset.classes.upper).toBe('');
    expect(charset.classes.digit).toBe('');
    expect(charset.excludedCount).toBe(5); // space and é are in no set
    expect(charset.pool).toBe(charset.classes.lower + charset.classes.special);
  });

  it('replaces the special set with custom symbols, removing duplicates', () => {
    const charset = buildCharset({ symbols: '!!@#-#', exclude: '@' });
    expect(charset.classes.special).toBe('!#-');
    expect(charset.excludedCount).toBe(1);
    expect(charset.pool).toHaveLength(62 + 3);
  });

  it.each(['ab!', '! ', '€', '\t!', ''])('rejects the symbol set %j with INVALID_SYMBOLS', (symbols) => {
    expect(() => buildCharset({ symbols })).toThrow(
      expect.objectContaining({ code: 'INVALID_SYMBOLS', exitCode: 2 }),
    );
  });

  it('always yields disjoint classes drawn from the default sets (property)', () => {
    fc.assert(
      fc.property(
        fc.subarray([...CHAR_CLASSES]),
        fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 60 }),
        fc.option(
          fc.string({ unit: fc.constantFrom(...DEFAULT_CLASS_SETS.special), minLength: 1, maxLength: 40 }),
          {
            nil: undefined,
          },
        ),
        (classes, exclude, symbols) => {
          const charset = buildCharset({ classes, exclude, ...(symbols !== undefined && { symbols }) });
          const all = CHAR_CLASSES.map((c) => charset.classes[c]).join('');
          expect(new Set(all).size).toBe(all.length);
          expect(charset.pool).toBe(all);
          for (const c of CHAR_CLASSES) {
            for (const ch of charset.classes[c]) {
              expect(DEFAULT_CLASS_SETS[c]).toContain(ch);
              expect(exclude).not.toContain(ch);
            }
            if (!classes.includes(c)) expect(charset.classes[c]).toBe('');
          }
          const chosen = classes
            .map((c) =>
              c === 'special' && symbols !== undefined
                ? [...new Set(symbols)].join('')
                : DEFAULT_CLASS_SETS[c],
            )
            .join('');
          expect(charset.excludedCount).toBe([...chosen].filter((ch) => exclude.includes(ch)).length);
        },
      ),
    );
  });
});
