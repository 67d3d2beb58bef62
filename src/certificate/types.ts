import type { KeyObject } from 'node:crypto';
import type { StandardId } from '../policy/types.js';
import type * as z from '../zod.js';
import type {
  assertedSchema,
  claimsSchema,
  credentialBindingSchema,
  entropySourceSchema,
  workloadSchema,
} from './claims.js';

/** The claims of a compliance certificate (DESIGN §5), as claimsSchema defines them. */
export type CertificateClaims = z.output<typeof claimsSchema>;
/** A version 1 certificate: the client's statements sit beside the verified claims. */
export type CertificateClaimsV1 = Extract<CertificateClaims, { cert_version: 1 }>;
/** A version 2 certificate: the client's statements are under `asserted`. */
export type CertificateClaimsV2 = Extract<CertificateClaims, { cert_version: 2 }>;
/** What the client asserted and the issuer recorded without being able to check it. */
export type AssertedClaims = z.output<typeof assertedSchema>;
/** Where the randomness came from, recorded honestly (DESIGN §4). */
export type EntropySource = z.output<typeof entropySourceSchema>;
/** scrypt digest over the credential, so an auditor holding it can check it is this one. */
export type CredentialBinding = z.output<typeof credentialBindingSchema>;
/** The CI workload whose OIDC token requested the certificate (issuer-verified). */
export type Workload = z.output<typeof workloadSchema>;

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
  | 'HIGH_S_SIGNATURE'
  | 'WRONG_ISSUER'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'ISSUED_IN_FUTURE'
  | 'MISSING_CLAIMS'
  | 'INVALID_CLAIMS'
  | 'STANDARD_NOT_MET'
  | 'EXPIRES_SOON'
  | 'ROTATION_OVERDUE';

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
  requireStandard?: StandardId | undefined;
  /** At least this many days must remain before `exp`. */
  minDaysRemaining?: number | undefined;
}
