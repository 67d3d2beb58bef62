/**
 * ECDSA signatures are malleable: if (r, s) verifies, so does (r, n - s). Certificates are
 * identified and compared by their compact form, so every certificate must have exactly one valid
 * encoding: signers emit the low half (s <= n/2, as Bitcoin's BIP 62 and libsecp256k1 do) and
 * verifiers refuse the high twin.
 */

/** The order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = P256_N >> 1n;

function sOf(signature: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(signature.subarray(32, 64)).toString('hex')}`);
}

/** True for a 64-byte IEEE P1363 `r‖s` signature whose s lies in the upper half of the group. */
export function isHighS(signature: Uint8Array): boolean {
  return signature.length === 64 && sOf(signature) > HALF_N;
}

/** The low-S form of a compact JWS: unchanged when already low, s replaced by n - s otherwise. */
export function toLowS(jws: string): string {
  const dot = jws.lastIndexOf('.');
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
  if (!isHighS(signature)) return jws;
  const low = (P256_N - sOf(signature)).toString(16).padStart(64, '0');
  const fixed = Buffer.concat([signature.subarray(0, 32), Buffer.from(low, 'hex')]);
  return `${jws.slice(0, dot + 1)}${fixed.toString('base64url')}`;
}
