import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf } from '../../src/rotation/index.js';

const IDS = Array.from({ length: 600 }, (_, i) => `credential-${i}`);

describe('sharding', () => {
  it('parses I/N, 1-based, and rejects anything else as bad input', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '3', 'a/b', '1/3/5', '-1/3', '1/2000']) {
      expect(() => parseShard(bad), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_SHARD', exitCode: 2 }),
      );
    }
  });

  it('puts every credential in exactly one shard, for any number of runners', () => {
    for (let count = 1; count <= 8; count++) {
      const seen = new Map<string, number>();
      for (let index = 1; index <= count; index++) {
        for (const id of IDS.filter((i) => inShard(i, { index, count })))
          seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect(seen.size).toBe(IDS.length);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('depends on the id alone, not on its position in the manifest', () => {
    const before = IDS.map((id) => shardOf(id, 5));
    const reversed = [...IDS]
      .reverse()
      .map((id) => shardOf(id, 5))
      .reverse();
    expect(reversed).toEqual(before);
    // Known values pin the function: changing it would silently reshuffle every existing matrix.
    expect(['db-admin', 'ci-deploy', 'payments-api'].map((id) => shardOf(id, 3))).toEqual([1, 2, 3]);
  });

  it('spreads credentials evenly enough that no runner gets a pile-up', () => {
    const sizes = [1, 2, 3, 4].map((index) => IDS.filter((id) => inShard(id, { index, count: 4 })).length);
    for (const size of sizes) expect(size).toBeGreaterThan(600 / 4 - 45);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
  });

  it('selects everything without a shard', () => {
    expect(IDS.every((id) => inShard(id, undefined))).toBe(true);
  });
});
