/**
 * Compliance certificates (DESIGN §5): the claims schema, ES256 keys and JWKS, signing,
 * verification (single and bulk) and credential binding. Pure core: no front end, adapter or
 * issuer code is imported here.
 */
export { CERT_VERSION } from './types.js';
export type {
  CertificateClaims,
  CredentialBinding,
  EntropySource,
  Jwks,
  PublicJwk,
  SigningKey,
  VerificationFailure,
  VerificationFailureCode,
  VerificationResult,
  VerifiedHeader,
  VerifyChecks,
} from './types.js';
export { claimsSchema, parseClaims } from './claims.js';
export { entropySource } from './entropy-source.js';
export {
  SIGNING_KEY_ENV,
  exportSigningKey,
  generateSigningKey,
  jwkThumbprint,
  loadSigningKey,
  loadSigningKeyFile,
  loadSigningKeyFromEnv,
} from './keys.js';
export { buildJwks, loadJwks, parseJwks } from './jwks.js';
export { signCertificate } from './sign.js';
export { decodeCertificate } from './decode.js';
export { DEFAULT_CLOCK_TOLERANCE_SEC, createVerifier } from './verify.js';
export type { CertificateVerifier, VerifierOptions } from './verify.js';
export { verifyMany } from './verify-many.js';
export type { VerifyManyOptions } from './verify-many.js';
export { checkCredentialBinding, computeCredentialBinding } from './binding.js';
