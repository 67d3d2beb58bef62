import { runLimitsOf, type GenerationParams, type ResolvedPolicy, type StandardId } from '../policy/index.js';
import { defaultRandom, type RandomFill } from './random.js';
import { createSampler } from './sampler.js';

export interface GeneratedCredential {
  password: string;
  params: GenerationParams;
  entropyBits: number;
  standardsMet: StandardId[];
  generatedAt: Date;
}

export interface GenerateOptions {
  /** Defaults to crypto.getRandomValues. */
  random?: RandomFill;
}

/** Random bytes drawn for one credential: enough for a few attempts, so one fill usually does. */
function poolSizeFor(length: number): number {
  return Math.min(65536, Math.max(256, 2 ** Math.ceil(Math.log2(length * 4))));
}

/**
 * One credential to a resolved policy. Every buffer that held random bytes or characters is
 * zeroed before this returns; only the returned string (which JavaScript cannot wipe) remains.
 */
export async function generateCredential(
  policy: ResolvedPolicy,
  options: GenerateOptions = {},
): Promise<GeneratedCredential> {
  const random: RandomFill = options.random ?? defaultRandom;
  const sampler = await createSampler(
    policy.charset,
    policy.length,
    random,
    poolSizeFor(policy.length),
    runLimitsOf(policy.params),
  );
  try {
    const password = sampler.next();
    return {
      password,
      params: policy.params,
      entropyBits: policy.entropyBits,
      standardsMet: [...policy.standardsMet],
      generatedAt: new Date(),
    };
  } finally {
    sampler.wipe();
  }
}
