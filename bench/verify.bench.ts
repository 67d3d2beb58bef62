/**
 * Bulk verification (issue 14's guard): 100,000 certificates through the product's verifier
 * (jose jwtVerify + the claims schema, one key set) against a raw `crypto.verify` loop over the
 * same tokens, both in this run. Goal: >= 10,000/s, and at least 0.5x the raw loop.
 *
 * jose verifies with WebCrypto, which runs on libuv's thread pool: with several verifications in
 * flight both cores work, so the verifier is measured awaited one at a time and with a bounded
 * number in flight (what inventory and rotation do). The raw loop is synchronous, one thread.
 *
 * `npm run bench -- verify` (env BULK=n, ROUNDS=n to shrink a run).
 */
import { verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  buildJwks,
  createVerifier,
  generateSigningKey,
  signCertificate,
  type CertificateVerifier,
} from '../src/certificate/index.js';
import { sampleClaims } from '../test/support/claims.js';
import { fmt, median, record } from './harness.js';

const BULK = Number(process.env.BULK ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const IN_FLIGHT = 64;

const key = generateSigningKey();
const verifier = createVerifier({ jwks: buildJwks([key]), issuer: 'https://issuer.test' });

async function signAll(): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < BULK) {
    const batch = Math.min(1000, BULK - tokens.length);
    tokens.push(
      ...(await Promise.all(Array.from({ length: batch }, () => signCertificate(sampleClaims(), key)))),
    );
  }
  return tokens;
}

/** Certificates per second of one pass; throws unless every certificate verified. */
async function rate(label: string, pass: () => Promise<number> | number): Promise<number> {
  const t0 = performance.now();
  const valid = await pass();
  const perSec = (BULK * 1000) / (performance.now() - t0);
  if (valid !== BULK) throw new Error(`${label}: ${valid} of ${BULK} valid`);
  return perSec;
}

function rawLoop(tokens: readonly string[]): number {
  let valid = 0;
  for (const token of tokens) {
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    const input = Buffer.from(token.slice(0, dot));
    if (verify('sha256', input, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature)) valid++;
  }
  return valid;
}

/** A bounded-concurrency map: `inFlight` loops, each taking the next token when its last is done. */
async function verifyAll(
  v: CertificateVerifier,
  tokens: readonly string[],
  inFlight: number,
): Promise<number> {
  let next = 0;
  let valid = 0;
  const loop = async (): Promise<void> => {
    while (next < tokens.length) {
      const result = await v.verify(tokens[next++] as string);
      if (result.valid) valid++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return valid;
}

console.log(
  `node ${process.version}, OpenSSL ${process.versions.openssl}, ${BULK} certificates, ${ROUNDS} rounds`,
);
const tokens = await signAll();
const rounds = { raw: [] as number[], sequential: [] as number[], concurrent: [] as number[] };
// one untimed pass of each warms the JIT and jose's key cache
rawLoop(tokens.slice(0, 2000));
await verifyAll(verifier, tokens.slice(0, 2000), IN_FLIGHT);
for (let i = 0; i < ROUNDS; i++) {
  rounds.raw.push(await rate('raw', () => rawLoop(tokens)));
  rounds.sequential.push(await rate('sequential', () => verifyAll(verifier, tokens, 1)));
  rounds.concurrent.push(await rate('concurrent', () => verifyAll(verifier, tokens, IN_FLIGHT)));
}
const raw = median(rounds.raw);
const sequential = median(rounds.sequential);
const concurrent = median(rounds.concurrent);
const ratio = concurrent / raw;
console.log(`raw crypto.verify loop (P1363, 1 thread):       ${fmt(raw)}/s`);
console.log(
  `verifier, awaited one at a time:                ${fmt(sequential)}/s (${(sequential / raw).toFixed(2)}x raw)`,
);
console.log(
  `verifier, ${IN_FLIGHT} in flight:                         ${fmt(concurrent)}/s (${ratio.toFixed(2)}x raw)`,
);
const met = concurrent >= 10_000 && ratio >= 0.5;
console.log(`goal >= 10,000/s and >= 0.5x raw: ${met ? 'MET' : 'NOT MET'}`);
record('verify', { bulk: BULK, rounds, raw, sequential, concurrent, ratio, met });
