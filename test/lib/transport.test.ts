import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPassgeniError } from '../../src/errors.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { fetchPublicCertificate } from '../../src/issuer-client/public.js';
import { freePort } from '../support/issuer-server.js';

/**
 * The public look-ups and the issuer client over the project's HTTP client: answers read, and the
 * issuer client's messages for an issuer it cannot reach.
 */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cert/abc') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'valid', certificate: 'a.b.c' }));
    } else if (req.url?.startsWith('/slow')) {
      // never answers
    } else {
      res.writeHead(404);
      res.end('nope');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('public look-ups', () => {
  it("read a certificate record over the project's HTTP client", async () => {
    await expect(fetchPublicCertificate(base, 'abc')).resolves.toEqual({
      status: 'valid',
      certificate: 'a.b.c',
    });
  });
});

describe('issuer client transport', () => {
  it('names the system error of an issuer it cannot reach, and a time limit as timed out', async () => {
    const port = await freePort();
    const unreachable = new HttpIssuerClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      maxAttempts: 1,
    });
    const refused = await unreachable.jwks().catch((e: unknown) => e);
    expect(isPassgeniError(refused) && refused.code).toBe('ISSUER_UNREACHABLE');
    expect(isPassgeniError(refused) && refused.message).toContain('(ECONNREFUSED)');

    const slow = new HttpIssuerClient({ url: `${base}/slow/`, apiKey: 'k', maxAttempts: 1, timeoutMs: 150 });
    const started = Date.now();
    const timedOut = await slow.jwks().catch((e: unknown) => e);
    expect(isPassgeniError(timedOut) && timedOut.message).toContain('(timed out)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
