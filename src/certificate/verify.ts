import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import { checkClaims } from './claims.js';
import { checkHostedClaims, isHostedPayload } from './hosted-claims.js';
import { isHighS } from './low-s.js';
import type { Jwks, VerificationFailure, VerificationResult, VerifiedHeader, VerifyChecks } from './types.js';

/** Certificates are long-lived, so a minute of clock skew between issuer and auditor is forgiven. */
const CLOCK_TOLERANCE_SEC = 60;

export interface VerifierOptions {
  jwks: Jwks;
  /** The accepted `iss`; omitted = any issuer whose key is in the JWKS. */
  issuer?: string | undefined;
  /** Clock in milliseconds (Date.now by default); inject one to check "as of" a date. */
  now?: (() => number) | undefined;
}

export interface CertificateVerifier {
  verify(jwt: string, checks?: VerifyChecks): Promise<VerificationResult>;
}

/** A PassGeni certificate is about 1.5 KB; anything far larger is refused before any work. */
const MAX_TOKEN_LENGTH = 16_384;
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const DAY_SEC = 86_400;

/** Thrown by the key selector; jose passes it through to the jwtVerify caller. */
class HeaderRefused extends Error {
  constructor(readonly failure: VerificationFailure) {
    super(failure.message);
  }
}

/** Untrusted values quoted for a message: JSON-escaped and bounded. */
function quote(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}

function isoDate(sec: unknown): string {
  const date = new Date(Number(sec) * 1000);
  return Number.isNaN(date.getTime()) ? String(sec) : date.toISOString();
}

/** The public keys of a JWKS by kid, built once per verifier; keys that do not import are skipped. */
function importKeys(jwks: Jwks): Map<string, KeyObject> {
  const byKid = new Map<string, KeyObject>();
  for (const { kid, kty, crv, x, y } of jwks.keys) {
    try {
      byKid.set(kid, createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }));
    } catch {
      // not a usable public key; parseJwks drops these, so only hand-built key sets get here
    }
  }
  return byKid;
}

/** The reason jose refused a token for; undefined for a claim's type, which the schema reports. */
function failureOf(error: unknown, nowSec: number): VerificationFailure | undefined {
  if (error instanceof HeaderRefused) return error.failure;
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return {
      code: 'ALG_NOT_ALLOWED',
      message: 'the alg is not allowed: certificates are signed with ES256 only',
    };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return {
      code: 'BAD_SIGNATURE',
      message: 'the signature does not match: the certificate was altered or signed by another key',
    };
  }
  if (error instanceof errors.JWTExpired) {
    return {
      code: 'EXPIRED',
      message: `expired at ${isoDate(error.payload.exp)} (checked at ${isoDate(nowSec)})`,
    };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return {
        code: 'NOT_YET_VALID',
        message: `not valid before ${isoDate(error.payload.nbf)} (checked at ${isoDate(nowSec)})`,
      };
    }
    return undefined;
  }
  if (error instanceof errors.JOSEError) {
    return { code: 'MALFORMED', message: `not a well-formed certificate: ${error.message}` };
  }
  throw error;
}

/** A token whose signature held: its claims against the schema, then the caller's checks. */
function judgeClaims(
  payload: JWTPayload,
  header: VerifiedHeader,
  timeFailure: VerificationFailure | undefined,
  issuer: string | undefined,
  nowSec: number,
  checks: VerifyChecks | undefined,
): VerificationResult {
  const reasons: VerificationFailure[] = [];
  // checked here rather than by jose, which stops at its first failure: an expired certificate
  // from the wrong issuer reports both
  if (issuer !== undefined && payload.iss !== issuer) {
    reasons.push({
      code: 'WRONG_ISSUER',
      message: `issued by ${quote(payload.iss)}, expected ${quote(issuer)}`,
    });
  }
  if (timeFailure !== undefined) reasons.push(timeFailure);
  // jose only checks that iat is a number; a certificate dated ahead of the verifier's clock
  // would otherwise pass as already issued, and an issuer never signs one
  const iat = payload.iat;
  if (typeof iat === 'number' && iat > nowSec + CLOCK_TOLERANCE_SEC) {
    reasons.push({
      code: 'ISSUED_IN_FUTURE',
      message: `issued at ${isoDate(iat)}, after the time of checking (${isoDate(nowSec)}); check the issuer's and this machine's clocks`,
    });
  }
  // the issuer accepts generated_at up to the tolerance ahead of its clock, and iat is floored
  // to the second, so anything later than that was not generated before the issue
  // (version 2 keeps it, with the client's other statements, under `asserted`)
  const said: Record<string, unknown> =
    typeof payload.asserted === 'object' && payload.asserted !== null
      ? (payload.asserted as Record<string, unknown>)
      : payload;
  const generatedAt = typeof said.generated_at === 'string' ? Date.parse(said.generated_at) : NaN;
  if (typeof iat === 'number' && generatedAt / 1000 > iat + 1 + CLOCK_TOLERANCE_SEC) {
    reasons.push({
      code: 'INVALID_CLAIMS',
      message: `generated_at ${quote(said.generated_at)} is later than the issue time ${isoDate(iat)}`,
    });
  }
  // a certificate of the hosted PassGeni service is judged by its own claim set
  const { claims, issues = [] } = isHostedPayload(payload)
    ? checkHostedClaims(payload)
    : checkClaims(payload);
  const missing = issues.filter((i) => i.missing).map((i) => i.path);
  const wrong = issues.filter((i) => !i.missing).map((i) => `${i.path} ${i.message}`);
  if (missing.length > 0) {
    reasons.push({ code: 'MISSING_CLAIMS', message: `missing required claims: ${missing.join(', ')}` });
  }
  if (wrong.length > 0) {
    const more = wrong.length > 8 ? `; and ${wrong.length - 8} more` : '';
    reasons.push({
      code: 'INVALID_CLAIMS',
      message: `invalid claims: ${wrong.slice(0, 8).join('; ')}${more}`,
    });
  }
  const wanted = checks?.requireStandard;
  const met = payload.standards_met;
  if (wanted !== undefined && !(Array.isArray(met) && met.includes(wanted))) {
    const listed = Array.isArray(met) && met.length > 0 ? met.map(quote).join(', ') : 'none';
    reasons.push({
      code: 'STANDARD_NOT_MET',
      message: `${wanted} is not among the standards met (listed: ${listed})`,
    });
  }
  const minDays = checks?.minDaysRemaining;
  const exp = payload.exp;
  const expired = reasons.some((r) => r.code === 'EXPIRED');
  if (minDays !== undefined && typeof exp === 'number' && !expired && exp - nowSec < minDays * DAY_SEC) {
    const left = Math.max(0, (exp - nowSec) / DAY_SEC);
    reasons.push({
      code: 'EXPIRES_SOON',
      message: `expires at ${isoDate(exp)}, in ${left.toFixed(1)} days; at least ${minDays} are required`,
    });
  }
  // rotate_by is the standard's own rotation period (PCI DSS, the STIG): past it, the credential
  // no longer meets the standard the certificate names, however long the certificate has left
  const rotateBy = typeof payload.rotate_by === 'string' ? Date.parse(payload.rotate_by) : NaN;
  if (!expired && Number.isFinite(rotateBy) && nowSec * 1000 > rotateBy + CLOCK_TOLERANCE_SEC * 1000) {
    reasons.push({
      code: 'ROTATION_OVERDUE',
      message: `the credential was due for rotation by ${quote(payload.rotate_by)} (the rotation period of ${quote(payload.compliance_standard)}); rotate it and certify the new one`,
    });
  }
  if (reasons.length === 0 && claims !== undefined) return { valid: true, claims, header };
  return { valid: false, reasons, claims: payload };
}

function untrustedClaims(jwt: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** Checked once the signature held, so a forgery stays BAD_SIGNATURE and a wrong alg ALG_NOT_ALLOWED. */
function highS(jwt: string): VerificationResult {
  const message =
    'the signature is the high-S twin of a valid one: certificates are signed low-S, so this encoding was altered after signing';
  const claims = untrustedClaims(jwt);
  const reasons: VerificationFailure[] = [{ code: 'HIGH_S_SIGNATURE', message }];
  return claims === undefined ? { valid: false, reasons } : { valid: false, reasons, claims };
}

function headerOf(header: { typ?: unknown; kid?: unknown }): VerifiedHeader {
  // selectKey let only a string kid and a string typ (or none) through
  const typ = typeof header.typ === 'string' ? { typ: header.typ } : {};
  return { alg: 'ES256', ...typ, kid: String(header.kid) };
}

/**
 * A verifier for one key set: jose's jwtVerify (ES256 only, the key chosen by `kid`, the time
 * window with a clock tolerance), then the issuer, the claims schema and the caller's checks.
 * Build one per key set and reuse it: the keys are imported once, and verifications may run
 * concurrently (WebCrypto verifies on libuv's thread pool). Header, structure and signature
 * problems are reported alone; once the signature holds, every claim problem is reported.
 */
export function createVerifier(options: VerifierOptions): CertificateVerifier {
  const keys = importKeys(options.jwks);
  const { issuer, now = Date.now } = options;

  const selectKey = (header: JWTHeaderParameters): KeyObject => {
    // jose accepts any typ unless told one, and telling it one would refuse a missing typ
    const { typ, kid } = header;
    if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
      throw new HeaderRefused({ code: 'MALFORMED', message: `typ ${quote(typ)} is not JWT` });
    }
    const key = kid === undefined ? undefined : keys.get(kid);
    if (key !== undefined) return key;
    throw new HeaderRefused({
      code: 'UNKNOWN_KID',
      message:
        kid === undefined
          ? 'the header has no kid, so no key in the JWKS can be chosen'
          : `kid ${quote(kid)} is not in the JWKS; use the issuer's current /.well-known/jwks.json (it keeps retired keys)`,
    });
  };

  return {
    async verify(jwt, checks) {
      if (typeof jwt !== 'string' || jwt.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(jwt)) {
        const message = 'not a compact JWT: expected three base64url parts separated by dots';
        return { valid: false, reasons: [{ code: 'MALFORMED', message }] };
      }
      const signature = Buffer.from(jwt.slice(jwt.lastIndexOf('.') + 1), 'base64url');
      const nowMs = now();
      const nowSec = nowMs / 1000;
      let verified;
      try {
        verified = await jwtVerify(jwt, selectKey, {
          algorithms: ['ES256'],
          currentDate: new Date(nowMs),
          clockTolerance: CLOCK_TOLERANCE_SEC,
        });
      } catch (error) {
        const failure = failureOf(error, nowSec);
        // a claim was refused after the signature held: the other claims are judged too
        if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
          if (isHighS(signature) && !isHostedPayload(error.payload)) return highS(jwt);
          const header = headerOf(decodeProtectedHeader(jwt));
          return judgeClaims(error.payload, header, failure, issuer, nowSec, checks);
        }
        const reasons = failure === undefined ? [] : [failure];
        const claims = untrustedClaims(jwt);
        return claims === undefined ? { valid: false, reasons } : { valid: false, reasons, claims };
      }
      // Our issuers sign low-S, so a high-S twin was altered; the hosted service does not
      // normalise S, so both encodings of its signatures are its own.
      if (isHighS(signature) && !isHostedPayload(verified.payload)) return highS(jwt);
      const header = headerOf(verified.protectedHeader);
      return judgeClaims(verified.payload, header, undefined, issuer, nowSec, checks);
    },
  };
}
