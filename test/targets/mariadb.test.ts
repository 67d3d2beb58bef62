import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mysqlNativeHash } from '../../adapters/targets/mysql.js';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { certificateCount } from '../rotation/helpers.js';
import { startMariadb } from './support/mariadb.js';

/** The MySQL/MariaDB target (issue 18) against a mariadbd of the test's own. */

const issuer = useTestIssuer();
let server: Awaited<ReturnType<typeof startMariadb>>;
let dir: string;

beforeAll(async () => {
  server = await startMariadb();
  await server.root("CREATE USER 'rotator'@'%' IDENTIFIED BY 'rotator-pw'");
  await server.root("GRANT CREATE USER ON *.* TO 'rotator'@'%'");
  await server.root("GRANT SELECT ON mysql.* TO 'rotator'@'%'");
  await server.root("CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pw'");
}, 120_000);
afterAll(() => server.stop());

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-target-mariadb-'));
  writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
  await server.root("DROP USER IF EXISTS 'app'@'%'");
  await server.root("CREATE USER 'app'@'%' IDENTIFIED BY 'old-password'");
  return () => rmSync(dir, { recursive: true, force: true });
});

function stored(): string {
  return dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).DB_PASSWORD!;
}

function certify(target: string, env: NodeJS.ProcessEnv = {}) {
  return certifyInto(issuer, dir, 'DB_PASSWORD', ['--target', target], env);
}

describe('passgeni certify --target mysql:// (MariaDB)', () => {
  it('sets a mysql_native_password user pre-hashed, with a least-privilege admin (CREATE USER, SELECT on mysql.*)', async () => {
    const result = await certify(`mysql://rotator@127.0.0.1:${server.port}#app@%`, {
      MYSQL_PWD: 'rotator-pw',
    });
    expect(result.code, result.stderr).toBe(0);
    const password = stored();
    expect(await server.canLogin('app', password)).toBe(true);
    expect(await server.canLogin('app', 'old-password')).toBe(false);
    const [row] = (await server.root(
      "SELECT authentication_string AS hash FROM mysql.user WHERE User = 'app'",
    )) as {
      hash: string;
    }[];
    expect(row!.hash).toBe(mysqlNativeHash(password));
    // the store records where the user is rotated: host, port and account, not the admin
    const sidecar = readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8');
    expect((JSON.parse(sidecar) as Record<string, { target?: string }>).DB_PASSWORD?.target).toBe(
      `mysql://127.0.0.1:${server.port}#app@%`,
    );
    expect(sidecar).not.toContain('rotator');
  });

  it('refuses, before issuing, a missing user, an admin without CREATE USER, and plaintext over a non-TLS connection', async () => {
    const before = await certificateCount(issuer);
    const missing = await certify(`mysql://rotator:rotator-pw@127.0.0.1:${server.port}#nobody@%`);
    expect([missing.code, missing.error.code]).toEqual([2, 'TARGET_ACCOUNT_MISSING']);
    const weak = await certify(`mysql://reader:reader-pw@127.0.0.1:${server.port}#app@%`);
    expect([weak.code, weak.error.code]).toEqual([2, 'TARGET_PRIVILEGE_MISSING']);
    await server
      .root("ALTER USER 'app'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('old-password')")
      .catch(async () => {
        await server.root("INSTALL SONAME 'auth_ed25519'");
        await server.root("ALTER USER 'app'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('old-password')");
      });
    const plaintext = await certify(`mysql://rotator:rotator-pw@127.0.0.1:${server.port}#app@%`);
    expect([plaintext.code, plaintext.error.code]).toEqual([2, 'TARGET_PRIVILEGE_MISSING']);
    expect(String(plaintext.error.error)).toMatch(/ed25519, which takes the password in plaintext.*not TLS/);
    expect(await certificateCount(issuer)).toBe(before);
  });

  it('restores the previous hash when the store write fails after the target changed', async () => {
    writeFileSync(
      join(dir, 'app.env.passgeni.lock'),
      JSON.stringify({ pid: 4242, host: 'another-runner', since: new Date().toISOString() }),
    );
    const result = await certify(`mysql://rotator:rotator-pw@127.0.0.1:${server.port}#app@%`);
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({ code: 'NOT_APPLIED', target_state: 'restored', stage: 'store' });
    expect(await server.canLogin('app', 'old-password')).toBe(true);
  });
});
