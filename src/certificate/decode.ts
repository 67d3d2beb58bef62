import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InputError } from '../errors.js';

/**
 * Header and claims of a certificate WITHOUT verifying anything: for display only. Nothing read
 * here may be trusted until a verifier has said `valid: true`.
 */
export function decodeCertificate(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    throw new InputError(
      'MALFORMED_CERTIFICATE',
      'This is not a certificate: expected a compact JWT (three base64url parts separated by dots). Pass the JWT itself or a file holding only the JWT.',
    );
  }
}
