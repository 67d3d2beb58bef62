import { performance } from 'node:perf_hooks';

/** Successes shorten the spacing between requests by this factor: the slow growth of AIMD. */
const SPACING_DECAY = 0.98;
/** Below this the spacing is dropped: the server's limits are far away again. */
const MIN_SPACING_MS = 50;
/** Spread over a pause, so clients refused together (a matrix of runners) do not return together. */
const JITTER_MS = 250;

/**
 * Paces the requests one client sends to a rate-limited server by what the server says (AIMD, as
 * TCP does on a congested link), instead of retrying into its limits, which spends the limit on
 * refusals and keeps every caller waiting:
 *
 *   - a refusal (429) halves how many requests may be in flight, once per wait the server asks for
 *     (a volley of 429s from one congested moment counts once), and nothing is sent until that
 *     wait is over; a refusal by a token bucket also spaces requests by the bucket's time between
 *     tokens, as the server states it;
 *   - each request that passes adds 1/limit to the in-flight limit (one more per round of
 *     successes) and shortens the spacing by 2 %, so the rate creeps back up to the limit.
 *
 * Urgent requests (retries, and requests that redeem something that expires) go first.
 */
export class AdaptivePacer {
  private window: number;
  private inFlight = 0;
  private spacingMs = 0;
  private lastStart = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private readonly urgent: Array<() => void> = [];
  private readonly normal: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly max: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(max >= 1)) throw new RangeError('max must be at least 1');
    this.window = max;
  }

  /** Requests that may be in flight now. */
  get limit(): number {
    return Math.max(1, Math.floor(this.window));
  }

  /**
   * Resolves when one more request may be sent; call the returned function with whether the
   * server accepted it (false: refused for its rate, and `refused` has been told).
   */
  async acquire(urgent = false): Promise<(passed: boolean) => void> {
    await new Promise<void>((resolve) => {
      (urgent ? this.urgent : this.normal).push(resolve);
      this.dispatch();
    });
    let done = false;
    return (passed) => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (passed) {
        this.window = Math.min(this.max, this.window + 1 / this.window);
        const spacing = this.spacingMs * SPACING_DECAY;
        this.spacingMs = spacing < MIN_SPACING_MS ? 0 : spacing;
      }
      this.dispatch();
    };
  }

  /**
   * The server refused a request for its rate and asked for this wait; `spacingMs` is the pace it
   * asked for (a token bucket's time between tokens), 0 when it named none.
   */
  refused(waitMs: number, spacingMs = 0): void {
    const now = this.now();
    if (now >= this.lastDecrease + Math.max(waitMs, 1000)) {
      this.window = Math.max(1, this.window / 2);
      this.lastDecrease = now;
    }
    this.spacingMs = Math.max(this.spacingMs, spacingMs);
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs + Math.random() * JITTER_MS);
  }

  /** Starts waiting requests while the limit, any pause and the spacing allow. */
  private dispatch(): void {
    while (this.inFlight < this.limit && this.urgent.length + this.normal.length > 0) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil, this.lastStart + this.spacingMs) - now;
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.dispatch();
        }, wait);
        return;
      }
      this.inFlight++;
      this.lastStart = now;
      ((this.urgent.shift() ?? this.normal.shift()) as () => void)();
    }
  }
}
