/**
 * Compliance certificates (DESIGN §5): the claims schema, ES256 keys and JWKS, signing and
 * verification (with jose) and credential binding. Pure core: no front end, adapter or issuer
 * code is imported here.
 */
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
export { CERT_VERSION, certificateJsonSchema, claimsSchema, parseClaims } from './claims.js';
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
export { checkCredentialBinding, computeCredentialBinding } from './binding.js';
