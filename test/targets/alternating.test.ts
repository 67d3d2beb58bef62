import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTestIssuer } from '../support/hooks.js';
import { SHARED, canLogin, query, scratch } from './support/postgres.js';

/**
 * Alternating users (issue 18): while a client holds a connection opened with the previous value,
 * rotation completes, a new client logs in with the new value, and the old client is not
 * disconnected.
 */

const issuer = useTestIssuer();
let dir: string;
let cleanup: Array<() => Promise<void>>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-alternating-'));
  cleanup = [];
  return async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  };
});

function secret(): { username: string; password: string } {
  return JSON.parse(dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).DB_SECRET!) as {
    username: string;
    password: string;
  };
}

describe('strategy: alternating (PostgreSQL)', () => {
  it('rotates the account not in use, switches the secret to it, and leaves open connections alone', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const [a, b] = [db.role('app_a'), db.role('app_b')];
    for (const role of [a, b]) {
      await query(SHARED, `CREATE ROLE ${role} LOGIN PASSWORD 'old-password'`);
      await query(SHARED, `GRANT CONNECT ON DATABASE ${db.database} TO ${role}`);
    }
    writeFileSync(
      join(dir, 'app.env'),
      `DB_SECRET='${JSON.stringify({ username: a, password: 'old-password' })}'\n`,
    );
    const old = new pg.Client({ ...SHARED, database: db.database, user: a, password: 'old-password' });
    await old.connect();
    cleanup.push(() => old.end());
    const target = `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${a},${b}`;

    const first = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_SECRET',
        '--strategy',
        'alternating',
        '--target',
        target,
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      { cwd: dir, env: { PGPASSWORD: 'passgeni' } },
    );
    expect(first.code, first.stderr).toBe(0);
    const now = secret();
    expect(now.username).toBe(b);
    // the store records both accounts of the pair (the inventory's Target column), never the admin
    const sidecar = JSON.parse(readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8')) as Record<
      string,
      { target?: string }
    >;
    expect(sidecar.DB_SECRET?.target).toBe(`postgresql://127.0.0.1:5432/${db.database}#${a},${b}`);
    expect(await canLogin(SHARED, db.database, b, now.password)).toBe(true);
    // the client holding the previous value is not disconnected, and a new one can still use it
    expect((await old.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    expect(await canLogin(SHARED, db.database, a, 'old-password')).toBe(true);

    // the next rotation (from the manifest) switches back to the first account
    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1\ncredentials:\n  - id: app\n    standard: SOC2\n    stores: ["file://./app.env#DB_SECRET"]\n    target: "${target}"\n    strategy: alternating\n    rotate_every_days: 0\n`,
    );
    const dry = await runCli(['rotate', '--json', '--issuer-url', issuer.url, '--api-key', issuer.apiKey], {
      cwd: dir,
      env: { PGPASSWORD: 'passgeni' },
    });
    // current: the certificate is valid and the account in use accepts the stored password
    expect((JSON.parse(dry.stdout) as { skipped: unknown[] }).skipped, dry.stdout + dry.stderr).toHaveLength(
      1,
    );
    const second = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_SECRET',
        '--strategy',
        'alternating',
        '--target',
        target,
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      { cwd: dir, env: { PGPASSWORD: 'passgeni' } },
    );
    expect(second.code, second.stderr).toBe(0);
    const next = secret();
    expect(next.username).toBe(a);
    expect(await canLogin(SHARED, db.database, a, next.password)).toBe(true);
    expect(await canLogin(SHARED, db.database, b, now.password)).toBe(true);
  });

  it('refuses a target that does not name two accounts, before issuing anything (exit 2)', async () => {
    writeFileSync(join(dir, 'app.env'), 'DB_SECRET=x\n');
    const result = await runCli(
      [
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'file://./app.env#DB_SECRET',
        '--strategy',
        'alternating',
        '--json',
        '--target',
        'postgresql://passgeni@127.0.0.1:5432/postgres#only_one',
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      { cwd: dir, env: { PGPASSWORD: 'passgeni' } },
    );
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stderr) as { code: string }).code).toBe('TARGET_URI_INVALID');
  });

  it.each([
    [['--strategy', 'alternating', '--bind'], 'BIND_NOT_SUPPORTED'],
    [['--strategy', 'alternating'], 'TARGET_REQUIRED'],
    [
      ['--strategy', 'rolling', '--target', 'postgresql://passgeni@127.0.0.1:5432/postgres#a,b'],
      'STRATEGY_UNKNOWN',
    ],
  ])('refuses %j with %s before issuing anything (exit 2)', async (flags, code) => {
    writeFileSync(join(dir, 'app.env'), 'DB_SECRET=x\n');
    const args = [
      'certify',
      '--standard',
      'SOC2',
      '--store',
      'file://./app.env#DB_SECRET',
      '--json',
      ...flags,
    ];
    if (flags.includes('--bind')) args.push('--target', 'postgresql://passgeni@127.0.0.1:5432/postgres#a,b');
    const result = await runCli([...args, '--issuer-url', issuer.url, '--api-key', issuer.apiKey], {
      cwd: dir,
      env: { PGPASSWORD: 'passgeni' },
    });
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stderr) as { code: string }).code).toBe(code);
    expect(readFileSync(join(dir, 'app.env'), 'utf8')).toBe('DB_SECRET=x\n');
  });
});
