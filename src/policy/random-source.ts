import { InputError } from '../errors.js';
import type { StandardRule } from './types.js';

/**
 * What the generating runtime said about its random source: the part of a certificate's
 * entropy_source the policy needs. FIPS 140-3 is a standard for cryptographic modules, so the
 * only claim a generator can make under it is about where its random bytes came from.
 */
export interface RandomSource {
  fips_mode: boolean;
  /** The FIPS provider's own name and version (not libcrypto's); present only in FIPS mode. */
  fips_provider?: { name: string; version: string } | undefined;
}

/** A source known not to be FIPS, or not known at all: the same for every claim. */
export const NO_FIPS: RandomSource = { fips_mode: false };

/** FIPS mode on, and the provider that answers for it named: the least a FIPS 140-3 claim needs. */
export function isFipsSource(source: RandomSource): boolean {
  return source.fips_mode && source.fips_provider !== undefined;
}

/** Whether a standard's claim holds for credentials from this random source. */
export function sourceMeets(rule: StandardRule, source: RandomSource): boolean {
  return rule.requiresFipsModule !== true || isFipsSource(source);
}

export const FIPS_HOWTO =
  'Run Node.js with OpenSSL 3 configured to load a validated FIPS provider (an openssl.cnf that includes its fipsmodule.cnf and activates the "fips" provider, named by OPENSSL_CONF, with OPENSSL_MODULES pointing at the directory holding fips.so) and start it with --enable-fips or --force-fips; `node -p "crypto.getFips()"` must print 1. Otherwise certify to the standard that governs the credential (e.g. NIST-800-63B, PCI-DSS, HIPAA).';

/** A standard that claims a validated random source was asked for from a runtime that has none. */
export class FipsModeRequiredError extends InputError {
  constructor(rule: StandardRule, source: RandomSource) {
    super(
      source.fips_mode ? 'FIPS_PROVIDER_UNKNOWN' : 'FIPS_MODE_REQUIRED',
      source.fips_mode
        ? `${rule.id} is a claim about the random source, and this Node.js runtime is in FIPS mode but the FIPS provider's name and version could not be read (passgeni asks the provider module Node loaded through \`openssl list -providers\`), so nothing was generated. Make the openssl command of the same OpenSSL installation available on PATH, with the same OPENSSL_CONF and OPENSSL_MODULES as Node.`
        : `${rule.id} is a claim about the random source, not a password profile: it holds only when the credential's random bytes come from a validated FIPS module in approved mode, and this Node.js runtime is not in FIPS mode (crypto.getFips() is 0), so nothing was generated. ${FIPS_HOWTO}`,
      { details: { standard: rule.id, fips_mode: source.fips_mode } },
    );
  }
}
