import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CapturingProxy {
  url: string;
  /** Every byte that passed, both directions, in order. */
  captured(): string;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a real server: records every byte a client sends and
 * receives, and can cut the connection at a chosen moment — the response to the first request
 * whose head matches `resetResponseTo` is dropped and the client's socket reset, after the
 * server has already processed it (a network failure "mid-way").
 */
export async function startCapturingProxy(
  upstream: string,
  options: { resetResponseTo?: RegExp } = {},
): Promise<CapturingProxy> {
  const target = new URL(upstream);
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let resetDone = false;
  const server: Server = createServer((client) => {
    const server = connect(Number(target.port), target.hostname);
    sockets.add(client).add(server);
    let armed = false;
    client.on('data', (data: Buffer) => {
      chunks.push(data);
      if (!resetDone && options.resetResponseTo?.test(data.toString('latin1'))) armed = true;
      server.write(data);
    });
    server.on('data', (data: Buffer) => {
      chunks.push(data);
      if (armed && !resetDone) {
        resetDone = true;
        client.resetAndDestroy();
        server.destroy();
        return;
      }
      client.write(data);
    });
    const end = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('proxy did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    captured: () => Buffer.concat(chunks).toString('latin1'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
