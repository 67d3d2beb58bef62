import { describe, expect, it } from 'vitest';
import { createGenerator, generateCredential } from '../../src/generate/index.js';
import type { Charset, RunLimits } from '../../src/policy/index.js';
import {
  CHAR_CLASSES,
  countRunLimited,
  countStrings,
  exactEntropyBits,
  log2BigInt,
  resolvePolicy,
  runLimitsOf,
} from '../../src/policy/index.js';
import { chiSquareCritical, chiSquareUniform } from './stats.js';

const P = 1e-6;
const STIG: RunLimits = { maxRepeat: 3, maxClassRepeat: 4 };

/** Longest run of identical characters, and of characters of one class. */
function longestRuns(s: string, classOf: (ch: string) => number): { same: number; sameClass: number } {
  let same = 1;
  let sameClass = 1;
  let run = 1;
  let classRun = 1;
  for (let i = 1; i < s.length; i++) {
    run = s[i] === s[i - 1] ? run + 1 : 1;
    classRun = classOf(s[i]!) === classOf(s[i - 1]!) ? classRun + 1 : 1;
    same = Math.max(same, run);
    sameClass = Math.max(sameClass, classRun);
  }
  return { same, sameClass };
}

function classIndex(charset: Charset): (ch: string) => number {
  return (ch) => CHAR_CLASSES.findIndex((c) => charset.classes[c].includes(ch));
}

/** Every string of the given length over `alphabet`. */
function* allStrings(alphabet: string, length: number): Generator<string> {
  if (length === 0) {
    yield '';
    return;
  }
  for (const head of allStrings(alphabet, length - 1)) for (const ch of alphabet) yield head + ch;
}

function allowedStrings(charset: Charset, length: number, limits: RunLimits): string[] {
  const classOf = classIndex(charset);
  const needed = CHAR_CLASSES.map((c, i) => [charset.classes[c], i] as const).filter(([chars]) => chars);
  return [...allStrings(charset.pool, length)].filter((s) => {
    if (!needed.every(([, i]) => [...s].some((ch) => classOf(ch) === i))) return false;
    const runs = longestRuns(s, classOf);
    return (
      runs.same <= (limits.maxRepeat ?? Infinity) && runs.sameClass <= (limits.maxClassRepeat ?? Infinity)
    );
  });
}

/**
 * An independent count of the STIG-limited strings, by a different decomposition from the one the
 * product uses: a string is a sequence of class runs (each at most maxClassRepeat long, each
 * followed by a run of another class), and a class run of length l over n characters can be filled
 * in g(l, n) ways with no identical run longer than maxRepeat (brute-forced here, l ≤ 4).
 * `coverage[p][c]` counts the strings whose position p is in class c.
 */
function classRunCount(
  length: number,
  sizes: readonly number[],
  limits: { maxRepeat: number; maxClassRepeat: number },
) {
  const k = sizes.length;
  const full = (1 << k) - 1;
  const fill = (l: number, n: number): bigint => {
    let count = 0n;
    const alphabet =
      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*+-=?@^_()[]{}<>.,;:'.slice(0, n);
    if (n <= 12) {
      for (const s of allStrings(alphabet, l)) if (longestRuns(s, () => 0).same <= limits.maxRepeat) count++;
      return count;
    }
    // too many characters to enumerate: a run longer than maxRepeat within l ≤ 4 ≤ maxRepeat + 1
    // characters means all l are identical
    return BigInt(n) ** BigInt(l) - (l > limits.maxRepeat ? BigInt(n) : 0n);
  };
  const g = sizes.map((n) =>
    Array.from({ length: limits.maxClassRepeat + 1 }, (_, l) => (l ? fill(l, n) : 0n)),
  );
  // forward[i][mask][c]: prefixes of length i that end a run of class c (c = k: the empty prefix)
  const table = () =>
    Array.from({ length: length + 1 }, () =>
      Array.from({ length: full + 1 }, () => new Array<bigint>(k + 1).fill(0n)),
    );
  const forward = table();
  forward[0]![0]![k] = 1n;
  for (let i = 0; i < length; i++)
    for (let mask = 0; mask <= full; mask++)
      for (let c = 0; c <= k; c++) {
        const ways = forward[i]![mask]![c]!;
        if (!ways) continue;
        for (let d = 0; d < k; d++) {
          if (d === c) continue;
          for (let l = 1; l <= limits.maxClassRepeat && i + l <= length; l++)
            forward[i + l]![mask | (1 << d)]![d]! += ways * g[d]![l]!;
        }
      }
  // backward[j][mask][c]: ways to complete from j, classes `mask` seen, the last run of class c
  const backward = table();
  for (let j = length; j >= 0; j--)
    for (let mask = 0; mask <= full; mask++)
      for (let c = 0; c <= k; c++) {
        if (j === length) {
          backward[j]![mask]![c] = mask === full ? 1n : 0n;
          continue;
        }
        let ways = 0n;
        for (let d = 0; d < k; d++) {
          if (d === c) continue;
          for (let l = 1; l <= limits.maxClassRepeat && j + l <= length; l++)
            ways += g[d]![l]! * backward[j + l]![mask | (1 << d)]![d]!;
        }
        backward[j]![mask]![c] = ways;
      }
  const total = backward[0]![0]![k]!;
  const coverage = Array.from({ length }, () => new Array<bigint>(k).fill(0n));
  for (let i = 0; i < length; i++)
    for (let mask = 0; mask <= full; mask++)
      for (let c = 0; c <= k; c++) {
        const before = forward[i]![mask]![c]!;
        if (!before) continue;
        for (let d = 0; d < k; d++) {
          if (d === c) continue;
          for (let l = 1; l <= limits.maxClassRepeat && i + l <= length; l++) {
            const ways = before * g[d]![l]! * backward[i + l]![mask | (1 << d)]![d]!;
            for (let p = i; p < i + l; p++) coverage[p]![d]! += ways;
          }
        }
      }
  return { total, coverage };
}

describe('run limits: the count the entropy comes from', () => {
  it('equals a brute-force enumeration on small alphabets, for every limit and length tried', () => {
    const charset: Charset = {
      classes: { upper: 'AB', lower: 'c', digit: '123', special: '' },
      pool: 'ABc123',
      excludedCount: 0,
    };
    const sizes = CHAR_CLASSES.map((c) => charset.classes[c].length);
    const cases: RunLimits[] = [
      { maxRepeat: 1 },
      { maxRepeat: 2 },
      { maxClassRepeat: 1 },
      { maxClassRepeat: 2 },
      { maxRepeat: 2, maxClassRepeat: 3 },
      { maxRepeat: 3, maxClassRepeat: 2 },
      STIG,
    ];
    for (const limits of cases)
      for (let length = 1; length <= 7; length++) {
        expect(countRunLimited(length, sizes, limits), `${JSON.stringify(limits)} length ${length}`).toBe(
          BigInt(allowedStrings(charset, length, limits).length),
        );
      }
  });

  it('with limits no string reaches, equals the inclusion–exclusion count', () => {
    const sizes = [26, 26, 10, 32];
    for (const length of [4, 9, 20])
      expect(countRunLimited(length, sizes, { maxRepeat: length, maxClassRepeat: length })).toBe(
        countStrings(length, sizes),
      );
  });

  it('the STIG entropy equals an independent count (class runs) at every default and minimum length', () => {
    const sizes = [26, 26, 10, 32];
    for (const length of [15, 20, 24, 64]) {
      const { total } = classRunCount(length, sizes, { maxRepeat: 3, maxClassRepeat: 4 });
      expect(countStrings(length, sizes, STIG)).toBe(total);
      expect(exactEntropyBits(length, sizes, STIG)).toBe(Math.floor(log2BigInt(total) * 100) / 100);
    }
    // the run limits cost a fraction of a bit at 20 characters; the figure is the constrained one
    expect(exactEntropyBits(20, sizes, STIG)).toBeLessThan(exactEntropyBits(20, sizes));
    expect(resolvePolicy({ standard: 'DOD-STIG' }).entropyBits).toBe(exactEntropyBits(20, sizes, STIG));
  });

  it('refuses limits no string can keep to, with a clear error', () => {
    expect(() => exactEntropyBits(6, [0, 0, 10, 0], { maxClassRepeat: 4 })).toThrow(/run limits/);
  });
});

describe('run limits: the generator', () => {
  it('200,000 DOD-STIG credentials: none breaks maxrepeat 3 or maxclassrepeat 4, and each has all four classes', async () => {
    const policy = resolvePolicy({ standard: 'DOD-STIG' });
    expect(policy.params).toMatchObject({ max_repeat: 3, max_class_repeat: 4, length: 20 });
    const classOf = classIndex(policy.charset);
    const next = await createGenerator(policy.charset, policy.length, { limits: runLimitsOf(policy.params) });
    const sizes = CHAR_CLASSES.map((c) => policy.charset.classes[c].length);
    const { total, coverage } = classRunCount(policy.length, sizes, { maxRepeat: 3, maxClassRepeat: 4 });
    const N = 200_000;
    const classAt = Array.from({ length: policy.length }, () => [0, 0, 0, 0]);
    const charCounts = new Map<string, number>();
    let broken = 0;
    for (let n = 0; n < N; n++) {
      const s = next();
      const runs = longestRuns(s, classOf);
      if (runs.same > 3 || runs.sameClass > 4 || new Set([...s].map(classOf)).size !== 4) broken++;
      for (let p = 0; p < s.length; p++) {
        classAt[p]![classOf(s[p]!)]! += 1;
        charCounts.set(s[p]!, (charCounts.get(s[p]!) ?? 0) + 1);
      }
    }
    expect(broken).toBe(0);
    // each position's class against its exact probability under the uniform constrained distribution
    for (let p = 0; p < policy.length; p++) {
      const stat = classAt[p]!.reduce((sum, observed, c) => {
        const expected = (N * Number((coverage[p]![c]! * 1_000_000_000n) / total)) / 1e9;
        return sum + (observed - expected) ** 2 / expected;
      }, 0);
      expect(stat, `position ${p}`).toBeLessThan(chiSquareCritical(3, P));
    }
    // within a class, swapping two characters maps allowed strings onto allowed strings: uniform
    for (const cls of CHAR_CLASSES) {
      const chars = [...policy.charset.classes[cls]];
      const stat = chiSquareUniform(chars.map((ch) => charCounts.get(ch) ?? 0));
      expect(stat, cls).toBeLessThan(chiSquareCritical(chars.length - 1, P));
    }
  });

  it('every allowed whole string is equally likely under run limits (rejection keeps it uniform)', async () => {
    const charset: Charset = {
      classes: { upper: 'AB', lower: '', digit: '12', special: '' },
      pool: 'AB12',
      excludedCount: 0,
    };
    const limits: RunLimits = { maxRepeat: 1, maxClassRepeat: 2 };
    const allowed = allowedStrings(charset, 5, limits);
    expect(allowed.length).toBeGreaterThan(20);
    const counts = new Map(allowed.map((s) => [s, 0]));
    const next = await createGenerator(charset, 5, { limits });
    for (let i = 0; i < 200_000; i++) {
      const s = next();
      const seen = counts.get(s);
      if (seen === undefined) throw new Error(`generated ${s}, outside the allowed set`);
      counts.set(s, seen + 1);
    }
    expect(chiSquareUniform([...counts.values()])).toBeLessThan(chiSquareCritical(allowed.length - 1, P));
  });

  it('generateCredential applies the limits of the standard asked for', async () => {
    const credential = await generateCredential(resolvePolicy({ standard: 'DOD-STIG', length: 15 }));
    expect(credential.params).toMatchObject({ max_repeat: 3, max_class_repeat: 4 });
    expect(credential.standardsMet).toContain('DOD-STIG');
    expect(resolvePolicy({ standard: 'HIPAA' }).params.max_repeat).toBeUndefined();
  });
});
