import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Timing in the style of shared/research/perf-anchors.md: warm up, then several trials, and
 * report the median. Sync functions are called in blocks of 64 between clock reads.
 */
export interface Measurement {
  name: string;
  opsPerSec: number;
  trials: number[];
}

export function measureSync(
  name: string,
  fn: () => unknown,
  { warmupMs = 500, trialMs = 1500, trials = 5 } = {},
): Measurement {
  const run = (ms: number): number => {
    let n = 0;
    const t0 = performance.now();
    let elapsed: number;
    do {
      for (let i = 0; i < 64; i++) fn();
      n += 64;
      elapsed = performance.now() - t0;
    } while (elapsed < ms);
    return (n * 1000) / elapsed;
  };
  run(warmupMs);
  const results = Array.from({ length: trials }, () => run(trialMs));
  return { name, opsPerSec: median(results), trials: results };
}

export async function measureAsync(
  name: string,
  fn: () => Promise<number>,
  { trials = 5 } = {},
): Promise<Measurement> {
  // fn runs one trial and returns its ops/s (for work that manages its own concurrency)
  await fn();
  const results: number[] = [];
  for (let i = 0; i < trials; i++) results.push(await fn());
  return { name, opsPerSec: median(results), trials: results };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Prints a ratio line against the named baseline and records the figures under bench/results/. */
export function report(
  benchName: string,
  baseline: Measurement,
  candidate: Measurement,
  goal?: { ratio: number; direction: '>=' | '<=' },
): void {
  const ratio = candidate.opsPerSec / baseline.opsPerSec;
  console.log(`baseline  ${baseline.name}: ${fmt(baseline.opsPerSec)} ops/s`);
  console.log(`candidate ${candidate.name}: ${fmt(candidate.opsPerSec)} ops/s`);
  const verdict = goal
    ? (goal.direction === '>=' ? ratio >= goal.ratio : ratio <= goal.ratio)
      ? 'MET'
      : 'NOT MET'
    : '';
  console.log(
    `ratio ${ratio.toFixed(2)}x${goal ? ` (goal ${goal.direction} ${goal.ratio}x: ${verdict})` : ''}`,
  );
  record(benchName, { baseline, candidate, ratio, goal });
}

export function record(benchName: string, data: unknown): void {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL(`${benchName}.json`, dir),
    `${JSON.stringify({ node: process.version, at: new Date().toISOString(), data }, null, 2)}\n`,
  );
}
