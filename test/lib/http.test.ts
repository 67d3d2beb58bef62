import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, checkHttpLimitEnv, httpRequest } from '../../src/lib/http.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/issuer-server.js';

/**
 * The promises of the project's one HTTP client, against real servers on loopback: time limits
 * on the connection and on the whole exchange, a bounded body, and no redirect to another host.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(handler: Handler): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, seen };
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

const closers: Array<() => void> = [];
afterAll(() => {
  for (const close of closers) close();
});

let main: Awaited<ReturnType<typeof listen>>;
let other: Awaited<ReturnType<typeof listen>>;
let base: string;
/** Bytes the endless body handler managed to hand to the kernel before the client hung up. */
let endlessWritten = 0;
let endlessClosed: Promise<void>;

beforeAll(async () => {
  other = await listen((_req, res) => res.end('other host'));
  let closed: () => void = () => {};
  endlessClosed = new Promise((resolve) => (closed = resolve));
  main = await listen((req, res, body) => {
    const path = req.url ?? '';
    if (path === '/echo') {
      res.writeHead(201, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ method: req.method, body }));
    } else if (path === '/missing') {
      res.writeHead(404);
      res.end('nope');
    } else if (path === '/silent') {
      // never answers
    } else if (path === '/declared-huge') {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      res.write('x');
    } else if (path === '/endless') {
      // No content-length, and a body that never ends: only the client's limit stops it.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 97);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) endlessWritten += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      pump();
    } else if (path === '/to-other-host') {
      // 127.0.0.1 and localhost are the same machine, but not the same host name.
      res.writeHead(302, { location: `http://localhost:${other.port}/` });
      res.end();
    } else if (path === '/see-other') {
      res.writeHead(303, { location: '/echo' });
      res.end();
    } else if (path === '/loop') {
      res.writeHead(307, { location: '/loop' });
      res.end();
    } else {
      res.writeHead(500);
      res.end();
    }
  });
  base = `http://127.0.0.1:${main.port}`;
  closers.push(
    () => main.server.closeAllConnections(),
    () => main.server.close(),
    () => other.server.close(),
  );
});

describe('httpRequest', () => {
  it('sends method, headers and body; every status is a response', async () => {
    const body = JSON.stringify({ hello: 'wörld' });
    const response = await httpRequest({
      url: `${base}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body,
    });
    expect(response.status).toBe(201);
    expect(response.headers['retry-after']).toBe('7');
    expect(JSON.parse(response.text)).toEqual({ method: 'POST', body });
    const request = main.seen.at(-1);
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request?.headers.authorization).toBe('Bearer k');

    const missing = await httpRequest({ url: `${base}/missing` });
    expect([missing.status, missing.text]).toEqual([404, 'nope']);
  });

  it('reports a refused connection with its system code and only the origin', async () => {
    const port = await freePort();
    const error = await failure(httpRequest({ url: `http://127.0.0.1:${port}/secret-path?token=abc` }));
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`Could not reach http://127.0.0.1:${port} (ECONNREFUSED).`);
  });

  it('gives up on a connection that is not ready within the connect time limit', async () => {
    // A TCP server that accepts and then says nothing: TLS never completes its handshake.
    const sockets: Socket[] = [];
    const tcp: TcpServer = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const address = tcp.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = Date.now();
      const error = await failure(
        httpRequest({ url: `https://127.0.0.1:${port}/`, connectTimeoutMs: 200, timeoutMs: 5_000 }),
      );
      expect(error.code).toBe('CONNECT_TIMEOUT');
      expect(error.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      tcp.close();
    }
  });

  it('gives up on an answer that does not come within the total time limit', async () => {
    const started = Date.now();
    const error = await failure(httpRequest({ url: `${base}/silent`, timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(`${base} did not answer within 200 ms.`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('cuts off a body over the limit, reading no more than the limit', async () => {
    const limit = 1024 * 1024;
    const before = process.memoryUsage().arrayBuffers;
    const error = await failure(httpRequest({ url: `${base}/endless`, maxBodyBytes: limit }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(`The answer from ${base} is larger than ${limit} bytes; it was not read.`);
    // The client hung up: the server's endless body stopped, after little more than the limit
    // plus what the socket buffers hold.
    await endlessClosed;
    expect(endlessWritten).toBeLessThan(16 * limit);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * limit);
  });

  it('refuses a body whose declared length is over the limit without reading it', async () => {
    const error = await failure(httpRequest({ url: `${base}/declared-huge`, maxBodyBytes: 1024 }));
    expect(error.code).toBe('TOO_LARGE');
  });

  it('does not follow a redirect to another host', async () => {
    const before = other.seen.length;
    const error = await failure(
      httpRequest({ url: `${base}/to-other-host`, headers: { authorization: 'Bearer secret' } }),
    );
    expect(error.code).toBe('REDIRECT');
    expect(error.message).toBe(
      `${base} redirected to http://localhost:${other.port}; only a redirect on the same host (over https if it was) is followed.`,
    );
    expect(other.seen.length).toBe(before);
  });

  it('follows a redirect on the same host, a 303 as a GET without the body', async () => {
    const response = await httpRequest({
      url: `${base}/see-other`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.text)).toEqual({ method: 'GET', body: '' });
    expect(main.seen.at(-1)?.headers['content-type']).toBeUndefined();

    const loop = await failure(httpRequest({ url: `${base}/loop` }));
    expect(loop.code).toBe('REDIRECT');
  });
});

describe('time limits set for every outbound call', () => {
  it('PASSGENI_HTTP_TIMEOUT_MS replaces the 30 s default; a malformed value is refused with the range', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const saved = process.env.PASSGENI_HTTP_TIMEOUT_MS;
    try {
      process.env.PASSGENI_HTTP_TIMEOUT_MS = '300';
      const started = Date.now();
      const error = await httpRequest({ url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).code).toBe('TIMEOUT');
      expect((error as HttpError).message).toContain('within 300 ms');
      expect(Date.now() - started).toBeLessThan(10_000);
      process.env.PASSGENI_HTTP_TIMEOUT_MS = '5s';
      expect(() => checkHttpLimitEnv()).toThrow(
        /PASSGENI_HTTP_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000/,
      );
    } finally {
      if (saved === undefined) delete process.env.PASSGENI_HTTP_TIMEOUT_MS;
      else process.env.PASSGENI_HTTP_TIMEOUT_MS = saved;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the CLI refuses a malformed limit before doing anything (exit 2)', async () => {
    const run = await runCli(['standards'], { env: { PASSGENI_HTTP_CONNECT_TIMEOUT_MS: '-1' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PASSGENI_HTTP_CONNECT_TIMEOUT_MS must be a whole number');
  });
});
