import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPassgeniError } from '../../src/errors.js';
import { fetchPublicCertificate } from '../../src/issuer-client/public.js';

/**
 * The time limit of a public look-up. It must end with the request: a limit left pending after
 * its answer (as `AbortSignal.timeout` leaves one) outlives the request by the whole limit, and
 * over a bulk look-up those pile up. Fake timers make both outcomes deterministic.
 */
const BASE = 'https://issuer.test';
const RECORD = JSON.stringify({ status: 'valid', certificate: 'a.b.c' });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('public look-up time limit', () => {
  it('is cleared as soon as the answer is read', async () => {
    let signal: AbortSignal | undefined;
    let timersDuringRequest = 0;
    const answering: typeof fetch = (_input, init) => {
      signal = init?.signal ?? undefined;
      timersDuringRequest = vi.getTimerCount();
      return Promise.resolve(new Response(RECORD, { status: 200 }));
    };
    await expect(fetchPublicCertificate(BASE, 'id', { fetch: answering, timeoutMs: 1_000 })).resolves.toEqual(
      { status: 'valid', certificate: 'a.b.c' },
    );
    expect(timersDuringRequest).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(signal?.aborted).toBe(false);
  });

  it('aborts a request that gets no answer, reported as a timeout', async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const pending = fetchPublicCertificate(BASE, 'id', { fetch: silent, timeoutMs: 1_000 }).catch(
      (error: unknown) => error,
    );
    vi.advanceTimersByTime(1_000);
    const error = await pending;
    expect(isPassgeniError(error) && error.code).toBe('ISSUER_UNREACHABLE');
    expect(error instanceof Error && error.message).toContain('(timed out)');
    expect(vi.getTimerCount()).toBe(0);
  });
});
