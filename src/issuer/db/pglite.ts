import { ensureDataDir } from '../data-dir.js';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './lock.js';
import type { DataDirLock } from './lock.js';
import type { Database, Queryable } from './types.js';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in-process, files in `<dataDir>/db`. No server to
 * install, which makes it the default for `passgeni serve` and the CLI's local issuer. It has one
 * connection, so statements run one after another; transactions are exclusive.
 */
export async function openPglite(options: { dataDir?: string; memory?: boolean }): Promise<Database> {
  // imported here so PostgreSQL deployments and HTTP-only CLI runs never load the WASM engine
  const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
  let lock: DataDirLock | undefined;
  let db: PGlite;
  if (options.memory === true || options.dataDir === undefined) {
    db = await PGliteClass.create();
  } else {
    ensureDataDir(options.dataDir);
    lock = lockDataDir(options.dataDir);
    try {
      db = await PGliteClass.create(join(options.dataDir, 'db'));
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return new PgliteDatabase(db, lock);
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirLock | undefined,
  ) {}

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.db.query<R>(text, params as unknown[]);
    return result.rows;
  }

  withSchemaLock<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    // the data-dir lock already keeps every other process out
    return fn(this);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
