import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { startServer } from '../../../src/issuer/index.js';
import type {
  Database,
  Issuer,
  IssuerOptions,
  RunningServer,
  ServerOptions,
} from '../../../src/issuer/index.js';
import { testIssuer } from './fixtures.js';

/** A port that was free a moment ago (the issuer must know its public URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  issuer: Issuer;
  server: RunningServer;
  url: string;
  /** Every log line the server wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/** The issuer over real HTTP on 127.0.0.1, its public URL being the listening address. */
export async function testServer(
  db: Database,
  options: Partial<IssuerOptions> = {},
  serverOptions: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const issuer = await testIssuer(db, { publicUrl: url, ...options });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const server = await startServer({
    issuer,
    port,
    host: '127.0.0.1',
    logger: { level: 'info', stream },
    ...serverOptions,
  });
  return {
    issuer,
    server,
    url,
    logs,
    async close() {
      await server.close();
      await issuer.close();
    },
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function api<T = Record<string, unknown>>(
  base: string,
  path: string,
  options: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      accept: 'application/json',
      ...(options.key !== undefined && { authorization: `Bearer ${options.key}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && {
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}
