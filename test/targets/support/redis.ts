import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
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

/** True when `username` logs in with `password` and may then run `command` (default PING). */
export async function canLogin(
  port: number,
  username: string,
  password: string,
  command: 'PING' | 'GET' = 'PING',
): Promise<boolean> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false },
    username,
    password,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    if (command === 'PING') await client.ping();
    else await client.get('cfg:probe');
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/**
 * A TCP proxy in front of a redis-server that refuses logins as `user` the way the server
 * refuses a wrong password (WRONGPASS) and passes every other connection through: a target whose
 * new password is set but whose test login fails, while the admin can still restore it.
 */
export async function startRefusingProxy(
  port: number,
  user: string,
): Promise<{ port: number; refused: () => number; stop: () => Promise<void> }> {
  let refused = 0;
  // AUTH user … or HELLO 3 AUTH user …, as RESP arrays of bulk strings
  const auth = new RegExp(`\\$4\\r\\nAUTH\\r\\n\\$${Buffer.byteLength(user)}\\r\\n${user}\\r\\n`, 'i');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once('data', (first) => {
      if (auth.test(first.toString('latin1'))) {
        refused++;
        client.end('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
        return;
      }
      const upstream = connect(port, '127.0.0.1', () => upstream.write(first));
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    refused: () => refused,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
