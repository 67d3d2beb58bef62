/**
 * Compliance certificates (DESIGN §5): the claims schema, ES256 keys and JWKS, signing and
 * verification (with jose) and credential binding. Pure core: no front end, adapter or issuer
 * code is imported here.
 */
export type * from './types.js';
export {
  CERT_VERSION,
  assertedClaims,
  assertedSchema,
  certificateJsonSchema,
  claimsSchema,
  entropySourceSchema,
  generationParamsSchema,
  parseClaims,
  WORKLOAD_CLAIMS,
} from './claims.js';
export { entropySource } from './entropy-source.js';
export * from './keys.js';
export * from './jwks.js';
export { signCertificate } from './sign.js';
export { decodeCertificate } from './decode.js';
export { createVerifier, type CertificateVerifier } from './verify.js';
export { checkCredentialBinding, computeCredentialBinding } from './binding.js';
export { describeWorkload, workflowMatches } from './workload.js';
