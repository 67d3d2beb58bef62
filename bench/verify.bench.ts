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
import { loadavg } from 'node:os';
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

interface Pass {
  /** certificates per second, wall clock */
  rate: number;
  /** CPU microseconds per certificate, all threads of the process: steadier on a shared machine */
  cpuUs: number;
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** One timed pass; throws unless every certificate verified. */
async function measure(label: string, pass: () => Promise<number> | number): Promise<Pass> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const valid = await pass();
  const elapsed = performance.now() - t0;
  if (valid !== BULK) throw new Error(`${label}: ${valid} of ${BULK} valid`);
  return { rate: (BULK * 1000) / elapsed, cpuUs: (cpuNow() - c0) / BULK };
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
const rounds = { raw: [] as Pass[], sequential: [] as Pass[], concurrent: [] as Pass[] };
// one untimed pass of each warms the JIT and jose's key cache
rawLoop(tokens.slice(0, 2000));
await verifyAll(verifier, tokens.slice(0, 2000), IN_FLIGHT);
for (let i = 0; i < ROUNDS; i++) {
  rounds.raw.push(await measure('raw', () => rawLoop(tokens)));
  rounds.sequential.push(await measure('sequential', () => verifyAll(verifier, tokens, 1)));
  rounds.concurrent.push(await measure('concurrent', () => verifyAll(verifier, tokens, IN_FLIGHT)));
}
const summary = (passes: Pass[]) => ({
  rate: median(passes.map((p) => p.rate)),
  cpuUs: median(passes.map((p) => p.cpuUs)),
});
const raw = summary(rounds.raw);
const sequential = summary(rounds.sequential);
const concurrent = summary(rounds.concurrent);
const ratio = concurrent.rate / raw.rate;
const line = (name: string, p: { rate: number; cpuUs: number }) =>
  console.log(
    `${name.padEnd(42)} ${fmt(p.rate).padStart(7)}/s (${(p.rate / raw.rate).toFixed(2)}x raw), ${p.cpuUs.toFixed(1)} µs CPU each`,
  );
line('raw crypto.verify loop (P1363, 1 thread)', raw);
line('verifier, awaited one at a time', sequential);
line(`verifier, ${IN_FLIGHT} in flight`, concurrent);
const met = concurrent.rate >= 10_000 && ratio >= 0.5;
console.log(
  `goal >= 10,000/s and >= 0.5x raw: ${met ? 'MET' : 'NOT MET'} (load average ${loadavg()[0]?.toFixed(1)})`,
);
record('verify', { bulk: BULK, rounds, raw, sequential, concurrent, ratio, met });
