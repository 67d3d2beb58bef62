import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { redisPasswordHash } from '../../adapters/targets/redis.js';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { certificateCount } from '../rotation/helpers.js';
import { canLogin, startRedis } from './support/redis.js';

/** The Redis ACL target (issue 18) against a redis-server of the test's own. */

const issuer = useTestIssuer();
let dir: string;
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-target-redis-'));
  writeFileSync(join(dir, 'app.env'), 'REDIS_PASSWORD=old-password\n');
  redis = await startRedis([
    'user reader on >reader-pw ~* +@read',
    // the least-privilege admin of docs/rotation.md
    'user rotator on >rotator-pw -@all +acl|getuser +acl|setuser +acl|save +config|get +ping',
  ]);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
});

function stored(): string {
  return dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).REDIS_PASSWORD!;
}

function certify(target: string, env: NodeJS.ProcessEnv = {}) {
  return certifyInto(issuer, dir, 'REDIS_PASSWORD', ['--target', target], env);
}

describe('passgeni certify --target redis://', () => {
  it('sets the ACL user: the stored value logs in, the old does not, and the ACL file holds only the SHA-256', async () => {
    const result = await certify(`redis://admin@127.0.0.1:${redis.port}#app`, { REDISCLI_AUTH: 'admin-pw' });
    expect(result.code, result.stderr).toBe(0);
    const password = stored();
    expect(await canLogin(redis.port, 'app', password)).toBe(true);
    expect(await canLogin(redis.port, 'app', 'old-password')).toBe(false);
    // ACL SAVE wrote the change to the ACL file, hashed: a restart keeps the new password
    const acl = readFileSync(redis.aclfile, 'utf8');
    expect(acl).toContain(`#${redisPasswordHash(password)}`);
    expect(acl).not.toContain(password);
    expect(acl).toMatch(/^user app on .*~app:\*/m);
    const sidecar = readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8');
    expect((JSON.parse(sidecar) as Record<string, { target?: string }>).REDIS_PASSWORD?.target).toBe(
      `redis://127.0.0.1:${redis.port}#app`,
    );
  });

  it('works with the least-privilege admin of docs/rotation.md', async () => {
    const result = await certify(`redis://rotator:rotator-pw@127.0.0.1:${redis.port}#app`);
    expect(result.code, result.stderr).toBe(0);
    expect(await canLogin(redis.port, 'app', stored())).toBe(true);
  });

  it('refuses a missing user and an admin without ACL permissions before issuing anything (exit 2)', async () => {
    const before = await certificateCount(issuer);
    const missing = await certify(`redis://admin:admin-pw@127.0.0.1:${redis.port}#nobody`);
    expect(missing.code).toBe(2);
    expect(missing.error.code).toBe('TARGET_ACCOUNT_MISSING');
    const weak = await certify(`redis://reader:reader-pw@127.0.0.1:${redis.port}#app`);
    expect(weak.code).toBe(2);
    expect(weak.error.code).toBe('TARGET_PRIVILEGE_MISSING');
    const noPassword = await certify(`redis://admin@127.0.0.1:${redis.port}#app`, { REDISCLI_AUTH: '' });
    expect(noPassword.code).toBe(2);
    expect(noPassword.error.code).toBe('TARGET_AUTH_MISSING');
    expect(await certificateCount(issuer)).toBe(before);
    expect(await canLogin(redis.port, 'app', 'old-password')).toBe(true);
  });
});
