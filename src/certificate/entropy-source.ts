import { getFips } from 'node:crypto';
import { detectFipsProvider } from './fips-provider.js';
import type { FipsProvider } from './fips-provider.js';
import type { EntropySource } from './types.js';

/** How a process finds its FIPS state; tests inject the FIPS-mode path a CI runner cannot have. */
export interface FipsProbe {
  fipsMode?: () => boolean;
  fipsProvider?: () => FipsProvider | undefined;
}

/**
 * Where this process draws its randomness from, recorded as-is in every certificate (DESIGN §4).
 * The provider is looked up only in FIPS mode: outside it no FIPS provider answers for the bytes.
 */
export function entropySource(probe: FipsProbe = {}): EntropySource {
  const fips = (probe.fipsMode ?? (() => getFips() === 1))();
  const provider = fips ? (probe.fipsProvider ?? detectFipsProvider)() : undefined;
  return {
    api: 'crypto.getRandomValues',
    runtime: `node ${process.version}`,
    openssl: process.versions.openssl,
    fips_mode: fips,
    ...(provider && { fips_provider: provider }),
  };
}
