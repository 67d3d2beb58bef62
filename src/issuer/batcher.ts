/**
 * Group execution for the issuer's hot statements. Concurrent requests that need the same
 * statement are gathered and sent as one statement that handles them all (the SQL takes one row
 * per request). On PostgreSQL most of a small statement's cost is fixed — executor start-up for
 * the plan, locks, commit, the round trip, the driver — so sharing it among a few requests cuts
 * the cost of each by about two thirds (docs/performance.md).
 *
 * No request waits for company: a request that finds a free slot is sent at the end of the
 * current event-loop turn, together with whatever else arrived in that turn. Only while
 * `maxConcurrent` statements of this kind are already running do requests queue, and each one
 * that finishes takes the whole queue (up to `maxBatch`) with it.
 */
export interface BatcherOptions {
  /** Statements of this kind in flight at once. */
  maxConcurrent: number;
  /** Requests per statement. */
  maxBatch: number;
  /**
   * Whether a failed statement is retried one request at a time, so that one request's failure
   * does not fail the others. Safe because a failed statement changed nothing. Errors for which
   * this returns false (the database is down) fail the whole batch at once.
   */
  retrySingly: (error: unknown) => boolean;
  /** Told the size of each batch sent. */
  onBatch?: (size: number) => void;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class StatementBatcher<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private running = 0;
  private scheduled = false;

  /** `run` returns one result per item, in the items' order. */
  constructor(
    private readonly run: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.options.onBatch?.(batch.length);
      this.running++;
      void this.execute(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async execute(batch: Array<Pending<T, R>>): Promise<void> {
    try {
      settle(batch, await this.runChecked(batch.map((p) => p.item)));
    } catch (error) {
      if (batch.length === 1 || !this.options.retrySingly(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(
        batch.map(async (p) => {
          try {
            settle([p], await this.runChecked([p.item]));
          } catch (single) {
            p.reject(single);
          }
        }),
      );
    }
  }

  private async runChecked(items: readonly T[]): Promise<readonly R[]> {
    const results = await this.run(items);
    if (results.length !== items.length) {
      throw new Error(`batched statement returned ${results.length} results for ${items.length} requests`);
    }
    return results;
  }
}

function settle<T, R>(batch: Array<Pending<T, R>>, results: readonly R[]): void {
  batch.forEach((p, i) => p.resolve(results[i] as R));
}
