import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server.js';
import type { ServerOptions } from './server.js';

export interface StartServerOptions extends ServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port of the listening socket (not the public URL). */
  url: string;
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish, closes idle keep-alive
   * connections. The issuer (and its database) is the caller's to close afterwards.
   */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = buildServer(options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}
