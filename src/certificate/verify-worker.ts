import type * as WorkerThreads from 'node:worker_threads';
import type * as NodeCrypto from 'node:crypto';
import type { CheckerOptions, CoreChecks, CoreConstants, createCertificateCore } from './core.js';
import type { VerificationFailure } from './types.js';

/** What every worker is started with (plain data: it crosses the thread boundary). */
export interface WorkerInit {
  constants: CoreConstants;
  options: CheckerOptions;
  nowMs: number;
  checks: CoreChecks | undefined;
}

/** One chunk of tokens; null stands for an input that was not a string. */
export interface WorkerRequest {
  id: number;
  tokens: ReadonlyArray<string | null>;
}

/** 0 for a valid certificate, else its reasons: the main thread rebuilds claims itself (see verify-many.ts). */
export interface WorkerReply {
  id: number;
  results: Array<0 | VerificationFailure[]>;
}

/**
 * The body of a bulk-verification worker. Like createCertificateCore it is started from its own
 * source text, so it must stay self-contained (no outside references, helpers only as methods).
 */
export function runVerifyWorker(
  createCore: typeof createCertificateCore,
  load: (id: string) => unknown,
): void {
  const threads = load('node:worker_threads') as typeof WorkerThreads;
  const crypto = load('node:crypto') as typeof NodeCrypto;
  const port = threads.parentPort;
  const init = threads.workerData as WorkerInit;
  if (port === null) throw new Error('runVerifyWorker must run in a worker thread');
  const checker = createCore(crypto, init.constants).createChecker(init.options);
  port.on('message', function (request: WorkerRequest) {
    const tokens = request.tokens;
    const results: Array<0 | VerificationFailure[]> = new Array(tokens.length);
    // in groups, so parsed payloads (unused here: only reasons travel back) die young
    for (let start = 0; start < tokens.length; start += 64) {
      const outcomes = checker.checkMany(tokens.slice(start, start + 64), init.nowMs, init.checks, false);
      for (let i = 0; i < outcomes.length; i++) {
        const reasons = outcomes[i]?.reasons ?? [{ code: 'MALFORMED' as const, message: 'not checked' }];
        results[start + i] = reasons.length === 0 ? 0 : reasons;
      }
    }
    port.postMessage({ id: request.id, results } satisfies WorkerReply);
  });
}
