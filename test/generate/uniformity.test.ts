import { describe, expect, it } from 'vitest';
import { createGenerator, isCommonPassword } from '../../src/generate/index.js';
import type { Charset } from '../../src/policy/index.js';
import { CHAR_CLASSES, buildCharset } from '../../src/policy/index.js';
import { chiSquareCritical, chiSquareUniform } from './stats.js';

const P = 1e-6;

/** Per class: the chi-square statistic of its characters' counts against uniform, and its critical value. */
function perClassChiSquare(
  charset: Charset,
  outputs: Iterable<string>,
): Array<{ cls: string; stat: number; critical: number }> {
  const counts = new Map<string, number>();
  for (const s of outputs) for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return CHAR_CLASSES.filter((cls) => charset.classes[cls].length > 1).map((cls) => {
    const chars = [...charset.classes[cls]];
    const stat = chiSquareUniform(chars.map((ch) => counts.get(ch) ?? 0));
    return { cls, stat, critical: chiSquareCritical(chars.length - 1, P) };
  });
}

function* take(next: () => string, n: number): Generator<string> {
  for (let i = 0; i < n; i++) yield next();
}

describe('uniformity', () => {
  it('characters within each class are uniform over 4 million characters (94-character pool)', async () => {
    const charset = buildCharset();
    const results = perClassChiSquare(charset, take(await createGenerator(charset, 20), 200_000));
    expect(results).toHaveLength(4);
    for (const r of results) expect(r.stat, `${r.cls}: ${r.stat} vs ${r.critical}`).toBeLessThan(r.critical);
  });

  it('stays uniform with exclusions and a custom symbol set (pool of 68)', async () => {
    const charset = buildCharset({ symbols: '!#$%&*+-=?@^_', exclude: 'O0Il1oi' });
    expect(charset.pool.length).toBe(24 + 23 + 8 + 13);
    const results = perClassChiSquare(charset, take(await createGenerator(charset, 16), 100_000));
    for (const r of results) expect(r.stat, `${r.cls}: ${r.stat} vs ${r.critical}`).toBeLessThan(r.critical);
  });

  it('every allowed whole string is equally likely (class and blocklist rejection keep it uniform)', async () => {
    // Upper-case A/B and digits 1/2, length 3: 4^3 strings minus those missing a class, minus any
    // the blocklist removes. Each must come up equally often.
    const charset: Charset = {
      classes: { upper: 'AB', lower: '', digit: '12', special: '' },
      pool: 'AB12',
      excludedCount: 0,
    };
    const allowed: string[] = [];
    for (const a of 'AB12')
      for (const b of 'AB12')
        for (const c of 'AB12') {
          const s = a + b + c;
          if (/[AB]/.test(s) && /[12]/.test(s) && !(await isCommonPassword(s))) allowed.push(s);
        }
    expect(allowed.length).toBeGreaterThan(40);
    const counts = new Map(allowed.map((s) => [s, 0]));
    const next = await createGenerator(charset, 3);
    for (let i = 0; i < 400_000; i++) {
      const s = next();
      const seen = counts.get(s);
      if (seen === undefined) throw new Error(`generated a string outside the allowed set`);
      counts.set(s, seen + 1);
    }
    const stat = chiSquareUniform([...counts.values()]);
    expect(stat).toBeLessThan(chiSquareCritical(allowed.length - 1, P));
  });

  it('has the power to see modulo bias: the same test rejects byte % n', () => {
    // The mistake the generator avoids: every byte used, reduced mod 94, so 68 characters are
    // 3/256 likely and 26 are 2/256. Within the special class that is far outside the bound.
    const charset = buildCharset();
    const pool = charset.pool;
    const bytes = new Uint8Array(20);
    const biased = (): string => {
      crypto.getRandomValues(bytes);
      let s = '';
      for (const b of bytes) s += pool[b % pool.length];
      return s;
    };
    const results = perClassChiSquare(charset, take(biased, 60_000));
    expect(results.some((r) => r.stat > r.critical)).toBe(true);
  });
});
