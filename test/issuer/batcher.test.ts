import { describe, expect, it } from 'vitest';
import { StatementBatcher } from '../../src/issuer/batcher.js';

/** A statement that doubles numbers and refuses negative ones, recording each batch it ran. */
function doubling(options: { maxConcurrent?: number; maxBatch?: number } = {}) {
  const batches: number[][] = [];
  let running = 0;
  let mostRunning = 0;
  const batcher = new StatementBatcher<number, number>(
    async (items) => {
      batches.push([...items]);
      running++;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (items.some((i) => i < 0)) throw new Error('negative');
      return items.map((i) => i * 2);
    },
    {
      maxConcurrent: options.maxConcurrent ?? 1,
      maxBatch: options.maxBatch ?? 64,
      retrySingly: (error) => (error as Error).message === 'negative',
    },
  );
  return { batcher, batches, mostRunning: () => mostRunning };
}

describe('StatementBatcher', () => {
  it('sends requests that arrive together as one statement, each getting its own result', async () => {
    const { batcher, batches } = doubling();
    expect(await Promise.all([1, 2, 3].map((i) => batcher.submit(i)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('queues while the statements allowed are running, then sends the queue together', async () => {
    const { batcher, batches, mostRunning } = doubling({ maxConcurrent: 1, maxBatch: 3 });
    const first = batcher.submit(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4, 5, 6].map((i) => batcher.submit(i));
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8, 10, 12]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(mostRunning()).toBe(1);
  });

  it('retries a failed batch one request at a time, so only the bad request fails', async () => {
    const { batcher, batches } = doubling();
    const results = await Promise.allSettled([1, -1, 3].map((i) => batcher.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      2,
      'negative',
      6,
    ]);
    expect(batches).toEqual([[1, -1, 3], [1], [-1], [3]]);
  });

  it('fails the whole batch at once for errors not worth retrying', async () => {
    const batcher = new StatementBatcher<number, number>(() => Promise.reject(new Error('database down')), {
      maxConcurrent: 1,
      maxBatch: 64,
      retrySingly: () => false,
    });
    const results = await Promise.allSettled([1, 2].map((i) => batcher.submit(i)));
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual([
      'database down',
      'database down',
    ]);
  });

  it('refuses a statement that answers for the wrong number of requests', async () => {
    const batcher = new StatementBatcher<number, number>(async () => [1], {
      maxConcurrent: 1,
      maxBatch: 64,
      retrySingly: () => false,
    });
    const results = await Promise.allSettled([1, 2].map((i) => batcher.submit(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
