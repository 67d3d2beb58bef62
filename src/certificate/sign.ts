import { SignJWT } from 'jose';
import { parseClaims } from './claims.js';
import type { CertificateClaims, SigningKey } from './types.js';

/**
 * Signs a certificate as a compact ES256 JWT with header `{alg: ES256, typ: JWT, kid}`. The claims
 * are checked against the schema first, so nothing that would fail verification is ever signed
 * (InputError INVALID_CLAIMS lists every issue).
 */
export async function signCertificate(claims: CertificateClaims, key: SigningKey): Promise<string> {
  return new SignJWT(parseClaims(claims))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
}
