import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../../support/issuer-server.js';

/**
 * A mariadbd of our own: mariadb-install-db into a temp dir (grant tables in force), socket and
 * port in the temp dir, root without a password on loopback for the test's own setup.
 */
export async function startMariadb(): Promise<{
  port: number;
  root: (sql: string, params?: unknown[]) => Promise<unknown>;
  canLogin: (user: string, password: string) => Promise<boolean>;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-mariadb-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const install = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      ...asRoot,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const port = await freePort();
  const child = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      ...asRoot,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
    ],
    { stdio: 'ignore' },
  );
  const connect = (user: string, password?: string) =>
    mysql.createConnection({ host: '127.0.0.1', port, user, ...(password !== undefined && { password }) });
  for (let i = 0; ; i++) {
    try {
      await (await connect('root')).end();
      break;
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    root: async (sql, params = []) => {
      const db = await connect('root');
      try {
        return (await db.query(sql, params))[0];
      } finally {
        await db.end();
      }
    },
    canLogin: async (user, password) => {
      try {
        const db = await connect(user, password);
        await db.query('SELECT 1');
        await db.end();
        return true;
      } catch {
        return false;
      }
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
