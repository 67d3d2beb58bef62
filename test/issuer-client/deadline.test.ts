import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPassgeniError } from '../../src/errors.js';
import { entropySource } from '../../src/certificate/entropy-source.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { fetchPublicCertificate } from '../../src/issuer-client/public.js';
import type { SessionRequest } from '../../src/issuer-client/types.js';
import { strongParams } from '../issuer/support/fixtures.js';

/**
 * The time limit of a request to an issuer, for public look-ups and for the issuing client alike.
 * It must end with the request: a limit left pending after its answer (as `AbortSignal.timeout`
 * leaves one) outlives the request by the whole limit, and over a bulk look-up or a rotation
 * issuing many certificates those pile up. Fake timers make both outcomes deterministic.
 */
const BASE = 'https://issuer.test';
const RECORD = JSON.stringify({ status: 'valid', certificate: 'a.b.c' });
const SESSION = JSON.stringify({
  generation_session_id: 'session-1',
  expires_at: '2026-11-22T12:01:00.000Z',
  entropy_bits: 130.92,
  standards_met: ['HIPAA'],
});
const REQUEST: SessionRequest = {
  standard: 'HIPAA',
  entropy_source: entropySource(),
  generation_params: strongParams(),
};

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
