import { appendedNodes, frontier, leafHash, treeHash } from '../../certificate/transparency/merkle.js';
import type { NodeSource } from '../../certificate/transparency/merkle.js';
import type { Queryable } from '../db/types.js';

/**
 * The log's tables (migration 7): entries, complete-subtree hashes, the size, checkpoints. Every
 * read is by primary key or a short range, so a proof on a log of millions of entries reads a few
 * dozen rows and never the tree.
 */

/** Entries moved from the queue into the log per appending statement. */
export const APPEND_BATCH = 1000;

interface QueuedRow {
  id: number;
  kind: string;
  cert_id: string;
  body: string;
  queued_at: string;
}

/** The hashes of the nodes named, keyed `level/index`. */
export async function readNodes(
  db: Queryable,
  nodes: ReadonlyArray<readonly [number, number]>,
): Promise<Map<string, Buffer>> {
  if (nodes.length === 0) return new Map();
  const rows = await db.query<{ level: number; idx: string; hash: Uint8Array }>(
    `SELECT n.level, n.idx::text AS idx, n.hash FROM log_nodes n
     JOIN unnest($1::int[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`,
    [nodes.map(([level]) => level), nodes.map(([, index]) => String(index))],
    { name: 'passgeni_log_nodes' },
  );
  return new Map(rows.map((r) => [`${r.level}/${r.idx}`, Buffer.from(r.hash)]));
}

/** A NodeSource over fetched nodes; a node that is not there is a broken log, not a zero hash. */
export function sourceOf(nodes: Map<string, Buffer>): NodeSource {
  return (level, index) => {
    const hash = nodes.get(`${level}/${index}`);
    if (!hash) throw new Error(`the log has no node ${level}/${index}`);
    return hash;
  };
}

export async function logSize(db: Queryable): Promise<number> {
  const [row] = await db.query<{ size: string }>(
    'SELECT size::text AS size FROM log_state WHERE id = 1',
    [],
    {
      name: 'passgeni_log_size',
    },
  );
  return Number(row?.size ?? 0);
}

export interface Appended {
  /** Entries appended by this call (0 when the queue was empty or another replica won the race). */
  appended: number;
  size: number;
  root: Buffer;
  /** Another replica appended between this one's read and write: nothing was written; read again. */
  raced: boolean;
}

/**
 * Moves up to APPEND_BATCH queued entries into the log: leaf and interior hashes, the new size
 * and its checkpoint, all in one statement that applies only if the size is still the one read
 * (another replica appending meanwhile makes it a no-op, and the entries stay queued for the next
 * round). `sign` turns the new (size, root) into the checkpoint note stored beside it.
 */
export async function appendQueued(
  db: Queryable,
  now: Date,
  sign: (size: number, root: Buffer) => string,
): Promise<Appended> {
  // one statement, one snapshot: the size and the queue are read together
  const [state] = await db.query<{ size: string; queue: QueuedRow[] | null }>(
    `SELECT (SELECT size::text FROM log_state WHERE id = 1) AS size,
       (SELECT jsonb_agg(q ORDER BY q.id) FROM
         (SELECT id, kind, cert_id, body, queued_at FROM log_queue ORDER BY id LIMIT $1) q) AS queue`,
    [APPEND_BATCH],
    { name: 'passgeni_log_read_queue' },
  );
  const size = Number(state?.size ?? 0);
  const queue = state?.queue ?? [];
  if (queue.length === 0) return { appended: 0, size, root: Buffer.alloc(0), raced: false };

  const old = sourceOf(await readNodes(db, frontier(size)));
  const leaves = queue.map((e) => leafHash(Buffer.from(e.body, 'utf8')));
  const added = appendedNodes(size, leaves, old);
  const newSize = size + queue.length;
  const known = new Map(added.map((n) => [`${n.level}/${n.index}`, n.hash]));
  const root = Buffer.from(treeHash(newSize, (l, i) => known.get(`${l}/${i}`) ?? old(l, i)));
  const note = sign(newSize, root);

  const rows = await db.query<{ size: string }>(
    `WITH s AS (
      UPDATE log_state SET size = $2 WHERE id = 1 AND size = $1 RETURNING size
    ), e AS (
      INSERT INTO log_entries (idx, kind, cert_id, body, queued_at, logged_at)
      SELECT x.idx, x.kind, x.cert_id, x.body, x.queued_at, $5::timestamptz
      FROM jsonb_to_recordset($3::jsonb) AS x(idx bigint, kind text, cert_id uuid, body text, queued_at timestamptz), s
    ), n AS (
      INSERT INTO log_nodes (level, idx, hash)
      SELECT x.level, x.idx, decode(x.hash, 'hex')
      FROM jsonb_to_recordset($4::jsonb) AS x(level smallint, idx bigint, hash text), s
    ), d AS (
      DELETE FROM log_queue WHERE id = ANY($6::bigint[]) AND EXISTS (SELECT 1 FROM s)
    ), c AS (
      INSERT INTO log_checkpoints (size, root, note, created_at)
      SELECT $2, decode($7, 'hex'), $8, $5::timestamptz FROM s
    )
    SELECT size::text AS size FROM s`,
    [
      String(size),
      String(newSize),
      JSON.stringify(queue.map((e, i) => ({ ...e, idx: size + i }))),
      JSON.stringify(added.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') }))),
      now,
      queue.map((e) => String(e.id)),
      root.toString('hex'),
      note,
    ],
  );
  return rows.length === 1
    ? { appended: queue.length, size: newSize, root, raced: false }
    : { appended: 0, size, root, raced: true };
}

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  note: string;
}

export async function latestCheckpoint(db: Queryable): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.query<{ size: string; root: Uint8Array; note: string }>(
    'SELECT c.size::text AS size, c.root, c.note FROM log_checkpoints c ORDER BY c.size DESC LIMIT 1',
    [],
    { name: 'passgeni_log_checkpoint' },
  );
  return row && { size: Number(row.size), root: Buffer.from(row.root), note: row.note };
}

/** The empty tree's checkpoint, so a new log serves one before its first entry. */
export async function ensureFirstCheckpoint(
  db: Queryable,
  now: Date,
  note: string,
  root: Buffer,
): Promise<void> {
  await db.query(
    `INSERT INTO log_checkpoints (size, root, note, created_at) VALUES (0, decode($1, 'hex'), $2, $3)
     ON CONFLICT (size) DO NOTHING`,
    [root.toString('hex'), note, now],
  );
}

export interface LoggedEntry {
  index: number;
  kind: 'issuance' | 'revocation';
}

/** The checkpoint a certificate's proof is served against, with what attests it. */
export interface ProofCheckpoint extends StoredCheckpoint {
  /** Its witnesses' cosignature lines, each ending in a newline. */
  cosignatures: string;
  /** Its RFC 3161 timestamp, when the TSA gave one. */
  timestamp?: { token: Buffer; genTime: Date };
}

/**
 * Everything an inclusion proof (and the certificate's page) needs, in one round trip: the
 * certificate's entries, whether it exists, the checkpoint to prove them against, and the stored
 * nodes its audit paths read. Those nodes are found in the statement itself, as a small superset
 * of what the paths read: at each level, the sibling of each entry's ancestor (the complete
 * subtrees beside the path), and the checkpoint's right frontier (the complete subtrees that the
 * incomplete right-hand parts of the tree hash from). Each is a primary-key look-up, about 2 log n
 * of them. One round trip instead of two (or three) is what keeps a proof's tail latency down on a
 * busy machine, where each round trip may wait for a core (docs/performance.md).
 *
 * That checkpoint is the latest, unless a recent one that also contains every entry of the
 * certificate is better attested: timestamping and cosigning run behind the sequencer (attest.ts),
 * so the latest checkpoint is often not yet timestamped or cosigned, and a verifier asking for
 * them (--require-timestamp, --require-witnesses) needs a checkpoint that has them. A checkpoint
 * older than the certificate's revocation entry is never chosen, so a proof never hides it. Only
 * the few newest attested checkpoints are looked at (index scans), so the choice stays cheap on a
 * long log; the attesters start on the same checkpoint, so the newest of them usually has it all.
 */
export async function inclusionContext(
  db: Queryable,
  certId: string,
): Promise<{
  logged: LoggedEntry[];
  exists: boolean;
  checkpoint: ProofCheckpoint | undefined;
  nodes: Map<string, Buffer>;
}> {
  const [row] = await db.query<{
    nodes: Array<[number, string, string]> | null;
    logged: LoggedEntry[] | null;
    exists: boolean;
    size: string | null;
    root: Uint8Array | null;
    note: string | null;
    cosignatures: string | null;
    token: Uint8Array | null;
    gen_time: Date | string | null;
  }>(
    `WITH mine AS (
       SELECT idx, kind FROM log_entries WHERE cert_id = $1::uuid
     ), floor AS (
       SELECT max(idx) AS idx FROM mine
     ), candidates AS (
       (SELECT size FROM log_checkpoints ORDER BY size DESC LIMIT 1)
       UNION (SELECT t.size FROM log_timestamps t, floor WHERE t.size > floor.idx ORDER BY t.size DESC LIMIT 4)
       UNION (SELECT s.size FROM log_cosignatures s, floor WHERE s.size > floor.idx ORDER BY s.size DESC LIMIT 16)
     ), chosen AS (
       SELECT c.size, c.root, c.note, t.token, t.gen_time, w.lines, coalesce(w.n, 0) AS witnessed
       FROM candidates k
       JOIN log_checkpoints c ON c.size = k.size
       LEFT JOIN log_timestamps t ON t.size = c.size
       LEFT JOIN LATERAL (
         SELECT string_agg(line || chr(10), '' ORDER BY witness) AS lines, count(*) AS n
         FROM log_cosignatures s WHERE s.size = c.size
       ) w ON true
       ORDER BY (t.size IS NOT NULL)::int + coalesce(w.n, 0) DESC, c.size DESC
       LIMIT 1
     ), wanted AS (
       SELECT l AS level, (m.idx >> l) # 1 AS idx
       FROM mine m, chosen, generate_series(0, 52) l
       WHERE m.idx < chosen.size AND ((m.idx >> l) # 1) << l < chosen.size
       UNION
       SELECT l, (chosen.size >> l) - 1 FROM chosen, generate_series(0, 52) l WHERE (chosen.size >> l) & 1 = 1
     )
     SELECT
       (SELECT jsonb_agg(jsonb_build_array(n.level, n.idx::text, encode(n.hash, 'hex')))
          FROM wanted w JOIN log_nodes n ON n.level = w.level AND n.idx = w.idx) AS nodes,
       (SELECT jsonb_agg(jsonb_build_object('index', idx, 'kind', kind) ORDER BY idx) FROM mine) AS logged,
       EXISTS (SELECT 1 FROM certificates WHERE id = $1::uuid) AS exists,
       chosen.size::text AS size, chosen.root, chosen.note, chosen.lines AS cosignatures,
       chosen.token, chosen.gen_time
     FROM (SELECT 1) one LEFT JOIN chosen ON true`,
    [certId],
    { name: 'passgeni_log_inclusion_context' },
  );
  return {
    nodes: new Map(
      (row?.nodes ?? []).map(([level, idx, hash]) => [`${level}/${idx}`, Buffer.from(hash, 'hex')]),
    ),
    logged: row?.logged ?? [],
    exists: row?.exists ?? false,
    checkpoint:
      row?.size != null && row.root && row.note !== null
        ? {
            size: Number(row.size),
            root: Buffer.from(row.root),
            note: row.note,
            cosignatures: row.cosignatures ?? '',
            ...(row.token &&
              row.gen_time !== null && {
                timestamp: { token: Buffer.from(row.token), genTime: new Date(row.gen_time) },
              }),
          }
        : undefined,
  };
}

/**
 * The latest checkpoint's size and the nodes named, in one round trip: what a consistency proof
 * between two sizes given by the caller reads (the nodes are known before the size is).
 */
export async function sizeAndNodes(
  db: Queryable,
  nodes: ReadonlyArray<readonly [number, number]>,
): Promise<{ size: number | undefined; nodes: Map<string, Buffer> }> {
  const [row] = await db.query<{ size: string | null; nodes: Array<[number, string, string]> | null }>(
    `SELECT (SELECT c.size::text FROM log_checkpoints c ORDER BY c.size DESC LIMIT 1) AS size,
       (SELECT jsonb_agg(jsonb_build_array(n.level, n.idx::text, encode(n.hash, 'hex')))
          FROM log_nodes n JOIN unnest($1::int[], $2::bigint[]) AS w(level, idx)
            ON n.level = w.level AND n.idx = w.idx) AS nodes`,
    [nodes.map(([level]) => level), nodes.map(([, index]) => String(index))],
    { name: 'passgeni_log_size_and_nodes' },
  );
  return {
    size: row?.size == null ? undefined : Number(row.size),
    nodes: new Map(
      (row?.nodes ?? []).map(([level, idx, hash]) => [`${level}/${idx}`, Buffer.from(hash, 'hex')]),
    ),
  };
}

/** Hashes at one tree level, indices [from, from + count): a tlog tile's contents. */
export async function nodeRange(
  db: Queryable,
  level: number,
  from: number,
  count: number,
): Promise<Buffer[]> {
  const rows = await db.query<{ hash: Uint8Array }>(
    `SELECT hash FROM log_nodes WHERE level = $1 AND idx >= $2::bigint AND idx < $3::bigint ORDER BY idx`,
    [level, String(from), String(from + count)],
    { name: 'passgeni_log_node_range' },
  );
  return rows.map((r) => Buffer.from(r.hash));
}

/** Entries [from, from + count) in order: a tlog entry bundle's contents. */
export async function entryRange(db: Queryable, from: number, count: number): Promise<string[]> {
  const rows = await db.query<{ body: string }>(
    `SELECT body FROM log_entries WHERE idx >= $1::bigint AND idx < $2::bigint ORDER BY idx`,
    [String(from), String(from + count)],
    { name: 'passgeni_log_entry_range' },
  );
  return rows.map((r) => r.body);
}
