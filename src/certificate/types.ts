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
