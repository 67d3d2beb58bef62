/**
 * Issuer throughput over real HTTP on loopback, on PostgreSQL, with every abuse control executed.
 *
 *   node --import tsx bench/issuance.bench.ts            (npm run bench -- issuance)
 *
 * Guard (issue 14): >= 400 certificates/s with p99 <= 250 ms, one certificate being the pair
 * POST /sessions then POST /certificates on one connection.
 *
 * The issuer runs as `passgeni serve` does, in a process of its own; the load generator
 * (autocannon) runs in this one and shares the machine's cores with it and PostgreSQL. Limits are
 * set high enough never to refuse, but every check still runs: API-key look-up, per-key minute
 * window, per-key token bucket, per-address hourly window, audit events and the 50-per-24h team
 * flag. Issuance runs BENCH_ROUNDS times and the median round is the result. Because throughput
 * moves with whatever else the machine runs, two figures that do not are printed beside it: the
 * CPU each certificate cost (issuer, PostgreSQL, load generator, from /proc) and, as the same
 * run's baseline, GET /healthz (one database round trip) on the same server.
 *
 * Database: BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL (a scratch database is created and
 * dropped). Knobs: BENCH_SECONDS (10 per round), BENCH_ROUNDS (3), BENCH_USERS (16 connections),
 * BENCH_KEYS (16 API keys, one team each).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { createApiKey, openDatabase } from '../src/issuer/index.js';
import { fmt, record } from './harness.js';
import { autocannon, issuance, startIssuerProcess, USERS } from './issuer-load.js';
import type { Run } from './issuer-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = Number(process.env.BENCH_KEYS ?? 16);
const GUARD = { perSec: 400, p99Ms: 250 };

/**
 * CPU seconds used so far by PostgreSQL's processes and by the server (from /proc, in clock ticks
 * of 10 ms). The pool's connections live through a run, so their backends are counted.
 */
function cpuSeconds(serverPid: number): { postgres: number; server: number } {
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
    if (Number(entry) === serverPid) server += ticks / 100;
  }
  return { postgres, server };
}

interface Round extends Run {
  /** CPU per certificate, µs. */
  cpuUs: { issuer: number; postgres: number; load: number };
}

async function measuredRound(url: string, keys: string[], serverPid: number): Promise<Round> {
  const cpu0 = cpuSeconds(serverPid);
  const own0 = process.cpuUsage();
  const run = await issuance(url, keys, SECONDS);
  const cpu1 = cpuSeconds(serverPid);
  const own = process.cpuUsage(own0);
  const certs = run.perSec * SECONDS;
  return {
    ...run,
    cpuUs: {
      issuer: ((cpu1.server - cpu0.server) / certs) * 1e6,
      postgres: ((cpu1.postgres - cpu0.postgres) / certs) * 1e6,
      load: (own.user + own.system) / certs,
    },
  };
}

function summarise(r: Round): string {
  const { issuer, postgres, load } = r.cpuUs;
  return (
    `${fmt(r.perSec)} certificates/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}; ` +
    `CPU per certificate: issuer ${fmt(issuer)} µs + PostgreSQL ${fmt(postgres)} µs + load generator ${fmt(load)} µs`
  );
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
  let server: ChildProcess | undefined;
  try {
    const { db } = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 2 });
    const keys: string[] = [];
    for (let k = 0; k < KEYS; k++) {
      keys.push((await createApiKey(db, { team: `bench-${k}`, now: new Date() })).key);
    }
    await db.close();

    const started = await startIssuerProcess(dbUrl.toString());
    const child = started.child;
    server = child;
    const url = started.url;
    console.log(
      `issuer: one process on PostgreSQL; load: autocannon, ${USERS} connections, ${KEYS} API keys, ${ROUNDS} rounds of ${SECONDS} s`,
    );

    await issuance(url, keys, 2); // warm-up: JIT, prepared statements, connections
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = await measuredRound(url, keys, child.pid ?? 0);
      rounds.push(round);
      console.log(`round ${r + 1}: ${summarise(round)}`);
    }
    const median = [...rounds].sort((a, b) => a.perSec - b.perSec)[Math.floor(rounds.length / 2)];
    if (!median) throw new Error('BENCH_ROUNDS must be at least 1');
    console.log(`issuance, median of ${rounds.length} rounds: ${summarise(median)}`);
    const health = await autocannon({ url: `${url}/healthz`, connections: USERS, duration: 3 });
    console.log(
      `baseline GET /healthz: ${fmt(health.requests.average)} req/s; issuance ${(median.perSec / health.requests.average).toFixed(3)}x of it`,
    );
    const met = median.perSec >= GUARD.perSec && median.p99 <= GUARD.p99Ms;
    console.log(
      `guard >= ${GUARD.perSec} certificates/s with p99 <= ${GUARD.p99Ms} ms: ${met ? 'MET' : 'NOT MET'}`,
    );
    record('issuance', {
      users: USERS,
      keys: KEYS,
      seconds: SECONDS,
      rounds,
      issuance: median,
      healthzPerSec: health.requests.average,
      guard: GUARD,
      met,
    });
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
