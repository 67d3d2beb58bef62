import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort } from '../../support/issuer-server.js';

/**
 * A redis-server of our own (temp dir, free loopback port) whose users live in an ACL file:
 * `admin` (may manage ACLs), `app` (the rotated user, old password `old-password`), and the
 * default user switched off.
 */
export async function startRedis(extraUsers: string[] = []): Promise<{
  port: number;
  aclfile: string;
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-redis-'));
  const aclfile = join(dir, 'users.acl');
  writeFileSync(
    aclfile,
    [
      'user default off nopass ~* &* -@all',
      'user admin on >admin-pw ~* &* +@all',
      'user app on >old-password ~app:* +@read +@write +ping',
      ...extraUsers,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--aclfile',
      aclfile,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    if (await canLogin(port, 'admin', 'admin-pw')) break;
    if (i > 100) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    aclfile,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function canLogin(port: number, username: string, password: string): Promise<boolean> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false },
    username,
    password,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
