import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, httpRequest } from './http.js';
import type { HttpRequest, HttpResponse } from './http.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** A server asking us to wait longer than this is not waited for: the caller reports it. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 30_000 };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * What to do after an attempt: `null` ends the loop (success, or an error not worth retrying);
 * a number asks for another attempt after at least that many milliseconds (0 = plain backoff).
 */
export type RetryClassifier<T> = (outcome: Outcome<T>) => number | null;

/**
 * Retries with capped exponential backoff and full jitter, so many runners rotating at once (a
 * matrix job) do not retry in lock-step. A server-supplied wait (Retry-After) replaces the backoff.
 * The last outcome is returned or thrown unchanged, for the caller to word.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  run: (attempt: number) => Promise<T>,
  classify: RetryClassifier<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await run(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const wait = classify(outcome);
    if (wait === null || attempt >= policy.maxAttempts || wait > policy.maxDelayMs) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await sleep(wait > 0 ? wait : backoff);
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * httpRequest, retried after a failed exchange (but not a body over the limit or a refused
 * redirect, which would fail again) and after the responses `retryable` names, honouring their
 * Retry-After. The response says how many attempts it took.
 */
export async function httpRequestWithRetry(
  policy: RetryPolicy,
  request: HttpRequest,
  retryable: (response: HttpResponse) => boolean,
): Promise<HttpResponse & { attempts: number }> {
  let attempts = 0;
  const response = await withRetry(
    policy,
    (attempt) => {
      attempts = attempt;
      return httpRequest(request);
    },
    (outcome) => {
      if (!outcome.ok) {
        const { error } = outcome;
        return error instanceof HttpError && !PERMANENT.has(error.code) ? 0 : null;
      }
      return retryable(outcome.value) ? (parseRetryAfter(outcome.value.headers['retry-after']) ?? 0) : null;
    },
  );
  return { ...response, attempts };
}

const PERMANENT = new Set(['TOO_LARGE', 'REDIRECT', 'PROTOCOL']);
