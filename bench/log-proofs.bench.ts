/**
 * Transparency log proofs on a large log, read from PostgreSQL as the issuer serves them.
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
 * of a fresh TransparencyLog one after another, timing each call (its queries included).
 * Database: BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { checkpointText } from '../src/certificate/transparency/checkpoint.js';
import { appendedNodes, frontier, leafHash, treeHash } from '../src/certificate/transparency/merkle.js';
import { signerFor, signNote } from '../src/certificate/transparency/note.js';
import { openDatabase } from '../src/issuer/index.js';
import { TransparencyLog } from '../src/issuer/log/log.js';
import { fmt, record } from './harness.js';

const ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 1000);
const BATCH = 20_000;
const GUARD_P99_MS = 10;
const url = process.env.BENCH_DATABASE_URL ?? process.env.PASSGENI_TEST_DATABASE_URL;
if (!url) throw new Error('set BENCH_DATABASE_URL or PASSGENI_TEST_DATABASE_URL');

const name = `passgeni_bench_log_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const dbUrl = new URL(url);
dbUrl.pathname = `/${name}`;
const { db } = await openDatabase({ databaseUrl: dbUrl.toString(), poolSize: 4 });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

try {
  const origin = 'bench.passgeni.test/log';
  const key = generateKeyPairSync('ed25519').privateKey;
  const signer = signerFor(origin, key);
  const certIds: string[] = [];
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
    for (const n of added) if (keep.has(`${n.level}/${n.index}`)) nodes.set(`${n.level}/${n.index}`, n.hash);
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
    if (certIds.length < 50_000) certIds.push(...ids.filter((_id, i) => i % 20 === 0));
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
    signNote(checkpointText({ origin, size: ENTRIES, root }), signer),
  ]);
  await db.query('ANALYZE');
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(`generated a ${fmt(ENTRIES)}-entry log in ${buildSeconds.toFixed(1)} s`);

  const log = new TransparencyLog(db, origin, key, () => new Date(), 'https://bench.passgeni.test');
  const time = async (fn: () => Promise<unknown>): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < 50; i++) await fn(); // warm-up: prepared statements, caches
    for (let i = 0; i < PROOFS; i++) {
      const s = performance.now();
      await fn();
      out.push(performance.now() - s);
    }
    return out.sort((a, b) => a - b);
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
  const inclusion = await time(() => log.inclusion(pick(certIds)));
  const consistency = await time(() => {
    const a = 1 + Math.floor(Math.random() * (ENTRIES - 1));
    const b = a + Math.floor(Math.random() * (ENTRIES - a));
    return log.consistency(String(a), String(b));
  });
  const figures = {
    entries: ENTRIES,
    proofs: PROOFS,
    inclusion_ms: { p50: percentile(inclusion, 50), p99: percentile(inclusion, 99) },
    consistency_ms: { p50: percentile(consistency, 50), p99: percentile(consistency, 99) },
    build_seconds: buildSeconds,
  };
  console.log(
    `inclusion   p50 ${figures.inclusion_ms.p50.toFixed(2)} ms  p99 ${figures.inclusion_ms.p99.toFixed(2)} ms\n` +
      `consistency p50 ${figures.consistency_ms.p50.toFixed(2)} ms  p99 ${figures.consistency_ms.p99.toFixed(2)} ms  (guard: p99 <= ${GUARD_P99_MS} ms)`,
  );
  record('log-proofs', figures);
  if (figures.inclusion_ms.p99 > GUARD_P99_MS || figures.consistency_ms.p99 > GUARD_P99_MS)
    process.exitCode = 1;
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
