import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequestWithRetry, parseRetryAfter } from '../../src/lib/retry.js';
import type { RetryPolicy } from '../../src/lib/retry.js';

/** Retries against a real server that answers 503 with a Retry-After first, then 200. */
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function busyOnce(retryAfter: () => string): Promise<{ url: string; hits: number[] }> {
  const hits: number[] = [];
  server = createServer((_req, res) => {
    hits.push(Date.now());
    if (hits.length === 1) {
      res.writeHead(503, { 'retry-after': retryAfter() });
      res.end('busy');
    } else {
      res.end('ok');
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, hits };
}

const POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5_000 };
const busy = (response: { status: number }): boolean => response.status === 503;

describe('httpRequestWithRetry', () => {
  it('waits the seconds Retry-After asks for, then retries', async () => {
    const { url, hits } = await busyOnce(() => '1');
    const response = await httpRequestWithRetry(POLICY, { url }, busy);
    expect([response.status, response.text, response.attempts]).toEqual([200, 'ok', 2]);
    expect((hits[1] ?? 0) - (hits[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('waits until the HTTP date Retry-After names, then retries', async () => {
    // HTTP dates have whole seconds: two seconds ahead is at least one second of waiting.
    const { url, hits } = await busyOnce(() => new Date(Date.now() + 2_000).toUTCString());
    const response = await httpRequestWithRetry(POLICY, { url }, busy);
    expect([response.status, response.attempts]).toEqual([200, 2]);
    expect((hits[1] ?? 0) - (hits[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('does not wait longer than the policy allows: the busy answer is returned', async () => {
    const { url, hits } = await busyOnce(() => '60');
    const response = await httpRequestWithRetry(POLICY, { url }, busy);
    expect([response.status, response.attempts, hits.length]).toEqual([503, 1, 1]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
