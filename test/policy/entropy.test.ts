import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countStrings, exactEntropyBits } from '../../src/policy/index.js';

/** Counts by listing every string: each position takes a class index, weighted by class size. */
function bruteForceCount(length: number, sizes: number[]): bigint {
  const alphabet: number[] = []; // one entry per character: the index of its class
  sizes.forEach((n, cls) => {
    for (let i = 0; i < n; i++) alphabet.push(cls);
  });
  const needed = sizes.map((n) => n > 0);
  let count = 0n;
  const walk = (pos: number, counts: number[]): void => {
    if (pos === length) {
      if (needed.every((need, cls) => !need || (counts[cls] ?? 0) > 0)) count++;
      return;
    }
    for (const cls of alphabet) {
      counts[cls] = (counts[cls] ?? 0) + 1;
      walk(pos + 1, counts);
      counts[cls] = (counts[cls] ?? 0) - 1;
    }
  };
  walk(
    0,
    sizes.map(() => 0),
  );
  return count;
}

/** True when bits is exactly floor(100·log2(count))/100, checked in integers: c^100 vs 2^k. */
function isExactFloor(bits: number, count: bigint): boolean {
  const k = Math.round(bits * 100);
  if (Math.abs(bits * 100 - k) > 1e-9) return false; // not a 2-decimal value
  const c100 = count ** 100n;
  return c100 >= 1n << BigInt(k) && c100 < 1n << BigInt(k + 1);
}

describe('exactEntropyBits', () => {
  it('gives the reference figures for the 94-character pool with all four classes', () => {
    expect(exactEntropyBits(20, [26, 26, 10, 32])).toBe(130.92);
    expect(exactEntropyBits(15, [26, 26, 10, 32])).toBe(97.99);
    expect(exactEntropyBits(12, [26, 26, 10, 0])).toBe(71.25);
  });

  it('is below length × log2(pool) whenever a class constraint removes strings', () => {
    expect(exactEntropyBits(20, [26, 26, 10, 32])).toBeLessThan(20 * Math.log2(94));
    expect(exactEntropyBits(20, [94])).toBe(Math.floor(20 * Math.log2(94) * 100) / 100);
  });

  it('matches brute-force enumeration for small alphabets and lengths (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        (sizes, length) => {
          const pool = sizes.reduce((a, b) => a + b, 0);
          const classes = sizes.filter((n) => n > 0).length;
          fc.pre(pool > 0 && length >= classes && pool ** length <= 20_000);
          const count = bruteForceCount(length, sizes);
          expect(countStrings(length, sizes)).toBe(count);
          expect(isExactFloor(exactEntropyBits(length, sizes), count)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('floors exactly at large sizes too', () => {
    for (const length of [12, 15, 20, 24, 64, 128]) {
      const sizes = [26, 26, 10, 32];
      expect(isExactFloor(exactEntropyBits(length, sizes), countStrings(length, sizes))).toBe(true);
    }
  });

  it('never rounds up: 2^60 - 2 strings is 59.99 bits, where the float path says 60', () => {
    // Two one-character classes (e.g. only "A" and "a" left after exclusions), 60 characters:
    // 2^60 strings minus the two that use one class only.
    expect(countStrings(60, [1, 1])).toBe(2n ** 60n - 2n);
    expect(Math.log2(Number(2n ** 60n - 2n))).toBe(60); // what a naive float computation gives
    expect(exactEntropyBits(60, [1, 1])).toBe(59.99);
  });

  it('gives exact powers of two exactly', () => {
    expect(exactEntropyBits(10, [2])).toBe(10);
    expect(exactEntropyBits(64, [0, 0, 0, 16])).toBe(256);
  });

  it('handles the longest credential (the test timeout bounds it; timings belong in bench/)', () => {
    expect(exactEntropyBits(4096, [26, 26, 10, 32])).toBeGreaterThan(26_000);
  });

  it('rejects lengths that cannot hold one character of each class', () => {
    expect(() => exactEntropyBits(3, [26, 26, 10, 32])).toThrow(
      expect.objectContaining({ code: 'IMPOSSIBLE_REQUEST' }),
    );
    expect(() => exactEntropyBits(5, [0, 0, 0, 0])).toThrow(
      expect.objectContaining({ code: 'IMPOSSIBLE_REQUEST' }),
    );
  });
});
