/**
 * What the transparency log costs issuance.
 *
 *   node --import tsx bench/log-overhead.bench.ts            (npm run bench -- log-overhead)
 *
 * Guard (issue 19): issuance over HTTP with the log on >= 0.8x the same run with it off.
 *
 * The log cannot be switched off (queuing the entry is part of the issuing statement, on purpose:
 * a certificate that is not queued must not exist), so "off" is measured in the two ways that can
 * be, each against a baseline in the same run, in interleaved rounds:
 *
 *  1. HTTP issuance (as bench/issuance.bench.ts: the issuer in its own process on PostgreSQL,
 *     every abuse control on, autocannon on the same cores) with the sequencer running on its
 *     500 ms timer, against the same issuer whose sequencer never runs (logSequenceMs 0: entries are
 *     queued and stay queued). Two servers on two scratch databases, rounds alternating.
 *  2. The issuing statement itself, straight against the database, one at a time: as the issuer
 *     runs it, against the same statement with its queue part cut out (here only).
 *  3. The sequencer's own work per certificate (appending what (2) queued, as the timer does),
 *     timed directly, and what it would cost issuance if every microsecond of it were taken
 *     from the issuing statement: a bound less noisy than (1) on a shared machine.
 *
 * Database: BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL. Knobs: BENCH_SECONDS (5 per round),
 * BENCH_ROUNDS (4 per side), BENCH_USERS (16 connections), BENCH_STATEMENTS (2,000 per round),
 * BENCH_SKIP_HTTP=1 (parts 2 and 3 only).
 */
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { STORE_CERTIFICATE_SQL } from '../src/issuer/certificates.js';
import type { Database } from '../src/issuer/db/types.js';
import { createApiKey, openDatabase } from '../src/issuer/index.js';
import { TransparencyLog } from '../src/issuer/log/log.js';
import { fmt, median, report } from './harness.js';
import type { Measurement } from './harness.js';
import { issuance, startIssuerProcess, USERS } from './issuer-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 2000);
const KEYS = 16;
const GOAL = { ratio: 0.8, direction: '>=' as const };

const base = process.env.BENCH_DATABASE_URL ?? process.env.PASSGENI_TEST_DATABASE_URL;
if (!base) {
  console.log('SKIPPED: set BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL.');
  process.exit(0);
}
const admin = new pg.Client({ connectionString: base });
await admin.connect();
const scratch: string[] = [];
async function scratchDatabase(): Promise<string> {
  const name = `passgeni_bench_lo_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  scratch.push(name);
  const url = new URL(base as string);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withKeys(dbUrl: string): Promise<string[]> {
  const { db } = await openDatabase({ databaseUrl: dbUrl, poolSize: 2 });
  const keys: string[] = [];
  for (let k = 0; k < KEYS; k++)
    keys.push((await createApiKey(db, { team: `bench-${k}`, now: new Date() })).key);
  await db.close();
  return keys;
}

/** Certificates issued and how many of them the log holds (the rest is queued). */
async function logged(dbUrl: string): Promise<{ issued: number; logged: number }> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query<{ issued: string; logged: string }>(
    `SELECT (SELECT count(*) FROM certificates)::text AS issued,
            (SELECT count(*) FROM log_entries WHERE kind = 'issuance')::text AS logged`,
  );
  await client.end();
  return { issued: Number(rows[0]?.issued), logged: Number(rows[0]?.logged) };
}

async function overHttp(): Promise<void> {
  const onDb = await scratchDatabase();
  const offDb = await scratchDatabase();
  const keysOn = await withKeys(onDb);
  const keysOff = await withKeys(offDb);
  const servers: ChildProcess[] = [];
  try {
    const on = await startIssuerProcess(onDb);
    servers.push(on.child);
    const off = await startIssuerProcess(offDb, { BENCH_LOG_SEQUENCE_MS: '0' });
    servers.push(off.child);
    console.log(
      `HTTP issuance, ${USERS} connections, ${ROUNDS} rounds of ${SECONDS} s per side, alternating`,
    );
    // warm-up: JIT, prepared statements, connections
    await issuance(on.url, keysOn, 2);
    await issuance(off.url, keysOff, 2);
    const perSec = { on: [] as number[], off: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // alternate which side goes first, so a drift in the machine's load hits both
      for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const run =
          side === 'on' ? await issuance(on.url, keysOn, SECONDS) : await issuance(off.url, keysOff, SECONDS);
        perSec[side].push(run.perSec);
        console.log(
          `round ${r + 1} ${side === 'on' ? 'log on ' : 'log off'}: ${fmt(run.perSec)} certificates/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, errors ${run.errors}`,
        );
      }
    }
    // the sequencer kept up: what the "on" side issued is in its log, give or take the last tick
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const kept = await logged(onDb);
    const queued = await logged(offDb);
    console.log(
      `log on: ${fmt(kept.logged)} of ${fmt(kept.issued)} certificates logged; log off: ${fmt(queued.logged)} of ${fmt(queued.issued)} (the rest queued)`,
    );
    const baseline: Measurement = {
      name: 'HTTP issuance, sequencer never running (entries queued)',
      opsPerSec: median(perSec.off),
      trials: perSec.off,
    };
    const candidate: Measurement = {
      name: 'HTTP issuance, log on (sequencer every 500 ms)',
      opsPerSec: median(perSec.on),
      trials: perSec.on,
    };
    report('log-overhead-http', baseline, candidate, GOAL);
  } finally {
    for (const child of servers) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The issuing statement without its queue part: for this comparison only, never for issuing. */
function withoutQueue(sql: string): string {
  const cut = sql.replace(/, lq AS \([\s\S]*?FROM r, c\n {2}\)/, '');
  if (cut === sql || cut.includes('log_queue')) {
    throw new Error('the issuing statement changed shape: update withoutQueue in this bench');
  }
  return cut;
}

async function statement(): Promise<void> {
  const dbUrl = await scratchDatabase();
  const { db } = await openDatabase({ databaseUrl: dbUrl, poolSize: 1 });
  try {
    const key = await createApiKey(db, { team: 'bench-statement', now: new Date() });
    // a certificate-sized JWT: the queue stores it a second time
    const jwt = `eyJ${randomBytes(1050).toString('base64url')}`;
    const run = async (sql: string, name: string): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < STATEMENTS; i++) await insert(db, sql, name, key, jwt);
      return (STATEMENTS * 1000) / (performance.now() - t0);
    };
    const full = STORE_CERTIFICATE_SQL;
    const cut = withoutQueue(full);
    await run(full, 'bench_with_queue');
    await run(cut, 'bench_without_queue');
    const rates = { with: [] as number[], without: [] as number[] };
    for (let r = 0; r < ROUNDS + 1; r++) {
      for (const side of r % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        rates[side].push(
          side === 'with' ? await run(full, 'bench_with_queue') : await run(cut, 'bench_without_queue'),
        );
      }
    }
    console.log(
      `\nthe issuing statement, one at a time, ${fmt(STATEMENTS)} per round, ${ROUNDS + 1} rounds per side`,
    );
    report(
      'log-overhead-statement',
      {
        name: 'issuing statement without the queue insert',
        opsPerSec: median(rates.without),
        trials: rates.without,
      },
      { name: 'issuing statement as the issuer runs it', opsPerSec: median(rates.with), trials: rates.with },
    );
    // 3. the sequencer's own work for those certificates: everything the "with" rounds queued,
    // appended as the issuer's timer does (batches of 1,000: entries, tree nodes, checkpoints)
    const [queued] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_queue');
    const log = new TransparencyLog(
      db,
      'bench.passgeni.test/log',
      generateKeyPairSync('ed25519').privateKey,
      () => new Date(),
      'https://bench.passgeni.test',
    );
    await log.init();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const appended = await log.append();
    const wallUs = ((performance.now() - t0) * 1000) / appended;
    const cpu = process.cpuUsage(cpu0);
    if (appended !== Number(queued?.n)) throw new Error(`appended ${appended} of ${queued?.n}`);
    console.log(
      `\nsequencing ${fmt(appended)} queued certificates: ${wallUs.toFixed(0)} µs each (wall, PostgreSQL included; this process's CPU ${((cpu.user + cpu.system) / appended).toFixed(0)} µs)`,
    );
    const issued = median(rates.with);
    report(
      'log-overhead-sequencing',
      { name: 'issuing statement as the issuer runs it', opsPerSec: issued, trials: rates.with },
      {
        name: 'the same, plus sequencing each certificate',
        opsPerSec: 1 / (1 / issued + wallUs / 1e6),
        trials: [],
      },
    );
  } finally {
    await db.close();
  }
}

async function insert(
  db: Database,
  sql: string,
  name: string,
  key: { id: string; team_id: string },
  jwt: string,
): Promise<void> {
  const now = new Date();
  const certId = randomUUID();
  const sessionId = randomUUID();
  await db.query(
    sql,
    [
      JSON.stringify({
        id: certId,
        team_id: key.team_id,
        key_id: key.id,
        session_id: sessionId,
        kid: 'bench',
        standard: 'HIPAA',
        standards_met: ['HIPAA'],
        entropy_bits: 131,
        label: null,
        jwt,
        issued_at: now,
        expires_at: new Date(now.getTime() + 365 * 86_400_000),
        activate_by: new Date(now.getTime() + 3_600_000),
        idempotency_key: null,
        request_digest: null,
        ip: '127.0.0.1',
        detail: { op: 'certificates.issue', standard: 'HIPAA', session_id: sessionId, kid: 'bench' },
      }),
    ],
    { name },
  );
}

try {
  if (process.env.BENCH_SKIP_HTTP !== '1') await overHttp();
  await statement();
} finally {
  for (const name of scratch) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
