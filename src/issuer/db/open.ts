import { migrate } from './migrations.js';
import type { MigrationResult } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Database } from './types.js';

export interface DatabaseSelection {
  /** PostgreSQL connection string (DATABASE_URL). When set, the data directory holds no database. */
  databaseUrl?: string;
  /** Embedded PGlite data lives in `<dataDir>/db`. */
  dataDir?: string;
  /** An in-memory PGlite, gone when closed (tests, benchmarks). */
  memory?: boolean;
  poolSize?: number;
  onError?: (error: Error) => void;
}

export interface OpenedDatabase {
  db: Database;
  migrations: MigrationResult;
}

/** Opens the selected database and brings its schema up to date. */
export async function openDatabase(selection: DatabaseSelection): Promise<OpenedDatabase> {
  const db =
    selection.databaseUrl !== undefined && selection.databaseUrl !== ''
      ? await openPostgres({
          connectionString: selection.databaseUrl,
          ...(selection.poolSize !== undefined && { poolSize: selection.poolSize }),
          ...(selection.onError !== undefined && { onError: selection.onError }),
        })
      : await openPglite({
          ...(selection.dataDir !== undefined && { dataDir: selection.dataDir }),
          ...(selection.memory !== undefined && { memory: selection.memory }),
        });
  try {
    return { db, migrations: await migrate(db) };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** A connection string with its password replaced, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
