import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/issuer-client/node-fetch.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { isPassgeniError } from '../../src/errors.js';
import { freePort } from '../support/issuer-server.js';

/**
 * The fetch subset the action gives the issuer client, against a real HTTP server on loopback:
 * what the client relies on (status, headers, body, JSON, timeouts, network errors) must behave
 * as with the built-in fetch.
 */
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/json') {
        res.writeHead(201, { 'content-type': 'application/json', 'retry-after': '7' });
        res.end(JSON.stringify({ echo: body, ok: true }));
      } else if (req.url?.startsWith('/slow')) {
        // never answers: the caller's timeout must end it
      } else if (req.url === '/big') {
        res.writeHead(200);
        res.end(Buffer.alloc(2 * 1024 * 1024, 97));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('nodeFetch', () => {
  it('sends method, headers and a string body; returns status, headers, text and JSON', async () => {
    const body = JSON.stringify({ hello: 'wörld' });
    const response = await nodeFetch(new URL('/json', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body,
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('Retry-After')).toBe('7');
    expect(response.headers.get('x-missing')).toBeNull();
    expect(await response.json()).toEqual({ echo: body, ok: true });
    const request = seen.at(-1);
    expect(request).toMatchObject({ method: 'POST', url: '/json', body });
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request?.headers.authorization).toBe('Bearer k');
  });

  it('reports non-2xx answers as responses, not errors', async () => {
    const response = await nodeFetch(`${base}/other`);
    expect(response.status).toBe(404);
    expect(response.ok).toBe(false);
    expect(await response.text()).toBe('nope');
  });

  it("rejects with the signal's TimeoutError when the server does not answer in time", async () => {
    const error = await nodeFetch(`${base}/slow`, { signal: AbortSignal.timeout(150) }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('rejects a refused connection with the system error as the cause', async () => {
    const port = await freePort();
    const error = await nodeFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('refuses bodies over 1 MiB and protocols other than http(s)', async () => {
    await expect(nodeFetch(`${base}/big`)).rejects.toThrow(/larger than/);
    await expect(nodeFetch('ftp://example.com/')).rejects.toThrow(/Unsupported protocol/);
  });

  it('gives the issuer client the same messages as the built-in fetch (unreachable, timed out)', async () => {
    const port = await freePort();
    const unreachable = new HttpIssuerClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      fetch: nodeFetch,
      maxAttempts: 1,
    });
    const refused = await unreachable.jwks().catch((e: unknown) => e);
    expect(isPassgeniError(refused) && refused.message).toContain('(ECONNREFUSED)');
    const slow = new HttpIssuerClient({
      url: `${base}/slow/`,
      apiKey: 'k',
      fetch: nodeFetch,
      maxAttempts: 1,
      timeoutMs: 150,
    });
    const timedOut = await slow.jwks().catch((e: unknown) => e);
    expect(isPassgeniError(timedOut) && timedOut.message).toContain('(timed out)');
  });
});
