import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mysqlNativeHash } from '../../adapters/targets/mysql.js';
import { useNockLoopbackOnly, useTestIssuer } from '../support/hooks.js';
import { startMariadb } from './support/mariadb.js';
import { SecretsManagerDouble, expectedCalls, rotate } from './support/secrets-manager.js';

/**
 * The AWS rotation function's MySQL engine (`engine: mysql` / `mariadb`) against a mariadbd of
 * the test's own, through the real SDK and a Secrets Manager double at the HTTP level: both of
 * AWS's strategies, each step retried once. (MySQL 8 itself is not packaged for Debian bookworm,
 * so its statements are not run here: docs/rotation.md.)
 */

useNockLoopbackOnly();
const issuer = useTestIssuer();
let server: Awaited<ReturnType<typeof startMariadb>>;
let sm: SecretsManagerDouble;

beforeAll(async () => {
  server = await startMariadb();
  // an RDS-like master user: every privilege, with GRANT OPTION, no SUPER needed
  await server.root("CREATE USER 'admin'@'%' IDENTIFIED BY 'master-pw'");
  await server.root("GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION");
  await server.root('CREATE DATABASE appdb');
  await server.root('CREATE TABLE appdb.orders (id int)');
  await server.root('INSERT INTO appdb.orders VALUES (1)');
  await server.root('CREATE ROLE reporting');
  await server.root('GRANT SELECT ON appdb.* TO reporting');
  await server.root("GRANT reporting TO 'admin'@'%' WITH ADMIN OPTION");
}, 120_000);
afterAll(() => server.stop());

beforeEach(() => {
  process.env.PASSGENI_ISSUER_URL = issuer.url;
  process.env.PASSGENI_API_KEY = issuer.apiKey;
  process.env.PASSGENI_SSL_MODE = 'DISABLED';
  sm = new SecretsManagerDouble();
  sm.intercept();
});

async function grantsOf(user: string): Promise<string[]> {
  const rows = (await server.root('SHOW GRANTS FOR ?@?', [user, '%'])) as Record<string, string>[];
  return rows
    .map((row) => Object.values(row)[0]!)
    .map((line) => line.replaceAll(`\`${user}\``, '`USER`').replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''))
    .sort();
}

async function storedHash(user: string): Promise<string> {
  const [row] = (await server.root('SELECT authentication_string AS hash FROM mysql.user WHERE User = ?', [
    user,
  ])) as { hash: string }[];
  return row!.hash;
}

describe('the rotation function, engine mysql/mariadb (MariaDB)', () => {
  it('single user: the user changes its own password (pre-hashed), each step retried once', async () => {
    await server.root("CREATE USER 'app'@'%' IDENTIFIED BY 'old-password'");
    await server.root("GRANT SELECT ON appdb.* TO 'app'@'%'");
    const arn = sm.add(
      'prod/mysql-app',
      {
        engine: 'mysql',
        host: '127.0.0.1',
        port: server.port,
        username: 'app',
        password: 'old-password',
        dbname: 'appdb',
      },
      { rotationEnabled: true },
    );
    const grantsBefore = await grantsOf('app');

    const { calls } = await rotate(sm, arn);
    expect(calls).toEqual(expectedCalls('prod/mysql-app', 't1', 'v0'));
    const current = sm.value<{ username: string; password: string; port: number; engine: string }>(arn);
    expect(current).toMatchObject({ username: 'app', port: server.port, engine: 'mysql' });
    expect(await server.canLogin('app', current.password)).toBe(true);
    expect(await server.canLogin('app', 'old-password')).toBe(false);
    // sent pre-hashed, and nothing else about the user changed
    expect(await storedHash('app')).toBe(mysqlNativeHash(current.password));
    expect(await grantsOf('app')).toEqual(grantsBefore);
    expect(sm.value(arn, 'AWSPREVIOUS')).toMatchObject({ password: 'old-password' });
    expect(sm.tags(arn)['passgeni-cert-url']).toMatch(new RegExp(`^${issuer.url}/cert/`));
    expect(sm.tags(arn)['passgeni-target']).toBe(`mysql://127.0.0.1:${server.port}#app@%`);
  });

  it('alternating users (masterarn): clones the user with its grants, then alternates; the other user keeps its password until the next rotation', async () => {
    await server.root("CREATE USER 'svc'@'%' IDENTIFIED BY 'old-password'");
    await server.root("GRANT INSERT ON appdb.* TO 'svc'@'%' WITH GRANT OPTION");
    await server.root("GRANT PROCESS ON *.* TO 'svc'@'%'");
    await server.root("GRANT reporting TO 'svc'@'%'");
    await server.root("SET DEFAULT ROLE reporting FOR 'svc'@'%'");
    const masterArn = sm.add('prod/mysql-master', {
      engine: 'mariadb',
      host: '127.0.0.1',
      port: String(server.port),
      username: 'admin',
      password: 'master-pw',
    });
    const arn = sm.add(
      'prod/mysql-svc',
      {
        engine: 'mariadb',
        host: '127.0.0.1',
        port: String(server.port),
        username: 'svc',
        password: 'old-password',
        dbname: 'appdb',
        masterarn: masterArn,
      },
      { rotationEnabled: true },
    );

    const first = await rotate(sm, arn);
    expect(first.calls).toEqual(expectedCalls('prod/mysql-svc', 't1', 'v0', 'prod/mysql-master'));
    const one = sm.value<{ username: string; password: string }>(arn);
    expect(one.username).toBe('svc_clone');
    expect(await server.canLogin('svc_clone', one.password)).toBe(true);
    expect(await storedHash('svc_clone')).toBe(mysqlNativeHash(one.password));
    expect(await server.canLogin('svc', 'old-password')).toBe(true);
    // the same grants, grant option and default role included
    expect(await grantsOf('svc_clone')).toEqual(await grantsOf('svc'));
    expect(await grantsOf('svc_clone')).toEqual([
      'GRANT INSERT ON `appdb`.* TO `USER`@`%` WITH GRANT OPTION',
      'GRANT PROCESS ON *.* TO `USER`@`%`',
      'GRANT `reporting` TO `USER`@`%`',
      'SET DEFAULT ROLE `reporting` FOR `USER`@`%`',
    ]);

    const second = await rotate(sm, arn);
    expect(second.calls).toEqual(expectedCalls('prod/mysql-svc', 't2', 't1', 'prod/mysql-master'));
    const two = sm.value<{ username: string; password: string }>(arn);
    expect(two.username).toBe('svc');
    expect(await server.canLogin('svc', two.password)).toBe(true);
    expect(await server.canLogin('svc', 'old-password')).toBe(false);
    expect(await server.canLogin('svc_clone', one.password)).toBe(true);
    expect(await grantsOf('svc_clone')).toEqual(await grantsOf('svc'));
  });
});
