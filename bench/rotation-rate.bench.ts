/**
 * Rotation under --max-rate: are writes kept within the rate in EVERY one-second window, and is
 * the rate actually used (throughput close to it)?
 *
 *   node --import tsx bench/rotation-rate.bench.ts          (npm run bench -- rotation-rate)
 *
 * 200 credentials (BENCH_CREDENTIALS), each in its own .env file, all due (never certified), are
 * rotated by rotateFromManifest against the local issuer running in-process on a scratch data
 * directory (real PGlite, real signing), at --max-rate 20 (BENCH_RATE) and 8 credentials in
 * flight. Each store write is timestamped as it reaches the file adapter. Reported:
 *   - the most writes in any sliding window [t, t + 1 s): must be <= the rate;
 *   - throughput = (writes - 1) / (last - first write) as a share of the rate: goal >= 95 %.
 * The figures go to bench/results/rotation-rate.json and docs/performance.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../adapters/index.js';
import type { SecretStore } from '../adapters/store.js';
import { openLocalIssuerClient } from '../src/issuer-client/local.js';
import { parseManifest, rotateFromManifest, withWrite } from '../src/rotation/index.js';
import { record } from './harness.js';

const CREDENTIALS = Number(process.env.BENCH_CREDENTIALS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PUBLIC_URL = 'http://127.0.0.1:8787';

/** The most timestamps (ms) that fall in any half-open window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-bench-rotation-'));
  const issuer = await openLocalIssuerClient({
    dataDir: join(dir, '.passgeni'),
    publicUrl: PUBLIC_URL,
    onNotice: () => {},
  });
  try {
    const lines = Array.from(
      { length: CREDENTIALS },
      (_, i) => `  - { id: svc-${i}, stores: ["file://./s${i}.env#TOKEN"] }`,
    );
    const manifest = parseManifest(
      `version: 1\ndefaults: { standard: SOC2 }\ncredentials:\n${lines.join('\n')}\n`,
      {
        source: 'bench',
        baseDir: dir,
      },
    );
    const writes: number[] = [];
    const timed = async (uri: string): Promise<SecretStore> => {
      const store = await openStore(uri, { baseDir: dir });
      return withWrite(store, (request) => {
        writes.push(performance.now());
        return store.write(request);
      });
    };

    const started = performance.now();
    const report = await rotateFromManifest(manifest, {
      issuer,
      issuerPublicUrl: PUBLIC_URL,
      openStore: timed,
      maxRate: RATE,
      concurrency: CONCURRENCY,
    });
    const elapsedMs = performance.now() - started;
    if (report.failed.length > 0 || report.rotated.length !== CREDENTIALS) {
      throw new Error(
        `expected ${CREDENTIALS} rotations, got ${report.rotated.length} (${report.failed.length} failed)`,
      );
    }
    const sorted = [...writes].sort((a, b) => a - b);
    const span = ((sorted.at(-1) as number) - (sorted[0] as number)) / 1000;
    const throughput = (sorted.length - 1) / span;
    const maxPerSecond = maxInWindow(sorted, 1000);
    const ratio = throughput / RATE;
    const windowOk = maxPerSecond <= RATE;
    const rateOk = ratio >= 0.95;

    console.log(
      `credentials rotated     ${report.rotated.length} (file stores, in-process issuer), ${CONCURRENCY} in flight`,
    );
    console.log(`--max-rate              ${RATE} writes/s`);
    console.log(`max writes in any 1 s   ${maxPerSecond} (goal <= ${RATE}: ${windowOk ? 'MET' : 'NOT MET'})`);
    console.log(`throughput              ${throughput.toFixed(2)} writes/s over ${span.toFixed(2)} s`);
    console.log(
      `throughput / rate       ${(ratio * 100).toFixed(1)} % (goal >= 95 %: ${rateOk ? 'MET' : 'NOT MET'})`,
    );
    console.log(
      `wall time               ${(elapsedMs / 1000).toFixed(2)} s (includes checking all ${CREDENTIALS} first)`,
    );
    record('rotation-rate', {
      credentials: CREDENTIALS,
      rate: RATE,
      concurrency: CONCURRENCY,
      maxPerSecond,
      throughput,
      ratio,
      spanSeconds: span,
      wallSeconds: elapsedMs / 1000,
      goals: { maxPerSecond: windowOk, ratio: rateOk },
    });
    if (!windowOk || !rateOk) process.exitCode = 1;
  } finally {
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
