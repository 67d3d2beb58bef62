import { InputError } from '../errors.js';

const SEGMENT_RE = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT_RE.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Header and claims of a certificate WITHOUT verifying anything: for display only. Nothing read
 * here may be trusted until createVerifier has said `valid: true`.
 */
export function decodeCertificate(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const parts = typeof jwt === 'string' ? jwt.split('.') : [];
  const header = parts.length === 3 ? decodeSegment(parts[0] ?? '') : undefined;
  const claims = parts.length === 3 ? decodeSegment(parts[1] ?? '') : undefined;
  if (header === undefined || claims === undefined || !/^[A-Za-z0-9_-]*$/.test(parts[2] ?? '')) {
    throw new InputError(
      'MALFORMED_CERTIFICATE',
      'This is not a certificate: expected a compact JWT (three base64url parts separated by dots). Pass the JWT itself or a file holding only the JWT.',
    );
  }
  return { header, claims };
}

/** Like decodeCertificate, but undefined instead of an error; for showing what a bad token claims. */
export function tryDecodeClaims(jwt: unknown): Record<string, unknown> | undefined {
  if (typeof jwt !== 'string') return undefined;
  const first = jwt.indexOf('.');
  const second = jwt.indexOf('.', first + 1);
  if (first < 0 || second < 0) return undefined;
  return decodeSegment(jwt.slice(first + 1, second));
}
