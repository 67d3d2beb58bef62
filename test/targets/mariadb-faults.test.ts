import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { holdLockElsewhere } from '../support/store-faults.js';
import { startMariadb } from './support/mariadb.js';

/**
 * The fault rows of docs/rotation.md for the MySQL target, against a mariadbd of the test's own
 * and a least-privilege admin: a fault after the target took the new password puts back exactly
 * the account it had (SHOW CREATE USER and SHOW GRANTS compared before and after).
 */

const issuer = useTestIssuer();
let server: Awaited<ReturnType<typeof startMariadb>>;
let dir: string;

beforeAll(async () => {
  server = await startMariadb();
  await server.root("CREATE USER 'rotator'@'%' IDENTIFIED BY 'rotator-pw'");
  await server.root("GRANT CREATE USER ON *.* TO 'rotator'@'%'");
  await server.root("GRANT SELECT ON mysql.* TO 'rotator'@'%'");
  await server.root('CREATE DATABASE appdb');
}, 120_000);
afterAll(() => server.stop());

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-mariadb-faults-'));
  writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
  await server.root("DROP USER IF EXISTS 'app'@'%'");
  // options besides the password that a restore must not lose
  await server.root(
    "CREATE USER 'app'@'%' IDENTIFIED BY 'old-password' WITH MAX_USER_CONNECTIONS 7 PASSWORD EXPIRE INTERVAL 90 DAY",
  );
  await server.root("GRANT SELECT, INSERT ON appdb.* TO 'app'@'%'");
  return () => rmSync(dir, { recursive: true, force: true });
});

function stored(): string {
  return dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).DB_PASSWORD!;
}

function certify(target = `mysql://rotator@127.0.0.1:${server.port}#app@%`, password = 'rotator-pw') {
  return certifyInto(issuer, dir, 'DB_PASSWORD', ['--target', target], { MYSQL_PWD: password });
}

/** The account as the server describes it: its CREATE USER statement and its grants. */
async function account(): Promise<string[]> {
  const cells = async (sql: string) =>
    ((await server.root(sql)) as Record<string, string>[]).map((row) => Object.values(row)[0]!);
  return [...(await cells("SHOW CREATE USER 'app'@'%'")), ...(await cells("SHOW GRANTS FOR 'app'@'%'"))];
}

async function certificateStatus(id: string): Promise<string> {
  const response = await fetch(`${issuer.url}/cert/${id}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { status: string }).status;
}

describe('faults after the MariaDB target took the new password', () => {
  it('the test login fails (account locked): the previous account is restored exactly, certificate revoked, exit 3', async () => {
    await server.root("ALTER USER 'app'@'%' ACCOUNT LOCK");
    const before = await account();
    const result = await certify();
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      stage: 'test',
      target_state: 'restored',
      cause_code: 'TARGET_TEST_FAILED',
      certificate_state: 'revoked',
      stored: [],
    });
    expect(String(result.error.error)).toMatch(
      /test login as "app@%" failed.*previous password of "app@%" was restored/,
    );
    expect(await account()).toEqual(before);
    expect(before.join('\n')).toMatch(/ACCOUNT LOCK/);
    expect(stored()).toBe('old-password');
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
    await server.root("ALTER USER 'app'@'%' ACCOUNT UNLOCK");
    expect(await server.canLogin('app', 'old-password')).toBe(true);
  });

  it('the store write fails after the target changed: restored exactly, certificate revoked, exit 3', async () => {
    const before = await account();
    holdLockElsewhere(join(dir, 'app.env'));
    const result = await certify();
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      stage: 'store',
      target_state: 'restored',
      certificate_state: 'revoked',
    });
    expect(await account()).toEqual(before);
    expect(await server.canLogin('app', 'old-password')).toBe(true);
    expect(stored()).toBe('old-password');
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
  });

  it('an account administering itself (no CREATE USER: SET PASSWORD) is rotated, and restored when the store write fails', async () => {
    const before = await account();
    holdLockElsewhere(join(dir, 'app.env'));
    const self = `mysql://app@127.0.0.1:${server.port}#app@%`;
    const failed = await certify(self, 'old-password');
    expect(failed.code).toBe(3);
    expect(failed.error).toMatchObject({ code: 'NOT_APPLIED', stage: 'store', target_state: 'restored' });
    expect(await account()).toEqual(before);
    expect(await server.canLogin('app', 'old-password')).toBe(true);

    rmSync(join(dir, 'app.env.passgeni.lock'));
    const result = await certify(self, 'old-password');
    expect(result.code, result.stderr).toBe(0);
    expect(await server.canLogin('app', stored())).toBe(true);
    expect(await server.canLogin('app', 'old-password')).toBe(false);
  });
});
