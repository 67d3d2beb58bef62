import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '../../support/issuer-server.js';

/** The shared server of the test environment (superuser passgeni/passgeni). */
export const SHARED = { host: '127.0.0.1', port: 5432, user: 'passgeni', password: 'passgeni' };

export async function query(
  server: { host: string; port: number; user: string; password: string },
  sql: string,
  params: unknown[] = [],
  database = 'postgres',
): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ ...server, database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** True when `user` can log in to `database` with `password`. */
export async function canLogin(
  server: { host: string; port: number },
  database: string,
  user: string,
  password: string,
): Promise<boolean> {
  const client = new pg.Client({ host: server.host, port: server.port, database, user, password });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A scratch database and a unique prefix for role names on a server, dropped afterwards: the
 * shared server is used by other test files at the same time.
 */
export async function scratch(server = SHARED): Promise<{
  database: string;
  role: (name: string) => string;
  drop: () => Promise<void>;
}> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const database = `${prefix}_db`;
  await query(server, `CREATE DATABASE ${database}`);
  const roles: string[] = [];
  return {
    database,
    role: (name) => {
      const full = `${prefix}_${name}`;
      roles.push(full);
      return full;
    },
    drop: async () => {
      await query(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      for (const role of roles) await query(server, `DROP ROLE IF EXISTS ${role}`);
    },
  };
}

/** The newest installed server's binaries, as .ci/run picks them. */
const BIN = `/usr/lib/postgresql/${
  readdirSync('/usr/lib/postgresql')
    .sort((a, b) => Number(a) - Number(b))
    .at(-1) ?? '15'
}/bin`;

/**
 * A throwaway cluster of our own (initdb into a temp dir) logging every statement to a file, so a
 * test can read what the server saw without changing the shared server's settings.
 */
export async function startLoggingCluster(): Promise<{
  server: { host: string; port: number; user: string; password: string };
  log: string;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, 'clusteradmin\n');
  // PostgreSQL refuses to run as root: a root test run hands the cluster to the postgres user
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const init = spawnSync(
    `${BIN}/initdb`,
    ['-D', data, '-U', 'clusteradmin', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8'],
    { encoding: 'utf8', ...owner },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const log = join(dir, 'server.log');
  const child = spawn(
    `${BIN}/postgres`,
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'log_statement=all',
      '-c',
      'logging_collector=off',
      '-c',
      'fsync=off',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], ...owner },
  );
  const { createWriteStream } = await import('node:fs');
  child.stderr.pipe(createWriteStream(log));
  const server = { host: '127.0.0.1', port, user: 'clusteradmin', password: 'clusteradmin' };
  for (let i = 0; ; i++) {
    try {
      await query(server, 'SELECT 1');
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    server,
    log,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}
