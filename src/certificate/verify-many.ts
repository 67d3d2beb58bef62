import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError, PassgeniError } from '../errors.js';
import { createCertificateCore } from './core.js';
import { tryDecodeClaims } from './decode.js';
import { CORE_CONSTANTS, core } from './shared-core.js';
import type {
  CertificateClaims,
  Jwks,
  VerificationFailure,
  VerificationResult,
  VerifiedHeader,
  VerifyChecks,
} from './types.js';
import { checkerOptions, coreChecks, toResult } from './verify.js';
import { runVerifyWorker } from './verify-worker.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './verify-worker.js';

export interface VerifyManyOptions {
  jwks: Jwks;
  issuer?: string | readonly string[];
  /** Read once: the whole batch is judged at the same instant. */
  now?: () => number;
  /** Worker threads; default os.availableParallelism(); 0 verifies on the calling thread. */
  workers?: number;
  clockToleranceSec?: number;
  checks?: VerifyChecks;
}

/** Below this, starting threads (~10-20 ms each) costs more than verifying in place. */
const INLINE_BELOW = 256;
const MIN_CHUNK = 64;
/** One postMessage per chunk: large enough to amortise the hop, small enough to balance load. */
const MAX_CHUNK = 2048;
const MAX_WORKERS = 256;

let workerSource: string | undefined;

/**
 * Workers run from source text rather than a file: under vitest/tsx there is only a .ts file a bare
 * worker cannot load, and in the bundled CLI there is no separate worker file at all. Both functions
 * are self-contained by design (see core.ts), so their toString() is valid JavaScript in any build,
 * and the rules live in exactly one place. `require` exists in eval workers and loads node builtins only.
 */
function source(): string {
  workerSource ??= `'use strict';\n(${runVerifyWorker.toString()})(${createCertificateCore.toString()}, require);\n`;
  return workerSource;
}

/**
 * A valid result for a token a worker verified. Its claims are decoded from that same text on first
 * read and then kept: copying parsed claims between threads costs as much as parsing them again,
 * and many bulk callers (counting, filtering on validity) never read them at all.
 */
function validResult(jwt: string, header: VerifiedHeader): VerificationResult {
  // same key order as createVerifier's results, so both serialise identically
  return {
    valid: true,
    get claims(): CertificateClaims {
      const first = jwt.indexOf('.');
      const second = jwt.indexOf('.', first + 1);
      const value = JSON.parse(
        Buffer.from(jwt.slice(first + 1, second), 'base64url').toString('utf8'),
      ) as CertificateClaims;
      Object.defineProperty(this, 'claims', { value, writable: true, enumerable: true, configurable: true });
      return value;
    },
    set claims(value: CertificateClaims) {
      Object.defineProperty(this, 'claims', { value, writable: true, enumerable: true, configurable: true });
    },
    header,
  };
}

function invalidResult(jwt: unknown, reasons: VerificationFailure[]): VerificationResult {
  const claims = tryDecodeClaims(jwt);
  return claims === undefined ? { valid: false, reasons } : { valid: false, reasons, claims };
}

function workerFailed(detail: string): PassgeniError {
  return new PassgeniError(
    'VERIFY_WORKER_FAILED',
    `A bulk-verification worker failed (${detail}). Retry; if it persists, verify with workers: 0 and report the issue.`,
  );
}

function runPool(
  jwts: readonly unknown[],
  init: WorkerInit,
  workerCount: number,
): Promise<VerificationResult[]> {
  const total = jwts.length;
  const results: VerificationResult[] = new Array<VerificationResult>(total);
  const chunkSize = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(total / (workerCount * 8))));
  const chunkCount = Math.ceil(total / chunkSize);
  const threads: Worker[] = [];
  let nextChunk = 0;
  let doneChunks = 0;
  let settled = false;

  return new Promise<VerificationResult[]>((resolve, reject) => {
    const finish = (error?: PassgeniError): void => {
      if (settled) return;
      settled = true;
      for (const thread of threads) void thread.terminate();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const send = (thread: Worker): void => {
      if (nextChunk >= chunkCount) return;
      const id = nextChunk++;
      const start = id * chunkSize;
      const end = Math.min(total, start + chunkSize);
      const tokens: Array<string | null> = new Array<string | null>(end - start);
      for (let i = start; i < end; i++) {
        const token = jwts[i];
        tokens[i - start] = typeof token === 'string' ? token : null;
      }
      thread.postMessage({ id, tokens } satisfies WorkerRequest);
    };
    const collect = (reply: WorkerReply): void => {
      const start = reply.id * chunkSize;
      const out = reply.results;
      for (let i = 0; i < out.length; i++) {
        const reasons = out[i];
        const jwt = jwts[start + i];
        if (reasons !== 0) {
          results[start + i] = invalidResult(
            jwt,
            reasons ?? [{ code: 'MALFORMED', message: 'no result from the worker' }],
          );
          continue;
        }
        // a worker only answers 0 for a string whose header names ES256 and a kid, so view is set
        const header = typeof jwt === 'string' ? core.headerOf(jwt, jwt.indexOf('.')).view : undefined;
        results[start + i] =
          header === undefined || typeof jwt !== 'string'
            ? invalidResult(jwt, [{ code: 'MALFORMED', message: 'the header could not be read' }])
            : validResult(jwt, header);
      }
    };

    for (let i = 0; i < Math.min(workerCount, chunkCount); i++) {
      let thread: Worker;
      try {
        // execArgv [] keeps loaders such as tsx out of the workers: they only need node builtins
        thread = new Worker(source(), { eval: true, workerData: init, execArgv: [] });
      } catch (error) {
        finish(workerFailed(error instanceof Error ? error.message : String(error)));
        return;
      }
      threads.push(thread);
      thread.on('message', (reply: WorkerReply) => {
        if (settled) return;
        collect(reply);
        doneChunks++;
        if (doneChunks === chunkCount) finish();
        else send(thread);
      });
      thread.on('error', (error: Error) => finish(workerFailed(error.message)));
      thread.on('exit', (code: number) => finish(workerFailed(`exited with code ${code}`)));
      // two chunks in flight, so a worker never sits idle while the main thread collects
      send(thread);
      send(thread);
    }
  });
}

/**
 * Verifies many certificates on worker threads, with the same core and the same rules as
 * createVerifier; results come back in input order.
 */
export async function verifyMany(
  jwts: readonly string[],
  options: VerifyManyOptions,
): Promise<VerificationResult[]> {
  if (!Array.isArray(jwts))
    throw new InputError('INVALID_VERIFY_OPTIONS', 'verifyMany takes an array of JWTs.');
  const init: WorkerInit = {
    constants: CORE_CONSTANTS,
    options: checkerOptions(options),
    nowMs: (options.now ?? Date.now)(),
    checks: coreChecks(options.checks),
  };
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
    throw new InputError('INVALID_VERIFY_OPTIONS', `workers must be an integer from 0 to ${MAX_WORKERS}.`);
  }
  if (workers === 0 || jwts.length < INLINE_BELOW) {
    const checker = core.createChecker(init.options);
    return checker.checkMany(jwts, init.nowMs, init.checks).map(toResult);
  }
  return runPool(jwts, init, workers);
}
