import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { createClient } from 'redis';
import { beforeEach, describe, expect, it } from 'vitest';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { holdLockElsewhere } from '../support/store-faults.js';
import { canLogin, startRedis, startRefusingProxy } from './support/redis.js';

/**
 * The fault rows of docs/rotation.md for the Redis target, against a redis-server of the test's
 * own: a fault after the target took the new password puts back exactly the ACL user it had —
 * its password hashes and on/off flag, and nothing else of its rules touched.
 */

const issuer = useTestIssuer();
let dir: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
let cleanup: Array<() => Promise<void>>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-redis-faults-'));
  cleanup = [];
  writeFileSync(join(dir, 'app.env'), 'REDIS_PASSWORD=old-password\n');
  redis = await startRedis([
    // a user with rules of every kind, a second password, and a selector
    'user worker on >old-password >other-password ~jobs:* %R~stats:* &jobs:* -@all +@list +ping +get (~cache:* +get)',
    // a user that cannot log in at all (no password, not nopass)
    'user sealed on ~sealed:* +ping',
    // a user whose ACL allows no PING (nor anything but GET)
    'user getter on >old-password ~cfg:* -@all +get',
  ]);
  cleanup.push(redis.stop);
  // the ACL file in the server's own canonical form, so a line can be compared before/after
  await admin(['ACL', 'SAVE']);
  return async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  };
});

function stored(): string {
  return dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).REDIS_PASSWORD!;
}

function certify(target: string) {
  return certifyInto(issuer, dir, 'REDIS_PASSWORD', ['--target', target], { REDISCLI_AUTH: 'admin-pw' });
}

async function admin(command: string[]): Promise<unknown> {
  const client = createClient({
    socket: { host: '127.0.0.1', port: redis.port, reconnectStrategy: false },
    username: 'admin',
    password: 'admin-pw',
  });
  await client.connect();
  try {
    return await client.sendCommand(command);
  } finally {
    client.destroy();
  }
}

/** ACL GETUSER as the server reports it, and the user's line in the ACL file. */
async function aclOf(user: string): Promise<{ getuser: unknown; file: string | undefined }> {
  return {
    getuser: await admin(['ACL', 'GETUSER', user]),
    file: readFileSync(redis.aclfile, 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`user ${user} `)),
  };
}

async function certificateStatus(id: string): Promise<string> {
  const response = await fetch(`${issuer.url}/cert/${id}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { status: string }).status;
}

describe('faults after the Redis target took the new password', () => {
  it('the test login fails: the previous ACL user is restored exactly, certificate revoked, exit 3', async () => {
    const proxy = await startRefusingProxy(redis.port, 'worker');
    cleanup.push(proxy.stop);
    const before = await aclOf('worker');
    const result = await certify(`redis://admin@127.0.0.1:${proxy.port}#worker`);
    expect(result.code).toBe(3);
    expect(proxy.refused()).toBe(1);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      stage: 'test',
      target_state: 'restored',
      cause_code: 'TARGET_TEST_FAILED',
      certificate_state: 'revoked',
      stored: [],
    });
    expect(String(result.error.error)).toMatch(
      /test login as "worker" failed.*previous password of "worker" was restored/,
    );
    expect(await aclOf('worker')).toEqual(before);
    expect(await canLogin(redis.port, 'worker', 'old-password')).toBe(true);
    expect(await canLogin(redis.port, 'worker', 'other-password')).toBe(true);
    expect(stored()).toBe('old-password');
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
    expect(result.stderr + result.stdout).not.toMatch(/[0-9a-f]{64}/);
  });

  it('the store write fails after the target changed: restored exactly, certificate revoked, exit 3', async () => {
    const before = await aclOf('worker');
    holdLockElsewhere(join(dir, 'app.env'));
    const result = await certify(`redis://admin@127.0.0.1:${redis.port}#worker`);
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({
      code: 'NOT_APPLIED',
      stage: 'store',
      target_state: 'restored',
      certificate_state: 'revoked',
    });
    expect(await aclOf('worker')).toEqual(before);
    expect(await canLogin(redis.port, 'worker', 'old-password')).toBe(true);
    expect(stored()).toBe('old-password');
    expect(await certificateStatus(String(result.error.cert_id))).toBe('revoked');
  });

  it('a user that had no password (and was not nopass) is restored without one: never opened to anyone', async () => {
    const before = await aclOf('sealed');
    holdLockElsewhere(join(dir, 'app.env'));
    const result = await certify(`redis://admin@127.0.0.1:${redis.port}#sealed`);
    expect(result.code).toBe(3);
    expect(result.error).toMatchObject({ code: 'NOT_APPLIED', target_state: 'restored' });
    expect(await aclOf('sealed')).toEqual(before);
    expect(await canLogin(redis.port, 'sealed', '')).toBe(false);
    expect(await canLogin(redis.port, 'sealed', 'anything')).toBe(false);
  });

  it('a user whose ACL forbids PING passes the test login: logging in is what proves the password', async () => {
    const result = await certify(`redis://admin@127.0.0.1:${redis.port}#getter`);
    expect(result.code, result.stderr).toBe(0);
    expect(await canLogin(redis.port, 'getter', stored(), 'GET')).toBe(true);
    expect(await canLogin(redis.port, 'getter', 'old-password', 'GET')).toBe(false);
  });
});
