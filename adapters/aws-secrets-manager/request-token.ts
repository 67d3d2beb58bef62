import { createHash } from 'node:crypto';

// A fixed namespace so the same (secret, certificate) pair always yields the same token.
const TOKEN_NAMESPACE = Buffer.from('6f1d3c1e8a0b4c52b1e4a7f0c2d9e8b3', 'hex');

/**
 * ClientRequestToken for one certificate's write to one secret: a UUIDv5, because AWS wants
 * 32-64 characters and recommends a UUID. Retrying the same write then creates no second version,
 * and the token doubles as the new VersionId.
 */
export function requestToken(secretId: string, certId: string): string {
  const hash = createHash('sha1').update(TOKEN_NAMESPACE).update(`${secretId}\n${certId}`, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
