import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { scramSha256Verifier } from '../../adapters/targets/scram.js';
import { pgpassPassword } from '../../adapters/targets/libpq-env.js';
import { runCli } from '../support/cli.js';
import { useTestIssuer } from '../support/hooks.js';
import { SHARED, canLogin, query, scratch, startLoggingCluster } from './support/postgres.js';

/**
 * The PostgreSQL target (issue 18) against the real server: after `certify --target`, the role
 * logs in with the stored value and not the old one, pg_authid holds a SCRAM verifier, and the
 * plaintext never reaches the server (its statement log is read on a cluster of our own).
 */

const issuer = useTestIssuer();
let dir: string;
let cleanup: Array<() => Promise<void>>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-target-pg-'));
  cleanup = [];
  return async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  };
});

function issuerFlags(): string[] {
  return ['--issuer-url', issuer.url, '--api-key', issuer.apiKey];
}

function stored(file = 'app.env', key = 'DB_PASSWORD'): string {
  return dotenv.parse(readFileSync(join(dir, file), 'utf8'))[key]!;
}

describe('SCRAM-SHA-256 verifier', () => {
  it('is byte for byte what PostgreSQL computes for the same password and salt', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const role = db.role('scram');
    await query(
      SHARED,
      `SET password_encryption = 'scram-sha-256'; CREATE ROLE ${role} LOGIN PASSWORD 'pa:ss w0rd$!'`,
    );
    const [row] = await query(SHARED, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
    const verifier = String(row!.rolpassword);
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(verifier)!;
    expect(
      scramSha256Verifier('pa:ss w0rd$!', {
        salt: Buffer.from(salt!, 'base64'),
        iterations: Number(iterations),
      }),
    ).toBe(verifier);
  });

  it('uses a fresh 16-byte salt and 4096 iterations', () => {
    const a = scramSha256Verifier('same');
    const b = scramSha256Verifier('same');
    expect(a).not.toBe(b);
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$[^:]+:.+$/.exec(a)!;
    expect(iterations).toBe('4096');
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
  });
});

describe('~/.pgpass lookup (libpq rules)', () => {
  const lookup = { host: 'db.internal', port: 5432, database: 'app', user: 'rotator' };

  function pgpass(text: string, mode = 0o600): NodeJS.ProcessEnv {
    const file = join(dir, 'pgpass');
    writeFileSync(file, text);
    chmodSync(file, mode);
    return { PGPASSFILE: file };
  }

  it('takes the first matching line, with * wildcards and \\ escapes', () => {
    const env = pgpass(
      [
        '# comment',
        'other:5432:app:rotator:wrong',
        'db.internal:5432:*:rotator:p\\:a\\\\ss:ignored',
        '*:*:*:*:fallback',
      ].join('\n'),
    );
    expect(pgpassPassword(lookup, env)).toBe('p:a\\ss');
    expect(pgpassPassword({ ...lookup, user: 'someone' }, env)).toBe('fallback');
  });

  it('matches a socket directory as localhost and compares the port as text', () => {
    const env = pgpass('localhost:6543:app:rotator:local\n');
    expect(pgpassPassword({ ...lookup, host: '/var/run/postgresql', port: 6543 }, env)).toBe('local');
    expect(pgpassPassword({ ...lookup, host: '/var/run/postgresql', port: 5432 }, env)).toBeUndefined();
  });

  it('ignores a file that group or others may read, as libpq does', () => {
    expect(pgpassPassword(lookup, pgpass('*:*:*:*:secret\n', 0o640))).toBeUndefined();
    expect(pgpassPassword(lookup, pgpass('*:*:*:*:secret\n', 0o600))).toBe('secret');
  });

  it('skips a line with fewer than five fields and a line that does not match', () => {
    const env = pgpass('db.internal:5432:app\ndb.internal:5433:app:rotator:x\n*:5432:app:rotator:y\n');
    expect(pgpassPassword(lookup, env)).toBe('y');
  });
});

describe('passgeni certify --target postgresql://', () => {
  it('sets the role so it logs in with the stored value and not the old one; pg_authid holds a SCRAM verifier', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const app = db.role('app');
    await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');

    const result = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--json',
        '--target',
        `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${app}`,
        ...issuerFlags(),
      ],
      { cwd: dir, env: { PGPASSWORD: 'passgeni' } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      target: { target: string; account: string };
      cert_id: string;
    };
    expect(report.target).toEqual({
      target: `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${app}`,
      account: app,
    });
    const password = stored();
    expect(password).not.toBe('old-password');
    expect(await canLogin(SHARED, db.database, app, password)).toBe(true);
    expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(false);
    const [row] = await query(SHARED, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [app]);
    expect(String(row!.rolpassword)).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    const status = await fetch(`${issuer.url}/cert/${report.cert_id}`, {
      headers: { accept: 'application/json' },
    });
    expect(((await status.json()) as { status: string }).status).toBe('valid');
  });

  it('never lets the plaintext reach the server: a log_statement=all log holds only the verifier', async () => {
    const cluster = await startLoggingCluster();
    cleanup.push(cluster.stop);
    await query(cluster.server, `CREATE ROLE app LOGIN PASSWORD 'old-password'`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
    const result = await runCli(
      [
        'certify',
        '--standard',
        'PCI-DSS',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--target',
        `postgresql://clusteradmin:clusteradmin@127.0.0.1:${cluster.server.port}/postgres#app`,
        ...issuerFlags(),
      ],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const password = stored();
    expect(await canLogin(cluster.server, 'postgres', 'app', password)).toBe(true);
    const log = readFileSync(cluster.log, 'utf8');
    expect(log).toMatch(/statement: ALTER ROLE "app" PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(log).not.toContain(password);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it('reads the admin password from --target-credential-from, and from ~/.pgpass', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const app = db.role('app');
    await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
    writeFileSync(join(dir, 'admin.env'), 'PG_ADMIN=passgeni\n');
    const target = `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${app}`;
    const fromStore = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--target',
        target,
        '--target-credential-from',
        'file://./admin.env#PG_ADMIN',
        ...issuerFlags(),
      ],
      { cwd: dir, env: { PGPASSWORD: '', HOME: dir } },
    );
    expect(fromStore.code, fromStore.stderr).toBe(0);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);

    writeFileSync(join(dir, '.pgpass'), `127.0.0.1:5432:${db.database}:passgeni:passgeni\n`, { mode: 0o600 });
    const fromPgpass = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--target',
        target,
        ...issuerFlags(),
      ],
      { cwd: dir, env: { PGPASSWORD: '', HOME: dir } },
    );
    expect(fromPgpass.code, fromPgpass.stderr).toBe(0);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);
  });

  it('reads the admin password from the PGSERVICE service file', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const app = db.role('app');
    await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
    writeFileSync(
      join(dir, 'services.conf'),
      '[other]\npassword=wrong\n[rotation]\nhost=127.0.0.1\npassword=passgeni\n',
    );
    const result = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--target',
        `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${app}`,
        ...issuerFlags(),
      ],
      {
        cwd: dir,
        env: { PGPASSWORD: '', HOME: dir, PGSERVICE: 'rotation', PGSERVICEFILE: join(dir, 'services.conf') },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);
  });
});
