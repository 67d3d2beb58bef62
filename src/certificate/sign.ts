import { SignJWT } from 'jose';
import { parseClaims } from './claims.js';
import { toLowS } from './low-s.js';
import type { CertificateClaims, SigningKey } from './types.js';

/**
 * Signs a certificate as a compact ES256 JWT with header `{alg: ES256, typ: JWT, kid}`. The claims
 * are checked against the schema first, so nothing that would fail verification is ever signed
 * (InputError INVALID_CLAIMS lists every issue). WebCrypto returns either half of s; the low one is
 * kept so the certificate has one valid encoding (see low-s.ts).
 */
export async function signCertificate(claims: CertificateClaims, key: SigningKey): Promise<string> {
  const jws = await new SignJWT(parseClaims(claims))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
  return toLowS(jws);
}
