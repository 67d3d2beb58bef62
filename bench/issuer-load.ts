/**
 * What the issuer benches share: the issuer in a process of its own, run as `passgeni serve` runs
 * it on PostgreSQL with every abuse control executed (limits too high to refuse), and autocannon
 * looping over POST /sessions then POST /certificates for that session.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { exportSigningKey, generateSigningKey, loadSigningKey } from '../src/certificate/index.js';
import { openIssuer, startServer } from '../src/issuer/index.js';
import { strongParams } from '../test/support/claims.js';

export const USERS = Number(process.env.BENCH_USERS ?? 16);
const HIGH = 1_000_000_000;

/** The part of autocannon's API used here (it ships no type declarations). */
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
}
export type Autocannon = (options: Record<string, unknown>) => Promise<CannonResult>;
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SESSION_BODY = JSON.stringify({
  standard: 'HIPAA',
  generation_params: strongParams(),

  entropy_source: {
    api: 'crypto.getRandomValues',
    runtime: `node ${process.version}`,
    openssl: '3',
    fips_mode: false,
  },
});

// ----------------------------------------------------------------------------- server process

async function serve(): Promise<void> {
  const env = process.env;
  const issuer = await openIssuer({
    databaseUrl: env.BENCH_DB ?? '',
    publicUrl: `http://127.0.0.1:${env.BENCH_PORT}`,
    signingKey: loadSigningKey(env.BENCH_KEY ?? ''),
    // 0: the sequencer never runs (entries stay queued), for the log-overhead bench's baseline
    ...(env.BENCH_LOG_SEQUENCE_MS !== undefined && { logSequenceMs: Number(env.BENCH_LOG_SEQUENCE_MS) }),
    limits: {
      ipCertificatesPerHour: HIGH,
      keyRequestsPerMinute: HIGH,
      keyBurst: HIGH,
      keyRefillPerSecond: HIGH,
      teamFlagThreshold: 50,
    },
  });
  const server = await startServer({
    issuer,
    port: Number(env.BENCH_PORT),
    host: '127.0.0.1',
    // as `passgeni serve` logs: one JSON access-log line per request (to /dev/null here)
    logger: { level: 'info', stream: createWriteStream('/dev/null') },
  });
  process.send?.('ready');
  process.on('SIGTERM', () => {
    void server
      .close()
      .then(() => issuer.close())
      .then(() => process.exit(0));
  });
}

/** Starts the issuer on `dbUrl` in a process of its own; resolves when it listens. */
export async function startIssuerProcess(
  dbUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = fork(fileURLToPath(import.meta.url), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      ...env,
      BENCH_ROLE: 'server',
      BENCH_DB: dbUrl,
      BENCH_PORT: String(port),
      BENCH_KEY: exportSigningKey(generateSigningKey(), 'jwk'),
    },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

// ----------------------------------------------------------------------------- load

export interface Run {
  perSec: number;
  p50: number;
  p99: number;
  errors: number;
}

/** USERS connections, each looping over the pair; API keys are assigned round-robin to pairs. */
export async function issuance(url: string, keys: string[], seconds: number): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  interface Pair {
    key?: string;
    started?: number;
    sessionId?: string;
  }
  const fail = (what: string, status: number, body: string) => {
    errors++;
    if (errors < 5) console.error(`${what}: HTTP ${status} ${body}`);
  };
  const headers = (key: string) => ({
    authorization: `Bearer ${key}`,
    accept: 'application/json',
    'content-type': 'application/json',
  });
  const t0 = performance.now();
  await autocannon({
    url,
    connections: USERS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/sessions',
        setupRequest: (req: Record<string, unknown>, context: Pair) => {
          context.key = keys[next++ % keys.length] ?? '';
          context.started = performance.now();
          return { ...req, body: SESSION_BODY, headers: headers(context.key) };
        },
        onResponse: (status: number, body: string, context: Pair) => {
          if (status !== 201) return fail('session', status, body);
          context.sessionId = (JSON.parse(body) as { generation_session_id: string }).generation_session_id;
        },
      },
      {
        method: 'POST',
        path: '/api/v1/certificates',
        setupRequest: (req: Record<string, unknown>, context: Pair) => ({
          ...req,
          body: `{"generation_session_id":"${context.sessionId ?? ''}"}`,
          headers: headers(context.key ?? ''),
        }),
        onResponse: (status: number, body: string, context: Pair) => {
          if (status !== 201) return fail('certificate', status, body);
          latencies.push(performance.now() - (context.started ?? 0));
        },
      },
    ],
  });
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { perSec: latencies.length / elapsed, p50: pct(50), p99: pct(99), errors };
}

if (process.env.BENCH_ROLE === 'server') await serve();
