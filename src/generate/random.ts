/** Fills a buffer with random bytes. Injectable so tests can drive the generator exactly. */
export type RandomFill = (buffer: Uint8Array) => void;

/** Web Crypto refuses more than 65,536 bytes per call (QuotaExceededError). */
const MAX_CHUNK = 65536;

/** crypto.getRandomValues: Node's OpenSSL CSPRNG (the FIPS provider's DRBG in FIPS mode). */
export const defaultRandom: RandomFill = (buffer) => {
  if (buffer.length <= MAX_CHUNK) {
    crypto.getRandomValues(buffer);
    return;
  }
  for (let offset = 0; offset < buffer.length; offset += MAX_CHUNK) {
    crypto.getRandomValues(buffer.subarray(offset, Math.min(offset + MAX_CHUNK, buffer.length)));
  }
};
