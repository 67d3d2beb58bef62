/**
 * Transparency log proofs on a large log, read from the database as the issuer serves them.
 *
 *   node --import tsx bench/log-proofs.bench.ts            (npm run bench -- log-proofs)
 *
 * Guard (issue 19): inclusion and consistency proofs for a 1,000,000-entry log each with
 * p99 <= 10 ms, from the database, without loading the tree into memory.
 *
 * The log is generated directly in a scratch database (BENCH_LOG_ENTRIES entries, default
 * 1,000,000): synthetic entries, their leaf hashes and every complete subtree's hash, written in
 * batches with the same code the sequencer uses (appendedNodes). Then BENCH_PROOFS (1,000) inclusion
 * proofs for random certificates and as many consistency proofs between random sizes are asked
 * of a fresh TransparencyLog one after another, timing each call (its queries included) and
 * counting its statements (each one a round trip).
 *
 * BENCH_LOG_BACKEND: postgres (default; BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL) or
 * pglite (a data directory under the system temp dir). BENCH_LOG_KEEP=1 keeps the generated log
 * and prints how to reuse it; BENCH_LOG_REUSE=<database name or PGlite data dir> measures an
 * existing one (so two versions of the code can be compared on the same log, back to back).
 */
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { checkpointText } from '../src/certificate/transparency/checkpoint.js';
import { appendedNodes, frontier, leafHash, treeHash } from '../src/certificate/transparency/merkle.js';
import { signerFor, signNote } from '../src/certificate/transparency/note.js';
import type { Database } from '../src/issuer/db/types.js';
import { openDatabase } from '../src/issuer/index.js';
import { TransparencyLog } from '../src/issuer/log/log.js';
import { fmt, record } from './harness.js';

const ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 1000);
const BACKEND = process.env.BENCH_LOG_BACKEND === 'pglite' ? 'pglite' : 'postgres';
const REUSE = process.env.BENCH_LOG_REUSE;
const KEEP = process.env.BENCH_LOG_KEEP === '1' || REUSE !== undefined;
const BATCH = 20_000;
const GUARD_P99_MS = 10;
const ORIGIN = 'bench.passgeni.test/log';

interface Scratch {
  db: Database;
  /** Where the log is, for BENCH_LOG_REUSE. */
  where: string;
  drop(): Promise<void>;
}

async function scratch(): Promise<Scratch> {
  if (BACKEND === 'pglite') {
    const dataDir = REUSE ?? mkdtempSync(join(tmpdir(), 'passgeni-bench-log-'));
    const { db } = await openDatabase({ dataDir });
    return { db, where: dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.PASSGENI_TEST_DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL');
  const name = REUSE ?? `passgeni_bench_log_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  if (!REUSE) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const { db } = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 4 });
  return {
    db,
    where: name,
    drop: async () => {
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** Counts the statements sent through it: each is one round trip to the database. */
function counting(db: Database): Database & { statements: number } {
  const counted = Object.create(db) as Database & { statements: number };
  counted.statements = 0;
  counted.query = (...args: Parameters<Database['query']>) => {
    counted.statements++;
    return db.query(...args);
  };
  return counted;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const { db, where, drop } = await scratch();
try {
  // a fixed key: a reused log's checkpoint must verify with the key of the run measuring it
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
    format: 'der',
    type: 'pkcs8',
  });
  const signer = signerFor(ORIGIN, key);
  const build = async (): Promise<number> => {
    const nodes = new Map<string, Buffer>();
    const t0 = performance.now();
    for (let start = 0; start < ENTRIES; start += BATCH) {
      const count = Math.min(BATCH, ENTRIES - start);
      const ids = Array.from({ length: count }, () => randomUUID());
      // about the size of a real certificate: the proofs do not read entries, the index does
      const bodies = ids.map((id) => `bench.${id}.${'x'.repeat(1400)}`);
      const leaves = bodies.map((b) => leafHash(Buffer.from(b)));
      const added = appendedNodes(start, leaves, (l, i) => {
        const hash = nodes.get(`${l}/${i}`);
        if (!hash) throw new Error(`missing ${l}/${i}`);
        return hash;
      });
      // keep only what the next batch builds on: the frontier
      const keep = new Set(frontier(start + count).map(([l, i]) => `${l}/${i}`));
      for (const n of added)
        if (keep.has(`${n.level}/${n.index}`)) nodes.set(`${n.level}/${n.index}`, n.hash);
      await db.query(
        `INSERT INTO log_entries (idx, kind, cert_id, body, queued_at, logged_at)
         SELECT $1::bigint + o - 1, 'issuance', id, body, now(), now()
         FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS x(id, body, o)`,
        [start, ids, bodies],
      );
      await db.query(
        `INSERT INTO log_nodes (level, idx, hash)
         SELECT level, idx, decode(hash, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS x(level, idx, hash)`,
        [added.map((n) => n.level), added.map((n) => n.index), added.map((n) => n.hash.toString('hex'))],
      );
    }
    const root = Buffer.from(
      treeHash(ENTRIES, (l, i) => {
        const hash = nodes.get(`${l}/${i}`);
        if (!hash) throw new Error(`missing ${l}/${i}`);
        return hash;
      }),
    );
    await db.query(`UPDATE log_state SET size = $1`, [ENTRIES]);
    await db.query(`INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, now())`, [
      ENTRIES,
      root,
      signNote(checkpointText({ origin: ORIGIN, size: ENTRIES, root }), signer),
    ]);
    await db.query('ANALYZE');
    const buildSeconds = (performance.now() - t0) / 1000;
    console.log(`generated a ${fmt(ENTRIES)}-entry log in ${buildSeconds.toFixed(1)} s (${BACKEND})`);
    return buildSeconds;
  };
  const buildSeconds = REUSE ? 0 : await build();
  if (KEEP) console.log(`kept the log: BENCH_LOG_BACKEND=${BACKEND} BENCH_LOG_REUSE=${where}`);
  const [state] = await db.query<{ size: string }>('SELECT size::text AS size FROM log_state');
  const size = Number(state?.size);
  // certificates to prove, spread over the whole log (by primary key: no scan of the entries)
  const sample = Array.from({ length: 2000 }, () => String(Math.floor(Math.random() * size)));
  const certIds = (
    await db.query<{ cert_id: string }>(
      'SELECT cert_id::text AS cert_id FROM log_entries WHERE idx = ANY($1::bigint[])',
      [sample],
    )
  ).map((r) => r.cert_id);

  const counted = counting(db);
  const log = new TransparencyLog(counted, ORIGIN, key, () => new Date(), 'https://bench.passgeni.test');
  const time = async (fn: () => Promise<unknown>): Promise<{ ms: number[]; statements: number }> => {
    const ms: number[] = [];
    for (let i = 0; i < 50; i++) await fn(); // warm-up: prepared statements, caches
    counted.statements = 0;
    for (let i = 0; i < PROOFS; i++) {
      const s = performance.now();
      await fn();
      ms.push(performance.now() - s);
    }
    return { ms: ms.sort((a, b) => a - b), statements: counted.statements / PROOFS };
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
  const inclusion = await time(() => log.inclusion(pick(certIds)));
  const consistency = await time(() => {
    const a = 1 + Math.floor(Math.random() * (size - 1));
    const b = a + Math.floor(Math.random() * (size - a));
    return log.consistency(String(a), String(b));
  });
  const figures = {
    backend: BACKEND,
    entries: size,
    proofs: PROOFS,
    inclusion_ms: { p50: percentile(inclusion.ms, 50), p99: percentile(inclusion.ms, 99) },
    inclusion_statements: inclusion.statements,
    consistency_ms: { p50: percentile(consistency.ms, 50), p99: percentile(consistency.ms, 99) },
    consistency_statements: consistency.statements,
    build_seconds: buildSeconds,
    load_average: loadavg(),
  };
  console.log(
    `${fmt(size)} entries, ${BACKEND}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n` +
      `inclusion   p50 ${figures.inclusion_ms.p50.toFixed(2)} ms  p99 ${figures.inclusion_ms.p99.toFixed(2)} ms  (${inclusion.statements} statements)\n` +
      `consistency p50 ${figures.consistency_ms.p50.toFixed(2)} ms  p99 ${figures.consistency_ms.p99.toFixed(2)} ms  (${consistency.statements} statements)  (guard: p99 <= ${GUARD_P99_MS} ms)`,
  );
  record('log-proofs', figures);
  if (figures.inclusion_ms.p99 > GUARD_P99_MS || figures.consistency_ms.p99 > GUARD_P99_MS)
    process.exitCode = 1;
} finally {
  await db.close();
  if (!KEEP) await drop();
}
