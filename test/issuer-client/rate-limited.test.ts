import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { HttpIssuerClient, IssuerError } from '../../src/issuer-client/index.js';
import { AdaptivePacer } from '../../src/lib/pacer.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';

/** The issuer client pacing itself against a real issuer's per-key limits (429 + Retry-After). */
describe('the HTTP issuer client under rate limits', () => {
  let issuer: TestIssuer;
  let dir: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    dir = mkdtempSync(join(tmpdir(), 'passgeni-paced-client-'));
  });

  afterAll(async () => {
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits out 429s for as long as Retry-After says, so concurrent certify runs on one key all succeed', async () => {
    // a burst of 1, then one request a second: 4 runs × 2 requests need about 7 s
    const { key } = await issuer.issuer.createApiKey({ team: 'paced', perMinute: 60, burst: 1 });
    const client = new HttpIssuerClient({ url: issuer.url, apiKey: key });
    const started = Date.now();
    const reports = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        certifyAndStore(
          { standard: 'HIPAA', stores: [`file://${join(dir, `paced-${i}.env`)}#PASSWORD`] },
          { issuer: client, openStore: (uri) => openStore(uri) },
        ),
      ),
    );
    expect(new Set(reports.map((r) => r.cert_id)).size).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
  }, 60_000);

  it('reports a wait longer than its bound at once, saying when to come back and how to raise the limit', async () => {
    const { key } = await issuer.issuer.createApiKey({ team: 'bounded', perMinute: 1 });
    const client = new HttpIssuerClient({ url: issuer.url, apiKey: key, maxRateLimitWaitMs: 500 });
    const started = Date.now();
    // its one request a minute opens the session; the certificate request is refused
    const error = await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${join(dir, 'bounded.env')}#PASSWORD`] },
      { issuer: client, openStore: (uri) => openStore(uri) },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(IssuerError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, exitCode: 3 });
    expect((error as IssuerError).message).toMatch(
      /try again in \d+ s, or ask its operator for a key with a higher per-minute limit/,
    );
  });
});

describe('AdaptivePacer', () => {
  it('halves what is in flight on a refusal, holds everything for the wait, and grows back by 1/limit per success', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new AdaptivePacer(4, () => Date.now());
      const releases = await Promise.all([0, 1, 2, 3].map(() => pacer.acquire()));
      let fifth = false;
      const next = pacer.acquire().then((release) => {
        fifth = true;
        return release;
      });
      await vi.advanceTimersByTimeAsync(10);
      expect(fifth).toBe(false);
      // one congested moment: two refusals, one halving
      pacer.refused(1000, 1000);
      pacer.refused(1000, 1000);
      expect(pacer.limit).toBe(2);
      releases[0]?.(false);
      releases[1]?.(false);
      // two still in flight fill the halved limit; one passing makes room (and adds 1/2)
      releases[2]?.(true);
      expect(pacer.limit).toBe(2);
      // nothing starts before the wait is over, even with room
      await vi.advanceTimersByTimeAsync(900);
      expect(fifth).toBe(false);
      await vi.advanceTimersByTimeAsync(400);
      expect(fifth).toBe(true);
      const release = await next;
      // each success adds 1/limit: 2.5 → 2.9 → 3.24
      releases[3]?.(true);
      release(true);
      expect(pacer.limit).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
