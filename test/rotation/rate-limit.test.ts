import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WRITE_RATES,
  StoreRateLimiter,
  TokenBucket,
  parseRate,
  type Clock,
} from '../../src/rotation/index.js';

/**
 * A clock the test drives: sleeping advances it. `lateBy` makes every timer fire late (a loaded
 * event loop), `earlyBy` early (timers against a high-resolution clock), to show neither lets
 * writes bunch up.
 */
function virtualClock(
  options: { lateBy?: (n: number) => number; earlyBy?: number } = {},
): Clock & { sleeps: number[] } {
  let now = 1_000;
  let n = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      const early = options.earlyBy ?? 0;
      // Early by `earlyBy` on longer waits; a very short wait still lets some time pass.
      now += (ms > 2 * early ? ms - early : ms) + (options.lateBy?.(n++) ?? 0);
    },
  };
}

/** The most events found in any half-open window [t, t + 1000). */
function maxPerSecond(times: number[]): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= 1000) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

async function takeMany(bucket: TokenBucket, clock: Clock, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      await bucket.take();
      times.push(clock.now());
    }),
  );
  return times;
}

describe('token bucket', () => {
  it('spaces operations 1/rate apart and never puts more than the rate in a one-second window', async () => {
    const clock = virtualClock();
    const times = await takeMany(new TokenBucket(20, clock), clock, 200);
    expect(times).toHaveLength(200);
    expect(maxPerSecond(times)).toBe(20);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeCloseTo(50, 9);
    // The rate is used in full, less the guard's 1 % margin: 199 intervals of 50 ms, + <= 1.01 %.
    const span = (times.at(-1) as number) - (times[0] as number);
    expect(span).toBeGreaterThanOrEqual(199 * 50);
    expect(span).toBeLessThanOrEqual(199 * 50 * 1.0101);
  });

  it('makes up for late wake-ups without ever exceeding the rate in any window', async () => {
    // Every third timer fires 30 ms late. Timing tokens from the moment they are taken would lose
    // those 30 ms each time (~20 % of the rate); the schedule gets them back.
    const clock = virtualClock({ lateBy: (n) => (n % 3 === 0 ? 30 : 0) });
    const times = await takeMany(new TokenBucket(20, clock), clock, 200);
    expect(maxPerSecond(times)).toBeLessThanOrEqual(20);
    const span = (times.at(-1) as number) - (times[0] as number);
    expect(199 / (span / 1000)).toBeGreaterThan(20 * 0.97);
  });

  it('restarts its schedule after a stall or idleness instead of bursting to pay it back', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket(20, clock);
    await bucket.take();
    await clock.sleep(5_000);
    const times = await takeMany(bucket, clock, 5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(times[0]).toBe(6_000);
    expect(gaps).toEqual([50, 50, 50, 50]);

    // A wake-up 2 s late (longer than the guard window) is not paid back either.
    const stalled = virtualClock({ lateBy: (n) => (n === 5 ? 2_000 : 0) });
    const after = await takeMany(new TokenBucket(20, stalled), stalled, 30);
    const stallGaps = after.slice(1).map((t, i) => t - (after[i] as number));
    expect(Math.min(...stallGaps)).toBeCloseTo(50, 9);
    expect(maxPerSecond(after)).toBeLessThanOrEqual(20);
  });

  it('waits again when a timer fires early', async () => {
    const clock = virtualClock({ earlyBy: 3 });
    const times = await takeMany(new TokenBucket(10, clock), clock, 30);
    expect(maxPerSecond(times)).toBe(10);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(clock.sleeps.some((ms) => ms > 0 && ms <= 3)).toBe(true);
  });

  it('serves waiters in arrival order', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket(5, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets the first operation through at once and imposes nothing at an unlimited rate', async () => {
    const clock = virtualClock();
    await new TokenBucket(1, clock).take();
    await takeMany(new TokenBucket(Number.POSITIVE_INFINITY, clock), clock, 50);
    expect(clock.sleeps).toEqual([]);
    expect(() => new TokenBucket(0, clock)).toThrow(RangeError);
  });
});

describe('store rate limiter', () => {
  it('keeps each store kind under its own default, independently of the others', async () => {
    const clock = virtualClock();
    const limiter = new StoreRateLimiter({ clock });
    expect(limiter.rates).toEqual(DEFAULT_WRITE_RATES);
    const aws: number[] = [];
    const file: number[] = [];
    await Promise.all([
      ...Array.from({ length: 40 }, () => limiter.take('aws-sm').then(() => aws.push(clock.now()))),
      ...Array.from({ length: 40 }, () => limiter.take('file').then(() => file.push(clock.now()))),
    ]);
    expect(maxPerSecond(aws)).toBe(DEFAULT_WRITE_RATES['aws-sm']);
    // Files are not throttled: every file write went through before the first AWS wait ended.
    expect(Math.max(...file)).toBe(1_000);
  });

  it('caps every kind at --max-rate, never raising one', async () => {
    const limiter = new StoreRateLimiter({ maxRate: 20 });
    expect(limiter.rates).toEqual({
      'aws-sm': 16,
      vault: 20,
      doppler: 0.5,
      k8s: 20,
      file: 20,
      gh: 0.3,
      'gcp-sm': 4,
      'azure-kv': 10,
    });
  });
});

describe('parseRate', () => {
  it('reads whole and fractional rates above 0', () => {
    expect(parseRate('5')).toBe(5);
    expect(parseRate('0.5')).toBe(0.5);
  });

  it('rejects anything else with a hint at the setting', () => {
    for (const text of ['0', 'fast', '-1', '1e3', '']) {
      expect(() => parseRate(text)).toThrow(
        expect.objectContaining({ code: 'INVALID_MAX_RATE', hint: { option: 'max-rate', fix: 'check' } }),
      );
    }
  });
});
