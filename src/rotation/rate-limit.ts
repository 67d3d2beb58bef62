import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { StoreKind } from '../../adapters/store.js';
import { InputError } from '../errors.js';

/**
 * Writes per second each kind of store is given by default: under the services' quotas, counted
 * in the API requests one adapter write actually makes (../shared/research/adapters.md):
 *   - AWS Secrets Manager: PutSecretValue, UpdateSecret and UpdateSecretVersionStage share one
 *     quota of 50 requests/s per account and region. A write is one PutSecretValue and two
 *     UpdateSecretVersionStage calls (make the new version current, drop the pending label), so
 *     50 writes/s would be 150 requests/s; 16 writes/s is 48.
 *   - Doppler: 120 requests a minute per token. A write is three requests (read, update, note)
 *     and the rotation check reads once more, so 0.5 writes/s (30 a minute, 120 requests).
 *   - Kubernetes: no hard quota; 20/s keeps a rotation from crowding out controllers under the
 *     API server's default priority and fairness.
 *   - Vault has no quota unless an operator sets one; 100/s is polite to a small cluster.
 *   - A file store has no quota at all.
 * A maximum rate (`maxRate`) lowers every one of them; none is ever raised by it.
 */
export const DEFAULT_WRITE_RATES: Readonly<Record<StoreKind, number>> = {
  'aws-sm': 16,
  vault: 100,
  doppler: 0.5,
  k8s: 20,
  file: Number.POSITIVE_INFINITY,
  // GitHub's secondary rate limit for content-creating requests is about 80 a minute; each
  // write is three to four requests.
  gh: 0.3,
  // Secret Manager allows 600 write requests a minute per project; each write is two.
  'gcp-sm': 4,
  // Key Vault allows 300 secret transactions per 10 s per vault; each write is two.
  'azure-kv': 10,
};

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => delay(ms),
};

/**
 * A token bucket of capacity one whose tokens fall due on a fixed schedule (one every 1/rate s),
 * guarded by a sliding window. Services enforce a quota such as "50 per second" over any
 * one-second window, so:
 *
 *   - The guard is the guarantee: an operation waits until fewer than `n` operations happened in
 *     the last `n / rate` seconds plus 1 % (n = the rate rounded down, at least 1; for a
 *     whole-number rate: "fewer than `rate` in the last 1.01 s"). No window can ever hold more.
 *   - The schedule is what uses the rate in full. Timers fire late (a busy event loop, 1 ms timer
 *     granularity) and writers arrive late (the pipeline before the write hiccups); if each token
 *     were timed from the moment the last one was taken, every such delay would be lost for good
 *     and a nominal 20/s would deliver ~18/s. Tokens timed from the schedule let later writers
 *     make up for a delay of up to one guard window, and the guard keeps that catching-up within
 *     the quota. After a longer stall (or idleness) the schedule restarts from now.
 *
 * Waiters are served in arrival order (one promise chain), so a slow credential never starves.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private readonly clock: Clock;
  /** How many operations the guard window may hold, and its length. */
  private readonly windowCount: number;
  private readonly windowMs: number;
  /** Times of the last `windowCount` operations, oldest first. */
  private readonly recent: number[] = [];
  /** When the next token falls due on the schedule; -Infinity until the first take. */
  private dueAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();

  constructor(ratePerSecond: number, clock: Clock = realClock) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be greater than 0');
    this.intervalMs = Number.isFinite(ratePerSecond) ? 1000 / ratePerSecond : 0;
    this.windowCount = Math.max(1, Math.floor(ratePerSecond));
    // 1 % wider than exact: what the service counts is when requests arrive, a little after we
    // time them, and an exact boundary would let jitter put one request too many in a window.
    this.windowMs = ((this.windowCount * 1000) / ratePerSecond) * 1.01;
    this.clock = clock;
  }

  /** Resolves when the caller may perform one operation. */
  take(): Promise<void> {
    if (this.intervalMs === 0) return Promise.resolve();
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    // Timers can fire a little early against a high-resolution clock: re-check after every wake.
    for (;;) {
      const now = this.clock.now();
      if (now - this.dueAt > this.windowMs) this.dueAt = now;
      let wait = this.dueAt - now;
      if (this.recent.length === this.windowCount) {
        wait = Math.max(wait, (this.recent[0] as number) + this.windowMs - now);
      }
      if (wait <= 0) break;
      await this.clock.sleep(wait);
    }
    const now = this.clock.now();
    this.recent.push(now);
    if (this.recent.length > this.windowCount) this.recent.shift();
    this.dueAt += this.intervalMs;
  }
}

/** A maximum rate as the user wrote it; fractions are meaningful (Doppler's default is 0.5/s). */
export function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(rate > 0) || !Number.isFinite(rate)) {
    throw new InputError(
      'INVALID_MAX_RATE',
      `The maximum rate must be a number of writes per second above 0, e.g. 5 or 0.5; got ${JSON.stringify(text.slice(0, 60))}.`,
      { hint: { option: 'max-rate', fix: 'check' } },
    );
  }
  return rate;
}

/** One bucket per store kind; `maxRate` caps every kind. */
export class StoreRateLimiter {
  private readonly buckets = new Map<StoreKind, TokenBucket>();
  readonly rates: Readonly<Record<StoreKind, number>>;

  constructor(options: { maxRate?: number; clock?: Clock } = {}) {
    const rates = { ...DEFAULT_WRITE_RATES };
    for (const kind of Object.keys(rates) as StoreKind[]) {
      if (options.maxRate !== undefined) rates[kind] = Math.min(rates[kind], options.maxRate);
      this.buckets.set(kind, new TokenBucket(rates[kind], options.clock));
    }
    this.rates = rates;
  }

  take(kind: StoreKind): Promise<void> {
    return (this.buckets.get(kind) as TokenBucket).take();
  }
}
