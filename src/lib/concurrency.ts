/**
 * Maps an iterable (sync or async) with at most `limit` calls of `fn` in flight, yielding results
 * in the order of the input. Only the window of pending results is held, so memory does not grow
 * with the input, and the source is pulled only as fast as results are consumed (back-pressure
 * reaches an async source such as a paginated listing). The price of order: a slow head holds
 * the window until it is done.
 */
export async function* mapConcurrent<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError('limit must be a whole number of at least 1');
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const window: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < limit) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const pending = fn(next.value);
        // Awaited in order below; this only stops a rejection that is not yet awaited from
        // being reported as unhandled.
        pending.catch(() => {});
        window.push(pending);
      }
      const head = window.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
