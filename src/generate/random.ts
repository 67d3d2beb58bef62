/** Fills a buffer with random bytes. Injectable so tests can drive the generator exactly. */
export type RandomFill = (buffer: Uint8Array) => void;

/**
 * crypto.getRandomValues: Node's OpenSSL CSPRNG (the FIPS provider's DRBG in FIPS mode). One call
 * fills at most 64 KiB, which is the largest pool the samplers ask for (credential.ts, generator.ts).
 */
export const defaultRandom: RandomFill = (buffer) => {
  crypto.getRandomValues(buffer);
};
