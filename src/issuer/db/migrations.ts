import type { Database, Queryable } from './types.js';

/**
 * The schema, as numbered migrations applied in order at start-up and recorded in
 * schema_migrations. A migration is never edited once released: add the next number instead,
 * and keep each one backward compatible (add, backfill, then remove in a later release) so that
 * replicas still running the previous version keep working during a rolling upgrade.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'issuer schema',
    statements: [
      `CREATE TABLE teams (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        flagged_at timestamptz,
        flag_count integer NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE api_keys (
        id text PRIMARY KEY,
        team_id text NOT NULL REFERENCES teams (id),
        token_hash text NOT NULL UNIQUE,
        hint text NOT NULL,
        name text,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`,
      `CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL,
        retired_at timestamptz,
        withdrawn_at timestamptz
      )`,
      // sessions, certificates and usage_events carry no foreign keys: every row is written by a
      // statement that has just looked the team up, and a foreign-key check would take a share
      // lock on the team's row for every issuance (contention under load, for no added safety)
      `CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        team_id text NOT NULL,
        api_key_id text,
        standard text NOT NULL,
        params jsonb NOT NULL,
        entropy_bits double precision NOT NULL,
        standards_met jsonb NOT NULL,
        entropy_source jsonb NOT NULL,
        ip text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`,
      `CREATE INDEX sessions_expires_at ON sessions (expires_at)`,
      `CREATE TABLE certificates (
        id uuid PRIMARY KEY,
        team_id text NOT NULL,
        api_key_id text,
        session_id uuid NOT NULL UNIQUE,
        kid text NOT NULL,
        standard text NOT NULL,
        standards_met jsonb NOT NULL,
        entropy_bits double precision NOT NULL,
        label text,
        jwt text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revocation_reason text,
        revoked_by_key text
      )`,
      `CREATE INDEX certificates_team_issued ON certificates (team_id, issued_at DESC, id DESC)`,
      // Rate counters are rewritten on every request: fillfactor leaves room in each page so the
      // updates stay HOT (no index change), which keeps them cheap and the tables small.
      `CREATE TABLE rate_windows (
        subject text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      ) WITH (fillfactor = 50)`,
      // one row per API key holds both of its limits (minute window and token bucket), so a
      // request updates one row, not two
      `CREATE TABLE key_limits (
        key_id text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        tokens double precision NOT NULL,
        updated_at timestamptz NOT NULL,
        burst_ok boolean NOT NULL
      ) WITH (fillfactor = 50)`,
      `CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type text NOT NULL,
        team_id text,
        api_key_id text,
        ip text,
        cert_id uuid,
        at timestamptz NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`,
      `CREATE INDEX usage_events_team_at ON usage_events (team_id, at)`,
    ],
  },
  {
    version: 2,
    name: 'batched rate limits',
    statements: [
      // written by releases that batched requests (how many of a batch the token bucket let
      // through); unused since, kept because a released migration is never edited
      `ALTER TABLE key_limits ADD COLUMN granted integer NOT NULL DEFAULT 0`,
    ],
  },
  {
    version: 3,
    name: 'aggregated audit events',
    statements: [
      // failed authentications, refusals and look-ups of unknown certificates are one row per
      // source, type and minute (`count` of them), so junk traffic cannot grow the table without
      // bound; replicas still on version 2 insert plain rows (count 1, no key), which stay valid
      `ALTER TABLE usage_events ADD COLUMN count integer NOT NULL DEFAULT 1`,
      `ALTER TABLE usage_events ADD COLUMN aggregate_key text`,
      `CREATE UNIQUE INDEX usage_events_aggregate ON usage_events (aggregate_key) WHERE aggregate_key IS NOT NULL`,
      // retention deletes by age
      `CREATE INDEX usage_events_at ON usage_events (at)`,
    ],
  },
  {
    version: 4,
    name: 'pending certificates and idempotent issuance',
    statements: [
      // a certificate is issued pending and becomes valid when the client says a store holds its
      // credential; one never activated by activate_by is revoked (not-stored) by the issuer.
      // Rows issued before this version were valid at once and stay so (activated_at = issued_at);
      // rows a replica still on version 3 inserts carry no activate_by and are read as valid too,
      // so a rolling upgrade never turns a certificate pending or revokes it
      `ALTER TABLE certificates ADD COLUMN activated_at timestamptz`,
      `ALTER TABLE certificates ADD COLUMN activate_by timestamptz`,
      `UPDATE certificates SET activated_at = issued_at`,
      // the client's Idempotency-Key, per team, with a digest of the request it came with (a key
      // reused for another request is refused, not answered with the first one's certificate)
      `ALTER TABLE certificates ADD COLUMN idempotency_key text`,
      `ALTER TABLE certificates ADD COLUMN request_digest text`,
      `CREATE UNIQUE INDEX certificates_idempotency ON certificates (team_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
      // the housekeeping sweep reads only the pending ones
      `CREATE INDEX certificates_pending ON certificates (activate_by) WHERE activated_at IS NULL AND revoked_at IS NULL`,
    ],
  },
  {
    version: 5,
    name: 'per-key rate limits',
    statements: [
      // a key's own requests per minute and burst, set when it is created; null = the issuer's
      // configured default, so raising that default raises every key that has no setting of its own
      `ALTER TABLE api_keys ADD COLUMN per_minute integer`,
      `ALTER TABLE api_keys ADD COLUMN burst integer`,
      // the limits a key's last request was judged by, and whether its minute rule let it pass: a
      // refused request consumes neither its minute nor its bucket, so the row must say which
      // rule refused it. Rows written by replicas still on version 3 or 4 leave them null/true.
      `ALTER TABLE key_limits ADD COLUMN minute_ok boolean NOT NULL DEFAULT true`,
      `ALTER TABLE key_limits ADD COLUMN per_minute integer`,
      `ALTER TABLE key_limits ADD COLUMN burst integer`,
      `ALTER TABLE key_limits ADD COLUMN refill double precision`,
    ],
  },
  {
    version: 6,
    name: 'admin API keys',
    statements: [
      // an admin key reads every team's registry and audit trail (GET /api/v1/certificates and
      // /api/v1/events with ?team=); replicas on older versions never read the column, and every
      // key created before it is a team key
      `ALTER TABLE api_keys ADD COLUMN admin boolean NOT NULL DEFAULT false`,
      // the registry and the trail are read a page at a time, newest first: an admin's registry
      // across teams on (issued_at, id), a team's trail on its events' ids (GET /api/v1/events),
      // so a page reads its own rows and not the whole table
      `CREATE INDEX certificates_issued ON certificates (issued_at DESC, id DESC)`,
      `CREATE INDEX usage_events_team_id ON usage_events (team_id, id)`,
    ],
  },
  {
    version: 7,
    name: 'credential kind and rotation period of a session',
    statements: [
      // what the credential is for decides the clauses (and rotation) its certificate records, and
      // the user's own period (their targeted risk analysis) is certified as theirs; a session row
      // written by a replica on an older version leaves them null, read as service and no period
      `ALTER TABLE sessions ADD COLUMN credential_kind text`,
      `ALTER TABLE sessions ADD COLUMN rotate_every_days integer`,
    ],
  },
  {
    version: 8,
    name: 'transparency log',
    statements: [
      // what issuance and revocation append, in the same statement as the change they record; the
      // sequencer (any replica) moves it into the log in batches. Replicas on older versions never
      // write here, so certificates they issue during a rolling upgrade are logged by nobody: finish
      // the upgrade before relying on the log
      `CREATE TABLE log_queue (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        cert_id uuid NOT NULL,
        body text NOT NULL,
        queued_at timestamptz NOT NULL
      )`,
      // "is it queued?" for a certificate's page and proof, while the sequencer is behind
      `CREATE INDEX log_queue_cert ON log_queue (cert_id)`,
      // the log's entries, by index (RFC 9162 leaf order); the body is the exact entry bytes (ASCII)
      `CREATE TABLE log_entries (
        idx bigint PRIMARY KEY,
        kind text NOT NULL,
        cert_id uuid NOT NULL,
        body text NOT NULL,
        queued_at timestamptz NOT NULL,
        logged_at timestamptz NOT NULL
      )`,
      `CREATE INDEX log_entries_cert ON log_entries (cert_id, idx)`,
      // every complete subtree's hash: level 0 = the entry's leaf hash, level l = the subtree of
      // 2^l leaves starting at leaf idx * 2^l. Written once, never changed; a proof reads O(log n)
      `CREATE TABLE log_nodes (
        level smallint NOT NULL,
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, idx)
      )`,
      // the one sequencer: a batch is appended only if `size` is still what it read (compare and
      // set in the appending statement), so replicas racing to sequence never both append
      `CREATE TABLE log_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        size bigint NOT NULL,
        private_key text
      )`,
      `INSERT INTO log_state (id, size) VALUES (1, 0)`,
      // each signed checkpoint (C2SP tlog-checkpoint as a signed note), one per appended batch
      `CREATE TABLE log_checkpoints (
        size bigint PRIMARY KEY,
        root bytea NOT NULL,
        note text NOT NULL,
        created_at timestamptz NOT NULL
      )`,
      // witnesses' cosignature lines (C2SP tlog-cosignature) on the checkpoint of a size, verified
      // before they are stored; served appended to that checkpoint
      `CREATE TABLE log_cosignatures (
        size bigint NOT NULL,
        witness text NOT NULL,
        line text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (size, witness)
      )`,
    ],
  },
  {
    version: 9,
    name: 'log checkpoint timestamps',
    statements: [
      // an RFC 3161 TimeStampToken (DER ContentInfo) over the checkpoint of a size, checked before
      // it is stored; its genTime is kept beside it so the page need not parse the token
      `CREATE TABLE log_timestamps (
        size bigint PRIMARY KEY,
        token bytea NOT NULL,
        gen_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL
      )`,
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export interface MigrationResult {
  applied: number[];
  /** The newest version in the database, which may be newer than this code knows. */
  databaseVersion: number;
}

/** Applies the missing migrations, each in its own transaction, under the schema lock. */
export async function migrate(db: Database): Promise<MigrationResult> {
  return db.withSchemaLock(async (conn) => {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const rows = await conn.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await inTransaction(conn, async () => {
        for (const statement of migration.statements) await conn.query(statement);
        await conn.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
      applied.push(migration.version);
    }
    const databaseVersion = Math.max(SCHEMA_VERSION, ...done);
    return { applied, databaseVersion };
  });
}

async function inTransaction(conn: Queryable, fn: () => Promise<void>): Promise<void> {
  await conn.query('BEGIN');
  try {
    await fn();
    await conn.query('COMMIT');
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
