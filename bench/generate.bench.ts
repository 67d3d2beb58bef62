/**
 * Length-20 HIPAA passwords (94 printable ASCII, all four classes required, blocklist checked)
 * from createGenerator, against generate-password's strict mode in the same process.
 * Goal (shared/research/perf-anchors.md §3): at least 4.5x generate-password.
 *
 * Trials alternate baseline and candidate, so a burst of load from another process hits both
 * sides of a round; the per-round ratios are printed next to the ratio of medians.
 */
import generator from 'generate-password';
import { createGenerator } from '../src/generate/index.js';
import { loadCommonPasswords } from '../src/generate/blocklist.js';
import { resolvePolicy } from '../src/policy/index.js';
import type { Measurement } from './harness.js';
import { fmt, measureSync, median, record, report } from './harness.js';

const ROUNDS = 7;

const policy = resolvePolicy({ standard: 'HIPAA', length: 20 });
const next = await createGenerator(policy.charset, policy.length);
const baselineOptions = { length: 20, numbers: true, symbols: true, uppercase: true, strict: true };
// Both functions advance internal random state, so the JIT cannot drop the calls.
const baselineFn = (): string => generator.generate(baselineOptions);
// For scale, not the goal: an unconditional blocklist lookup on every output. The generator
// itself looks up only when some list entry has this length and these character kinds.
const commonPasswords = await loadCommonPasswords();
const withLookupFn = (): boolean => commonPasswords.has(next().toLowerCase());

const subjects = [
  { name: 'generate-password generate({length:20, strict:true})', fn: baselineFn },
  { name: 'createGenerator(HIPAA, 20)', fn: next },
  { name: 'createGenerator + isCommonPassword on every output', fn: withLookupFn },
] as const;

const trials: number[][] = subjects.map(() => []);
for (const s of subjects) measureSync(s.name, s.fn, { warmupMs: 500, trialMs: 200, trials: 1 });
for (let round = 0; round < ROUNDS; round++) {
  subjects.forEach((s, i) => {
    trials[i]?.push(measureSync(s.name, s.fn, { warmupMs: 100, trialMs: 1000, trials: 1 }).opsPerSec);
  });
}

const measured: Measurement[] = subjects.map((s, i) => {
  const t = trials[i] ?? [];
  return { name: s.name, opsPerSec: median(t), trials: t };
});
const [baseline, candidate, withLookup] = measured as [Measurement, Measurement, Measurement];
const paired = candidate.trials.map((c, i) => c / (baseline.trials[i] ?? Number.NaN));

report('generate', baseline, candidate, { ratio: 4.5, direction: '>=' });
console.log(
  `per-round ratios ${paired.map((r) => r.toFixed(2)).join(' ')} (median ${median(paired).toFixed(2)}x)`,
);
console.log(
  `info      ${withLookup.name}: ${fmt(withLookup.opsPerSec)} ops/s (${(withLookup.opsPerSec / baseline.opsPerSec).toFixed(2)}x baseline)`,
);
record('generate-detail', {
  baseline,
  candidate,
  withLookup,
  pairedRatios: paired,
  pairedMedian: median(paired),
});
