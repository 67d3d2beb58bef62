import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { useNockLoopbackOnly, useTestIssuer } from '../support/hooks.js';
import { SHARED, canLogin, query, scratch } from './support/postgres.js';
import { handler } from '../../src/lambda/rotate.js';
import { SecretsManagerDouble, arnOf, expectedCalls, rotate, testClient } from './support/secrets-manager.js';

/**
 * The AWS rotation function (issue 18): its four steps against a Secrets Manager double at the
 * HTTP level (nock, the real SDK, no other network) and the real PostgreSQL, each step retried
 * once as AWS does, for both of AWS's strategies. The MySQL/MariaDB engine: lambda-mysql.test.ts.
 */

useNockLoopbackOnly();
const issuer = useTestIssuer();
let sm: SecretsManagerDouble;

beforeEach(() => {
  process.env.PASSGENI_ISSUER_URL = issuer.url;
  process.env.PASSGENI_API_KEY = issuer.apiKey;
  process.env.PASSGENI_SSLMODE = 'disable';
  sm = new SecretsManagerDouble();
  sm.intercept();
});

async function certificateStatus(url: string): Promise<string> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { status: string }).status;
}

describe('the rotation function (src/lambda/rotate.ts, built to dist/lambda/rotate.js)', () => {
  it('is built as one self-contained file exporting the handler', async () => {
    const built = (await import(new URL('../../dist/lambda/rotate.js', import.meta.url).href)) as {
      handler?: unknown;
    };
    expect(typeof built.handler).toBe('function');
  });

  it('rotates a PostgreSQL single-user secret, each step retried once, and tags the certificate URL', async () => {
    const db = await scratch();
    try {
      const app = db.role('app');
      await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
      const arn = sm.add(
        'prod/app',
        {
          engine: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          username: app,
          password: 'old-password',
          dbname: db.database,
        },
        { rotationEnabled: true },
      );
      // the verifier (random salt) shows whether a retried setSecret set the password again
      const verifiers: Record<string, unknown> = {};
      const { calls } = await rotate(sm, arn, async (step, attempt) => {
        const [row] = await query(SHARED, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [app]);
        verifiers[`${step} ${attempt}`] = row!.rolpassword;
      });
      expect(calls).toEqual(expectedCalls('prod/app', 't1', 'v0'));
      expect(verifiers['createSecret retry']).toBe(verifiers['createSecret first']);
      expect(verifiers['setSecret first']).not.toBe(verifiers['createSecret retry']);
      expect(
        new Set(
          Object.entries(verifiers)
            .filter(([k]) => !k.startsWith('create'))
            .map(([, v]) => v),
        ).size,
      ).toBe(1);
      const current = sm.value<{ username: string; password: string; host: string; dbname: string }>(arn);
      expect(current).toMatchObject({ username: app, host: '127.0.0.1', dbname: db.database });
      expect(current.password).not.toBe('old-password');
      expect(await canLogin(SHARED, db.database, app, current.password)).toBe(true);
      expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(false);
      expect(sm.value(arn, 'AWSPREVIOUS')).toMatchObject({ password: 'old-password' });
      expect(Object.values(sm.stagesOf(arn)).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
      const certUrl = sm.tags(arn)['passgeni-cert-url']!;
      expect(certUrl).toMatch(new RegExp(`^${issuer.url}/cert/`));
      expect(await certificateStatus(certUrl)).toBe('valid');
      // the inventory's Target column: the database and role, never the admin or a parameter
      expect(sm.tags(arn)['passgeni-target']).toBe(
        `postgresql://127.0.0.1:${SHARED.port}/${db.database}#${app}`,
      );
    } finally {
      await db.drop();
    }
  });

  it('alternating users (masterarn): clones the user on the first rotation, then alternates; the other user keeps its password until the next rotation', async () => {
    const db = await scratch();
    let old: pg.Client | undefined;
    try {
      const [app, clone, master] = [db.role('app'), db.role('app_clone'), db.role('master')];
      // an RDS-like master: not a superuser, may create roles
      await query(SHARED, `CREATE ROLE ${master} LOGIN CREATEROLE PASSWORD 'master-pw'`);
      await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
      await query(SHARED, `CREATE TABLE orders (id int)`, [], db.database);
      await query(SHARED, `INSERT INTO orders VALUES (1)`, [], db.database);
      await query(SHARED, `GRANT SELECT ON orders TO ${app}`, [], db.database);
      const masterArn = sm.add('prod/master', {
        engine: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        username: master,
        password: 'master-pw',
        dbname: 'postgres',
      });
      const arn = sm.add(
        'prod/app',
        {
          engine: 'postgres',
          host: '127.0.0.1',
          port: '5432', // the console writes it as a string
          username: app,
          password: 'old-password',
          dbname: db.database,
          masterarn: masterArn,
        },
        { rotationEnabled: true },
      );
      // a client connected with the first value stays connected through both rotations
      old = new pg.Client({ ...SHARED, database: db.database, user: app, password: 'old-password' });
      await old.connect();

      const first = await rotate(sm, arn);
      expect(first.calls).toEqual(expectedCalls('prod/app', 't1', 'v0', 'prod/master'));
      const one = sm.value<{ username: string; password: string; masterarn: string }>(arn);
      expect(one).toMatchObject({ username: clone, masterarn: masterArn });
      expect(await canLogin(SHARED, db.database, clone, one.password)).toBe(true);
      // the user in the previous version is untouched: clients holding it keep logging in
      expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(true);
      // the clone has the user's privileges (AWS: a member of the user's role)
      const asClone = await query(
        { ...SHARED, user: clone, password: one.password },
        'SELECT id FROM orders',
        [],
        db.database,
      );
      expect(asClone).toEqual([{ id: 1 }]);
      expect(sm.tags(arn)['passgeni-cert-url']).toMatch(/\/cert\//);
      expect(sm.tags(arn)['passgeni-target']).toBe(
        `postgresql://127.0.0.1:${SHARED.port}/${db.database}#${app},${clone}`,
      );

      const second = await rotate(sm, arn);
      expect(second.calls).toEqual(expectedCalls('prod/app', 't2', 't1', 'prod/master'));
      const two = sm.value<{ username: string; password: string }>(arn);
      expect(two.username).toBe(app);
      expect(two.password).not.toBe('old-password');
      expect(await canLogin(SHARED, db.database, app, two.password)).toBe(true);
      expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(false);
      // …and now the clone's password is the one that keeps working until the next rotation
      expect(await canLogin(SHARED, db.database, clone, one.password)).toBe(true);
      expect(sm.value(arn, 'AWSPREVIOUS')).toMatchObject({ username: clone, password: one.password });
      expect((await old!.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      expect(await certificateStatus(sm.tags(arn)['passgeni-cert-url']!)).toBe('valid');
    } finally {
      await old?.end().catch(() => {});
      await db.drop();
    }
  });

  it('refuses a master secret for another database, before changing anything', async () => {
    const db = await scratch();
    try {
      const app = db.role('app');
      await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
      const masterArn = sm.add('prod/master', {
        engine: 'postgres',
        host: 'other-db.internal',
        port: 5432,
        username: 'passgeni',
        password: 'passgeni',
      });
      const arn = sm.add(
        'prod/app',
        {
          engine: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          username: app,
          password: 'old-password',
          dbname: db.database,
          masterarn: masterArn,
        },
        { rotationEnabled: true },
      );
      const token = sm.startRotation(arn);
      const client = testClient();
      await handler({ SecretId: arn, ClientRequestToken: token, Step: 'createSecret' }, client);
      await expect(
        handler({ SecretId: arn, ClientRequestToken: token, Step: 'setSecret' }, client),
      ).rejects.toMatchObject({
        code: 'LAMBDA_MASTER_HOST_MISMATCH',
      });
      expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('refuses a token of a superseded rotation and a username whose clone would be too long, before generating anything', async () => {
    const long = 'u'.repeat(60);
    const arn = sm.add(
      'prod/app',
      {
        engine: 'postgres',
        host: '127.0.0.1',
        username: long,
        password: 'p',
        masterarn: arnOf('prod/master'),
      },
      { rotationEnabled: true },
    );
    const client = testClient();
    const token = sm.startRotation(arn);
    await expect(
      handler({ SecretId: arn, ClientRequestToken: token, Step: 'createSecret' }, client),
    ).rejects.toMatchObject({
      code: 'LAMBDA_USERNAME_TOO_LONG',
      message: expect.stringMatching(/longer than postgres's limit of 63 characters/),
    });
    // a newer rotation took AWSPENDING: the old token may no longer act
    sm.startRotation(arn);
    await expect(
      handler({ SecretId: arn, ClientRequestToken: token, Step: 'finishSecret' }, client),
    ).rejects.toMatchObject({
      code: 'LAMBDA_TOKEN_NOT_PENDING',
    });
    expect(sm.calls.filter((call) => !/^(DescribeSecret|GetSecretValue)/.test(call))).toEqual([]);
    expect(sm.value(arn)).toMatchObject({ username: long, password: 'p' });
  });
});
