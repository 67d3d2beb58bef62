import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPassgeniError } from '../../src/errors.js';
import { entropySource } from '../../src/certificate/entropy-source.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import type { SessionRequest } from '../../src/issuer-client/types.js';

/**
 * The issuer client's per-request time limit ends with the request, as the public look-ups' does
 * (test/issuer-client/public.test.ts): rotation issues many certificates in one process, and a
 * limit left pending after its answer would outlive each request by the whole limit.
 */
const SESSION = JSON.stringify({
  generation_session_id: 'session-1',
  expires_at: '2026-11-22T12:01:00.000Z',
  entropy_bits: 130.92,
  standards_met: ['HIPAA'],
});
const REQUEST: SessionRequest = {
  standard: 'HIPAA',
  entropy_source: entropySource(),
  generation_params: {
    length: 20,
    has_upper: true,
    has_lower: true,
    has_numbers: true,
    has_special: true,
    char_pool_size: 94,
    excluded_characters: 0,
    class_sizes: { upper: 26, lower: 26, digit: 10, special: 32 },
  },
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('issuer client time limit', () => {
  it('is cleared as soon as the answer is read', async () => {
    let signal: AbortSignal | undefined;
    let timersDuringRequest = 0;
    const answering: typeof fetch = (_input, init) => {
      signal = init?.signal ?? undefined;
      timersDuringRequest = vi.getTimerCount();
      return Promise.resolve(new Response(SESSION, { status: 201 }));
    };
    const client = new HttpIssuerClient({
      url: 'https://issuer.test',
      apiKey: 'k',
      fetch: answering,
      timeoutMs: 1_000,
    });
    await expect(client.createSession(REQUEST)).resolves.toMatchObject({
      generation_session_id: 'session-1',
    });
    expect(timersDuringRequest).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(signal?.aborted).toBe(false);
  });

  it('aborts a request that gets no answer, reported as a timeout, and leaves no timer', async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const client = new HttpIssuerClient({
      url: 'https://issuer.test',
      apiKey: 'k',
      fetch: silent,
      timeoutMs: 1_000,
      maxAttempts: 1,
    });
    const pending = client.createSession(REQUEST).catch((error: unknown) => error);
    vi.advanceTimersByTime(1_000);
    const error = await pending;
    expect(isPassgeniError(error) && error.code).toBe('ISSUER_UNREACHABLE');
    expect(error instanceof Error && error.message).toContain('(timed out)');
    expect(vi.getTimerCount()).toBe(0);
  });
});
