import type { Charset, RunLimits } from '../policy/index.js';
import { defaultRandom, type RandomFill } from './random.js';
import { createSampler } from './sampler.js';

/** 64 KiB: the most one crypto.getRandomValues call fills, and 3.2x cheaper per byte than 4 KiB. */
const BULK_POOL_BYTES = 65536;

/**
 * The fast path for many credentials (`--count`, benchmarks): one sampler whose random pool stays
 * warm between calls. Same guarantees as generateCredential: uniform, every included class, not on
 * the common-password list. Each byte of the pool is zeroed as it is consumed and the output
 * buffer after each credential, so nothing that became part of a credential stays behind; the
 * unconsumed rest of the pool has not become part of any credential.
 */
export async function createGenerator(
  charset: Charset,
  length: number,
  options: { random?: RandomFill; limits?: RunLimits } = {},
): Promise<() => string> {
  return (
    await createSampler(charset, length, options.random ?? defaultRandom, BULK_POOL_BYTES, options.limits)
  ).next;
}
