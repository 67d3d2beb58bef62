import { InputError } from '../errors.js';
import { STANDARD_IDS } from '../policy/types.js';
import type { CheckerOptions, CheckOutcome, CoreChecks } from './core.js';
import { core } from './shared-core.js';
import type { CertificateClaims, Jwks, VerificationResult, VerifyChecks } from './types.js';

/** Certificates are long-lived, so a minute of clock skew between issuer and auditor is forgiven. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 60;

export interface VerifierOptions {
  jwks: Jwks;
  /** Accepted `iss` values; omitted = any issuer whose key is in the JWKS. */
  issuer?: string | readonly string[];
  /** Clock in milliseconds (Date.now by default); inject one to check "as of" a date. */
  now?: () => number;
  clockToleranceSec?: number;
}

export interface CertificateVerifier {
  verify(jwt: string, checks?: VerifyChecks): VerificationResult;
}

function invalidOption(message: string): InputError {
  return new InputError('INVALID_VERIFY_OPTIONS', message);
}

/** Validated, plain-data checker options: what the core (and every worker) is built from. */
export function checkerOptions(options: {
  jwks: Jwks;
  issuer?: string | readonly string[] | undefined;
  clockToleranceSec?: number | undefined;
}): CheckerOptions {
  const keys: unknown = options.jwks?.keys;
  if (!Array.isArray(keys)) {
    throw new InputError(
      'INVALID_JWKS',
      'The verifier needs a JWKS ({"keys": [...]}); load one with loadJwks or parseJwks.',
    );
  }
  const issuer = options.issuer;
  const issuers = issuer === undefined ? null : typeof issuer === 'string' ? [issuer] : [...issuer];
  if (issuers !== null && (issuers.length === 0 || issuers.some((i) => typeof i !== 'string' || i === ''))) {
    throw invalidOption('issuer must be a non-empty string or a list of them.');
  }
  const tolerance = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw invalidOption('clockToleranceSec must be a number of seconds, 0 or more.');
  }
  return {
    keys: (keys as Jwks['keys']).map((k) => ({ kid: k.kid, kty: k.kty, crv: k.crv, x: k.x, y: k.y })),
    issuers,
    clockToleranceSec: tolerance,
  };
}

export function coreChecks(checks: VerifyChecks | undefined): CoreChecks | undefined {
  if (checks === undefined) return undefined;
  const { requireStandard, minDaysRemaining } = checks;
  if (requireStandard !== undefined && !(STANDARD_IDS as readonly string[]).includes(requireStandard)) {
    throw invalidOption(
      `requireStandard ${JSON.stringify(requireStandard)} is not a standard id (${STANDARD_IDS.join(', ')}).`,
    );
  }
  if (minDaysRemaining !== undefined && (!Number.isFinite(minDaysRemaining) || minDaysRemaining < 0)) {
    throw invalidOption('minDaysRemaining must be a number of days, 0 or more.');
  }
  return { requireStandard, minDaysRemaining };
}

/** Turns the core's outcome into the public result; `valid: true` only when nothing failed. */
export function toResult(outcome: CheckOutcome): VerificationResult {
  const { reasons, claims, header } = outcome;
  if (reasons.length === 0 && claims !== undefined && header !== undefined) {
    return { valid: true, claims: claims as unknown as CertificateClaims, header };
  }
  if (reasons.length === 0) {
    // unreachable by construction (a kid and ES256 are required to get here); fail closed anyway
    reasons.push({ code: 'MALFORMED', message: 'the certificate could not be read' });
  }
  return claims === undefined ? { valid: false, reasons } : { valid: false, reasons, claims };
}

/**
 * A synchronous verifier: ES256 only, kid looked up in the JWKS (KeyObjects built once), raw
 * `crypto.verify`, then issuer, time window and the claims schema. Every failing check is reported.
 */
export function createVerifier(options: VerifierOptions): CertificateVerifier {
  const checker = core.createChecker(checkerOptions(options));
  const now = options.now ?? Date.now;
  return {
    verify(jwt: string, checks?: VerifyChecks): VerificationResult {
      return toResult(checker.check(jwt, now(), coreChecks(checks)));
    },
  };
}
