import type { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { IssuerServiceError } from '../errors.js';
import type { Database, QueryOptions, Queryable } from './types.js';

export interface PostgresOptions {
  connectionString: string;
  /** Connections per pool; the issuer keeps two pools (durable and asynchronous commit). */
  poolSize?: number;
  /** Reported when an idle connection fails (the pool replaces it). */
  onError?: (error: Error) => void;
}

/** Key of the advisory lock replicas take while migrating ("passgeni" in ASCII, as a bigint). */
const SCHEMA_LOCK_KEY = '8097880064466577769';

/** Connection-level failures (server down, restarting, refusing) become a clean 503. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const base: PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    // a runaway statement must not pin a connection forever
    statement_timeout: 15_000,
    application_name: 'passgeni-issuer',
  };
  // The hot statements are prepared once per connection and always run with the same plan shape
  // (look-ups by primary key); a generic plan skips re-planning them on every execution, which
  // otherwise costs more than executing them.
  const planning = '-c plan_cache_mode=force_generic_plan';
  const durable = new pg.Pool({ ...base, options: planning });
  // Asynchronous commit releases row locks without waiting for the WAL flush (about 2 ms on
  // ordinary disks). The rate counters every request updates would otherwise serialise all of a
  // key's requests behind one fsync each. Only state that is fine to lose in a host crash uses it.
  const fast = new pg.Pool({ ...base, options: `${planning} -c synchronous_commit=off` });
  for (const pool of [durable, fast]) {
    pool.on('error', (error) => options.onError?.(error));
  }
  const db = new PostgresDatabase(durable, fast);
  // fail at start-up, not on the first request, when the database is unreachable
  await db.query('SELECT 1');
  return db;
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private closed = false;

  constructor(
    private readonly durable: Pool,
    private readonly fast: Pool,
  ) {}

  async query<R>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<R[]> {
    const pool = options.durable === false ? this.fast : this.durable;
    try {
      const result = await pool.query<QueryResultRow>({
        text,
        values: params as unknown[],
        ...(options.name !== undefined && { name: options.name }),
      });
      return result.rows as R[];
    } catch (error) {
      throw mapError(error);
    }
  }

  async withSchemaLock<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      // session-level lock: held across the migrations' own transactions, released below
      await client.query('SELECT pg_advisory_lock($1::bigint)', [SCHEMA_LOCK_KEY]);
      try {
        return await fn(clientQueryable(client));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [SCHEMA_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.durable.end(), this.fast.end()]);
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.durable.connect();
    } catch (error) {
      throw mapError(error);
    }
  }
}

function clientQueryable(client: PoolClient): Queryable {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await client.query<QueryResultRow>(text, params as unknown[]);
      return result.rows as R[];
    },
  };
}

function mapError(error: unknown): unknown {
  if (error instanceof IssuerServiceError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    return new IssuerServiceError(
      'DATABASE_UNAVAILABLE',
      503,
      'The issuer database is unavailable; try again shortly.',
      {
        retryAfter: 5,
        cause: error,
      },
    );
  }
  return error;
}
