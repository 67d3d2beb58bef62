import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../../src/issuer/index.js';
import type { Database } from '../../../src/issuer/index.js';

/**
 * The issuer suite runs against both storage back ends: PGlite (in memory) and a real PostgreSQL
 * (PASSGENI_TEST_DATABASE_URL). Each test file gets its own PostgreSQL database, created with a
 * random name and dropped afterwards, so files running in parallel never see each other's rows.
 */
export type BackendName = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.PASSGENI_TEST_DATABASE_URL;

if (!TEST_DATABASE_URL) {
  if (process.env.CI) {
    throw new Error(
      'PASSGENI_TEST_DATABASE_URL is not set: CI must run the issuer suite against PostgreSQL (see .ci/run).',
    );
  }
  console.warn(
    '\n[issuer tests] PASSGENI_TEST_DATABASE_URL is not set: SKIPPING the PostgreSQL half of the issuer suite.\n',
  );
}

/** The back ends to run: both, or PGlite only (with the warning above) outside CI. */
export const BACKENDS: BackendName[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  db: Database;
  /** The PostgreSQL URL of this test's own database (postgres back end only). */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the back end. */
export async function freshDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const { db } = await openDatabase({ memory: true });
    return { db, drop: () => db.close() };
  }
  const url = await createPostgresDatabase();
  const { db } = await openDatabase({ databaseUrl: url.url, poolSize: 8 });
  return {
    db,
    url: url.url,
    async drop() {
      await db.close();
      await url.drop();
    },
  };
}

/** An empty PostgreSQL database with a random name on the test server. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('PASSGENI_TEST_DATABASE_URL is not set');
  const name = `passgeni_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
