import type { KeyObject } from 'node:crypto';
import type { GenerationParams, StandardId } from '../policy/types.js';

/** Version of the claim set below; bump when a claim changes meaning. */
export const CERT_VERSION = 1;

/** Where the randomness came from, recorded honestly (DESIGN §4). */
export interface EntropySource {
  api: string; // "crypto.getRandomValues"
  runtime: string; // "node v24.21.0"
  openssl: string; // process.versions.openssl
  fips_mode: boolean; // crypto.getFips() === 1
}

/** scrypt digest over the credential, so an auditor holding it can check it is this one. */
export interface CredentialBinding {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string; // base64url, 16 bytes
  digest: string; // base64url, 32 bytes
}

/** The claims of a compliance certificate (DESIGN §5). Never contains the credential. */
export interface CertificateClaims {
  jti: string;
  iss: string;
  sub: string;
  iat: number;
  nbf?: number;
  exp: number;
  cert_version: number;
  compliance_standard: StandardId;
  standards_met: StandardId[];
  generation_params: GenerationParams;
  entropy_bits: number;
  entropy_source: EntropySource;
  generation_session_id: string;
  generated_at: string; // ISO 8601, ms precision
  rotate_by?: string; // ISO 8601 date-time; absent when the standard says change on compromise only
  credential_binding?: CredentialBinding;
  label?: string;
}

/** The public half of a signing key as published in a JWKS; `kid` is its RFC 7638 thumbprint. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** An ES256 (P-256) key pair the issuer signs with. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

/** A JSON Web Key Set holding only EC P-256 signing keys. */
export interface Jwks {
  keys: PublicJwk[];
}

export type VerificationFailureCode =
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'UNKNOWN_KID'
  | 'BAD_SIGNATURE'
  | 'WRONG_ISSUER'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'MISSING_CLAIMS'
  | 'INVALID_CLAIMS'
  | 'STANDARD_NOT_MET'
  | 'EXPIRES_SOON';

export interface VerificationFailure {
  code: VerificationFailureCode;
  message: string;
}

export interface VerifiedHeader {
  alg: 'ES256';
  typ?: string;
  kid: string;
}

export type VerificationResult =
  | { valid: true; claims: CertificateClaims; header: VerifiedHeader }
  | {
      valid: false;
      reasons: VerificationFailure[];
      /** Decoded but untrusted: for display only. */
      claims?: Record<string, unknown>;
    };

/** Extra conditions a caller can put on a certificate besides signature, issuer and time. */
export interface VerifyChecks {
  /** The certificate's `standards_met` must include this standard. */
  requireStandard?: StandardId;
  /** At least this many days must remain before `exp`. */
  minDaysRemaining?: number;
}
