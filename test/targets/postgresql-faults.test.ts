import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { freePort } from '../support/issuer-server.js';
import { holdLockElsewhere } from '../support/store-faults.js';
import { certificateCount } from '../rotation/helpers.js';
import { SHARED, canLogin, query, scratch } from './support/postgres.js';
import { CLI } from '../support/cli.js';
import { spawn } from 'node:child_process';

/**
 * The fault table of docs/rotation.md for the PostgreSQL target: for each fault, which
 * credential works on the target, what the store holds, the certificate's status, the exit code
 * and the error code. Each row of the table is one test here.
 */

const issuer = useTestIssuer();
let dir: string;
let cleanup: Array<() => Promise<void>>;
let db: Awaited<ReturnType<typeof scratch>>;
let app: string;
const OLD = 'old-password-1';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-target-faults-'));
  cleanup = [];
  db = await scratch();
  cleanup.push(db.drop);
  app = db.role('app');
  await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD '${OLD}'`);
  writeFileSync(join(dir, 'app.env'), `DB_PASSWORD=${OLD}\n`);
  return async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  };
});

function target(options: { admin?: string; port?: number; role?: string } = {}): string {
  return `postgresql://${options.admin ?? 'passgeni'}@127.0.0.1:${options.port ?? 5432}/${db.database}?sslmode=disable#${options.role ?? app}`;
}

function stored(): string {
  return dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).DB_PASSWORD!;
}

function certify(
  targetUri: string,
  env: NodeJS.ProcessEnv = { PGPASSWORD: 'passgeni' },
  extra: string[] = [],
) {
  return certifyInto(issuer, dir, 'DB_PASSWORD', ['--target', targetUri, ...extra], { HOME: dir, ...env });
}

async function certificateStatus(id: string): Promise<string> {
  const response = await fetch(`${issuer.url}/cert/${id}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { status: string }).status;
}

/** A role the admin is, with only CREATEROLE: may set passwords, may not read pg_authid. */
async function createRoleAdmin(): Promise<string> {
  const admin = db.role('rotator');
  await query(SHARED, `CREATE ROLE ${admin} LOGIN CREATEROLE PASSWORD 'rotator-pw'`);
  return admin;
}

describe('faults before anything is issued (nothing generated, certified or changed)', () => {
  it.each([
    ['an unknown scheme', () => `oracle://sys@127.0.0.1/db#${app}`, 2, 'TARGET_URI_INVALID'],
    ['a missing role', () => target({ role: `${app}_nope` }), 2, 'TARGET_ACCOUNT_MISSING'],
  ])('%s: exit 2 and nothing issued', async (_what, uri, exit, code) => {
    const before = await certificateCount(issuer);
    const result = await certify(uri());
    expect(result.code).toBe(exit);
    expect(result.error.code).toBe(code);
    expect(await certificateCount(issuer)).toBe(before);
    expect(stored()).toBe(OLD);
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(true);
  });

  it.each([
    ['a password parameter', 'postgresql://rotator@127.0.0.1/db?sslmode=disable&password=hunter2#app'],
    ['a URI that does not parse', 'postgresql://rotator:hunter2@[bad/db#app'],
    ['a MySQL password parameter', 'mysql://rotator@127.0.0.1?password=hunter2#app'],
    ['a MySQL URI that does not parse', 'mysql://rotator:hunter2@127.0.0.1:99999#app'],
    ['a Redis parameter', 'redis://rotator@127.0.0.1?password=hunter2#app'],
    ['a Redis URI that does not parse', 'redis://rotator:hunter2@127.0.0.1:99999#app'],
  ])('%s: exit 2, and the error never repeats the password', async (_what, uri) => {
    const before = await certificateCount(issuer);
    const result = await certify(uri);
    expect(result.code).toBe(2);
    expect(result.error.code).toBe('TARGET_URI_INVALID');
    expect(String(result.error.error)).toContain('rotator');
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(await certificateCount(issuer)).toBe(before);
  });

  it('an unreachable target: exit 3, TARGET_UNREACHABLE', async () => {
    const before = await certificateCount(issuer);
    const result = await certify(target({ port: await freePort() }));
    expect(result.code).toBe(3);
    expect(result.error.code).toBe('TARGET_UNREACHABLE');
    expect(String(result.error.error)).toMatch(
      /could not be reached \(ECONNREFUSED\) during the pre-flight check/,
    );
    expect(await certificateCount(issuer)).toBe(before);
    expect(stored()).toBe(OLD);
  });

  it('a missing admin credential: exit 2, TARGET_AUTH_MISSING, naming every place it may come from', async () => {
    const before = await certificateCount(issuer);
    const result = await certify(target(), { PGPASSWORD: '' });
    expect(result.code).toBe(2);
    expect(result.error.code).toBe('TARGET_AUTH_MISSING');
    expect(String(result.error.error)).toMatch(/--target-credential-from.*PGPASSWORD.*PGSERVICE.*pgpass/);
    expect(await certificateCount(issuer)).toBe(before);
  });

  it('a wrong admin password: exit 2, TARGET_AUTH_FAILED', async () => {
    const result = await certify(target(), { PGPASSWORD: 'not-it' });
    expect(result.code).toBe(2);
    expect(result.error.code).toBe('TARGET_AUTH_FAILED');
  });

  it('an admin without the privilege: exit 2, TARGET_PRIVILEGE_MISSING', async () => {
    const weak = db.role('weak');
    await query(SHARED, `CREATE ROLE ${weak} LOGIN PASSWORD 'weak-pw'`);
    const before = await certificateCount(issuer);
    const result = await certify(target({ admin: weak }), { PGPASSWORD: 'weak-pw' });
    expect(result.code).toBe(2);
    expect(result.error.code).toBe('TARGET_PRIVILEGE_MISSING');
    expect(String(result.error.error)).toMatch(/needs CREATEROLE/);
    expect(await certificateCount(issuer)).toBe(before);
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(true);
  });
});

describe('faults after the certificate is issued', () => {
  it('the test login fails (superuser admin): the previous verifier is restored, certificate revoked, exit 3', async () => {
    // an expired role accepts no password: the new one is set, but logging in with it fails
    await query(SHARED, `ALTER ROLE ${app} VALID UNTIL '2000-01-01'`);
    const [before] = await query(SHARED, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [app]);
    const result = await certify(target());
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      target_state: 'restored',
      stage: 'test',
      cause_code: 'TARGET_TEST_FAILED',
      certificate_state: 'revoked',
    });
    expect(String(result.error.error)).toMatch(/test login .* failed.*previous password .* was restored/);
    const [after] = await query(SHARED, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [app]);
    expect(after!.rolpassword).toBe(before!.rolpassword);
    expect(stored()).toBe(OLD);
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
  });

  it('the test login fails and the admin cannot read pg_authid: says loudly that the target was NOT restored', async () => {
    const admin = await createRoleAdmin();
    await query(SHARED, `ALTER ROLE ${app} VALID UNTIL '2000-01-01'`);
    const result = await certify(target({ admin }), { PGPASSWORD: 'rotator-pw' });
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      target_state: 'new-password-set',
      certificate_state: 'revoked',
    });
    expect(String(result.error.error)).toMatch(
      /ATTENTION: the previous password .* could NOT be restored \(admin .* is not a superuser/,
    );
    await query(SHARED, `ALTER ROLE ${app} VALID UNTIL 'infinity'`);
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(false);
    expect(stored()).toBe(OLD);
  });

  it('the store write fails after the target changed: the target is restored, the certificate revoked, exit 3', async () => {
    holdLockElsewhere(join(dir, 'app.env'));
    const result = await certify(target());
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      target_state: 'restored',
      stage: 'store',
      certificate_state: 'revoked',
    });
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(true);
    expect(stored()).toBe(OLD);
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
  });

  it('a role administering itself (no CREATEROLE) rotates its own password', async () => {
    const result = await certify(target({ admin: app }), { PGPASSWORD: OLD });
    expect(result.code, result.stderr).toBe(0);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(false);
  });

  it('a least-privilege admin (CREATEROLE, not superuser) rotates the role', async () => {
    const admin = await createRoleAdmin();
    const result = await certify(target({ admin }), { PGPASSWORD: 'rotator-pw' });
    expect(result.code, result.stderr).toBe(0);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);
    expect(await canLogin(SHARED, db.database, app, OLD)).toBe(false);
  });
});

/** A Secrets Manager endpoint that answers the pre-flight and never answers the write. */
async function startStallingAws(onWrite: () => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
    req.resume();
    req.on('end', () => {
      if (op === 'DescribeSecret') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
            Name: 'prod/db',
          }),
        );
      } else if (op === 'GetSecretValue') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ VersionId: 'aaaaaaaa-0000-4000-8000-000000000001', SecretString: OLD }));
      } else {
        onWrite();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the process is killed between steps', () => {
  it('killed after the target changed and before the stores were written: rotate finds the drift and finishes', async () => {
    // a first, complete rotation: the store holds a credential with a valid certificate
    expect((await certify(target())).code).toBe(0);
    const certified = stored();

    let killed: () => void = () => {};
    const aws = await startStallingAws(() => killed());
    cleanup.push(aws.close);
    const child = spawn(
      process.execPath,
      [
        CLI,
        'certify',
        '--standard',
        'SOC2',
        '--store',
        'aws-sm://prod/db',
        '--store',
        'file://./app.env#DB_PASSWORD',
        '--target',
        target(),
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          HOME: dir,
          PGPASSWORD: 'passgeni',
          AWS_ENDPOINT_URL: aws.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    killed = () => child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // the target took a password no store holds
    expect(stored()).toBe(certified);
    expect(await canLogin(SHARED, db.database, app, certified)).toBe(false);

    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1\ncredentials:\n  - id: app-db\n    standard: SOC2\n    stores: ["file://./app.env#DB_PASSWORD"]\n    target: "${target()}"\n`,
    );
    const rotate = await runCli(
      [
        'rotate',
        '--manifest',
        'passgeni.yml',
        '--json',
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      { cwd: dir, env: { HOME: dir, PGPASSWORD: 'passgeni' } },
    );
    expect(rotate.code, rotate.stderr).toBe(0);
    const report = JSON.parse(rotate.stdout) as { rotated: { reason: string }[] };
    expect(report.rotated.map((r) => r.reason)).toEqual(['target-rejects']);
    expect(stored()).not.toBe(certified);
    expect(await canLogin(SHARED, db.database, app, stored())).toBe(true);

    // and a run with nothing to do leaves it alone
    const again = await runCli(
      [
        'rotate',
        '--manifest',
        'passgeni.yml',
        '--json',
        '--issuer-url',
        issuer.url,
        '--api-key',
        issuer.apiKey,
      ],
      { cwd: dir, env: { HOME: dir, PGPASSWORD: 'passgeni' } },
    );
    expect((JSON.parse(again.stdout) as { skipped: unknown[] }).skipped).toHaveLength(1);
  });
});
