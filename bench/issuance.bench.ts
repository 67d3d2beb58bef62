/**
 * Issuer throughput over real HTTP on loopback, on PostgreSQL, with every abuse control executed.
 *
 *   node --import tsx bench/issuance.bench.ts            (npm run bench -- issuance)
 *
 * The issuer runs as `passgeni serve` does: one process (a node:cluster worker, so that
 * BENCH_WORKERS can start more sharing one port; default 1). The load generator (autocannon)
 * runs in this process and shares the machine's two cores with the server and PostgreSQL, so the
 * figures are conservative. Limits are set high enough never to refuse, but every check still
 * runs: API-key look-up, per-key minute window, per-key token bucket, per-address hourly window,
 * audit events and the 50-per-24h team flag.
 *
 * Measured: certificates per second (one certificate = POST /sessions + POST /certificates, in
 * sequence, per connection) with p50/p99 latency of the pair, and the CPU each certificate cost
 * the issuer, PostgreSQL and the load generator. This machine's speed drifts by up to a quarter
 * between identical runs (other tenants of the host), so issuance runs BENCH_ROUNDS times and the
 * median round is the result. Then GET /cert/:id (JSON) and GET /.well-known/jwks.json;
 * baseline: GET /healthz on the same server (one database round trip, no work), and the ratio of
 * each to it.
 *
 * Database: BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL (a scratch database is created and
 * dropped). Other knobs: BENCH_SECONDS (10 per round), BENCH_ROUNDS (3), BENCH_USERS (64
 * connections), BENCH_KEYS (16), BENCH_POOL (12).
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import pg from 'pg';
import { exportSigningKey, generateSigningKey, loadSigningKey } from '../src/certificate/index.js';
import {
  BufferedLogStream,
  createApiKey,
  openDatabase,
  openIssuer,
  startServer,
} from '../src/issuer/index.js';
import { fmt, record } from './harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 64);
const KEYS = Number(process.env.BENCH_KEYS ?? 16);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const POOL = Number(process.env.BENCH_POOL ?? 12);
const HIGH = 1_000_000_000;

/** The part of autocannon's API used here (it ships no type declarations). */
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SESSION_BODY = JSON.stringify({
  standard: 'HIPAA',
  generation_params: {
    length: 20,
    has_upper: true,
    has_lower: true,
    has_numbers: true,
    has_special: true,
    char_pool_size: 94,
    excluded_characters: 0,
    class_sizes: { upper: 26, lower: 26, digit: 10, special: 32 },
  },
  entropy_source: {
    api: 'crypto.getRandomValues',
    runtime: `node ${process.version}`,
    openssl: '3',
    fips_mode: false,
  },
});

// ----------------------------------------------------------------------------- server role

async function serveWorker(): Promise<void> {
  const env = process.env;
  const issuer = await openIssuer({
    databaseUrl: env.BENCH_DB ?? '',
    publicUrl: env.BENCH_PUBLIC_URL ?? '',
    signingKey: loadSigningKey(env.BENCH_KEY ?? ''),
    poolSize: POOL,
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
    // as `passgeni serve` logs: one JSON access-log line per request, batched (to /dev/null here)
    logger: { level: 'info', stream: new BufferedLogStream(openSync('/dev/null', 'w')) },
  });
  process.send?.('ready');
  process.on('SIGTERM', () => {
    void server
      .close()
      .then(() => issuer.close())
      .then(() => process.exit(0));
  });
}

// ----------------------------------------------------------------------------- load

/**
 * The issuance load: autocannon, USERS connections, each looping over the pair (session, then a
 * certificate for that session), with API keys assigned round-robin to pairs. autocannon writes
 * prebuilt requests on raw sockets, so the load generator takes less of the machine's CPU than
 * one built on node:http would; its share is still measured and reported.
 */
async function issuanceRun(
  url: string,
  keys: string[],
  seconds: number,
): Promise<{ perSec: number; p50: number; p99: number; ids: string[]; errors: number }> {
  const latencies: number[] = [];
  const ids: string[] = [];
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
  const t0 = performance.now();
  await autocannon({
    url,
    connections: USERS,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/sessions',
        setupRequest: (req: Record<string, unknown>, context: Pair) => {
          context.key = keys[next++ % keys.length] ?? '';
          context.started = performance.now();
          return { ...req, body: SESSION_BODY, headers: headersFor(context.key) };
        },
        onResponse: (status: number, body: string, context: Pair) => {
          if (status === 201) {
            context.sessionId = (JSON.parse(body) as { generation_session_id: string }).generation_session_id;
          } else fail('session', status, body);
        },
      },
      {
        method: 'POST',
        path: '/api/v1/certificates',
        setupRequest: (req: Record<string, unknown>, context: Pair) => ({
          ...req,
          body: `{"generation_session_id":"${context.sessionId ?? ''}"}`,
          headers: headersFor(context.key ?? ''),
        }),
        onResponse: (status: number, body: string, context: Pair) => {
          if (status !== 201) return fail('certificate', status, body);
          ids.push((JSON.parse(body) as { cert_id: string }).cert_id);
          latencies.push(performance.now() - (context.started ?? 0));
        },
      },
    ],
  });
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { perSec: latencies.length / elapsed, p50: pct(50), p99: pct(99), ids, errors };
}

function headersFor(key: string): Record<string, string> {
  return {
    authorization: `Bearer ${key}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };
}

async function cannon(
  url: string,
  seconds: number,
  paths?: string[],
): Promise<{ perSec: number; p50: number; p99: number; non2xx: number }> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: 32,
    pipelining: 1,
    duration: seconds,
    headers: { accept: 'application/json' },
    ...(paths && {
      requests: [
        {
          setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[i++ % paths.length] }),
        },
      ],
    }),
  });
  return {
    perSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

// ----------------------------------------------------------------------------- CPU accounting

/**
 * CPU seconds used so far by PostgreSQL's processes and by the given pids (from /proc, in clock
 * ticks of 10 ms). The pool connections live through a run, so their backends are counted.
 * Dividing by the certificates issued gives a cost per certificate that does not depend on what
 * else the machine is doing, unlike throughput.
 */
function cpuSeconds(pids: number[]): { postgres: number; server: number } {
  let postgres = 0;
  let server = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (comm === 'postgres') postgres += ticks / 100;
    if (pids.includes(Number(entry))) server += ticks / 100;
  }
  return { postgres, server };
}

interface Round {
  perSec: number;
  p50: number;
  p99: number;
  errors: number;
  ids: string[];
  /** CPU per certificate, µs. */
  cpuUs: { serverUs: number; postgresUs: number; loadUs: number };
}

async function measuredRound(url: string, keys: string[], pids: number[]): Promise<Round> {
  const cpu0 = cpuSeconds(pids);
  const own0 = process.cpuUsage();
  const run = await issuanceRun(url, keys, SECONDS);
  const cpu1 = cpuSeconds(pids);
  const own = process.cpuUsage(own0);
  const certs = run.perSec * SECONDS;
  return {
    ...run,
    cpuUs: {
      serverUs: ((cpu1.server - cpu0.server) / certs) * 1e6,
      postgresUs: ((cpu1.postgres - cpu0.postgres) / certs) * 1e6,
      loadUs: (own.user + own.system) / certs,
    },
  };
}

function describeRound(r: Round): string {
  const { serverUs, postgresUs, loadUs } = r.cpuUs;
  return (
    `${fmt(r.perSec)} certificates/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}; ` +
    `CPU per certificate: issuer ${fmt(serverUs)} µs + PostgreSQL ${fmt(postgresUs)} µs + load generator ${fmt(loadUs)} µs = ${fmt(serverUs + postgresUs + loadUs)} µs`
  );
}

/** Average requests per statement, from the issuer's batch-size histogram. */
async function batchSizes(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals = new Map<string, { sum: number; count: number }>();
  for (const [, part, statement, value] of text.matchAll(
    /^passgeni_statement_batch_size_(sum|count)\{statement="([^"]+)"\} (\S+)$/gm,
  )) {
    const entry = totals.get(statement ?? '') ?? { sum: 0, count: 0 };
    entry[part as 'sum' | 'count'] = Number(value);
    totals.set(statement ?? '', entry);
  }
  return Object.fromEntries([...totals].map(([statement, t]) => [statement, t.sum / t.count]));
}

// ----------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.PASSGENI_TEST_DATABASE_URL;
  if (!base) {
    console.log(
      'SKIPPED: set BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL to a PostgreSQL the benchmark may create a database on.',
    );
    return;
  }
  const name = `passgeni_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${name}`;
  const workers: Array<ReturnType<typeof cluster.fork>> = [];
  try {
    const { db } = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 2 });
    const keys: string[] = [];
    for (let k = 0; k < KEYS; k++)
      keys.push((await createApiKey(db, { team: `bench-${k}`, now: new Date() })).key);
    await db.close();

    const port = 20000 + Math.floor(Math.random() * 20000);
    const signing = exportSigningKey(generateSigningKey(), 'jwk');
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    cluster.setupPrimary({ execArgv: ['--import', 'tsx', ...profile], silent: false });
    for (let w = 0; w < WORKERS; w++) {
      const worker = cluster.fork({
        BENCH_ROLE: 'server',
        BENCH_DB: dbUrl.toString(),
        BENCH_PORT: String(port),
        BENCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
        BENCH_KEY: signing,
      });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('exit', (code) => reject(new Error(`server worker exited with ${code}`)));
      });
    }
    const url = `http://127.0.0.1:${port}`;
    console.log(
      `issuer: ${WORKERS} process(es) on PostgreSQL, pool ${POOL}x2 each; load: autocannon, ${USERS} connections, ${KEYS} API keys, ${ROUNDS} rounds of ${SECONDS} s`,
    );

    await issuanceRun(url, keys, 2); // warm-up: JIT, prepared statements, connections
    const pids = workers.map((w) => w.process.pid ?? 0);
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = await measuredRound(url, keys, pids);
      rounds.push(round);
      console.log(`round ${r + 1}: ${describeRound(round)}`);
    }
    const issuance = [...rounds].sort((a, b) => a.perSec - b.perSec)[Math.floor(rounds.length / 2)];
    if (!issuance) throw new Error('BENCH_ROUNDS must be at least 1');
    const perCert = issuance.cpuUs;
    console.log(
      `issuance (session + certificate), median of ${rounds.length} rounds: ${describeRound(issuance)}`,
    );
    const totalUs = perCert.serverUs + perCert.postgresUs + perCert.loadUs;
    console.log(
      `2 cores could issue about ${fmt(2e6 / totalUs)}/s with this load generator, ${fmt(2e6 / (perCert.serverUs + perCert.postgresUs))}/s without it`,
    );
    const batches = await batchSizes(url);
    console.log(
      `requests per database statement (issuer /metrics, whole run): ${Object.entries(batches)
        .map(([statement, size]) => `${statement.replace(/^passgeni_/, '')} ${size.toFixed(1)}`)
        .join(', ')}`,
    );
    const ids = issuance.ids.slice(0, 2000).map((id) => `/cert/${id}`);
    const certPage = await cannon(url, Math.max(3, SECONDS / 2), ids);
    console.log(
      `GET /cert/:id (JSON): ${fmt(certPage.perSec)} req/s, p50 ${certPage.p50} ms, p99 ${certPage.p99} ms, non-2xx ${certPage.non2xx}`,
    );
    const jwks = await cannon(`${url}/.well-known/jwks.json`, Math.max(3, SECONDS / 2));
    console.log(
      `GET /.well-known/jwks.json: ${fmt(jwks.perSec)} req/s, p50 ${jwks.p50} ms, p99 ${jwks.p99} ms`,
    );
    const health = await cannon(`${url}/healthz`, Math.max(3, SECONDS / 2));
    console.log(
      `baseline GET /healthz: ${fmt(health.perSec)} req/s, p50 ${health.p50} ms, p99 ${health.p99} ms`,
    );
    const goal = issuance.perSec >= 1000 ? 'MET' : 'NOT MET';
    console.log(
      `ratio: issuance ${(issuance.perSec / health.perSec).toFixed(3)}x healthz (certificates/s per healthz req/s); ` +
        `cert page ${(certPage.perSec / health.perSec).toFixed(2)}x; JWKS ${(jwks.perSec / health.perSec).toFixed(2)}x`,
    );
    console.log(`goal >= 1,000 certificates/s: ${goal}`);
    record('issuance', {
      workers: WORKERS,
      users: USERS,
      keys: KEYS,
      seconds: SECONDS,
      rounds: rounds.map(({ ids: _ids, ...round }) => round),
      requestsPerStatement: batches,
      issuance: { perSec: issuance.perSec, p50: issuance.p50, p99: issuance.p99, errors: issuance.errors },
      cpuPerCertificateUs: perCert,
      certPage,
      jwks,
      healthz: health,
      goal,
    });
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (cluster.isWorker && process.env.BENCH_ROLE === 'server') {
  await serveWorker();
} else {
  await main();
}
