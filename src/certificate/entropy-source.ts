import { getFips } from 'node:crypto';
import type { EntropySource } from './types.js';

/** Where this process draws its randomness from, recorded as-is in every certificate (DESIGN §4). */
export function entropySource(): EntropySource {
  return {
    api: 'crypto.getRandomValues',
    runtime: `node ${process.version}`,
    openssl: process.versions.openssl,
    fips_mode: getFips() === 1,
  };
}
