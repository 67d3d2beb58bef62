import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJwks, generateSigningKey, signCertificate } from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';
import { ISSUER, sampleClaims } from '../support/claims.js';

/**
 * `passgeni verify <url>` reads from hosts the auditor does not control: an endless body is cut
 * off (the server counts what it managed to send before the client hung up), and a redirect to
 * another host is not followed (that host sees no request).
 */
const key = generateSigningKey();
const claims = sampleClaims();
let jwt: string;
let sent = 0;
let otherHits = 0;
let base: string;
let otherBase: string;
const servers: Server[] = [];

const MiB = 1024 * 1024;

/** Writes 1 MiB chunks until the client goes away or 400 MB have been offered. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(MiB, 0x20);
  res.write('{"keys":"');
  const pump = (): void => {
    while (sent < 400 * MiB && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  jwt = await signCertificate(claims, key);
  otherBase = await listen(
    createServer((_req, res) => {
      otherHits++;
      res.end('{}');
    }),
  );
  // the other host is "localhost", the certificate's host "127.0.0.1": same machine, other host name
  otherBase = otherBase.replace('127.0.0.1', 'localhost');
  base = await listen(
    createServer((req, res) => {
      const url = req.url ?? '';
      const record = JSON.stringify({ status: 'valid', certificate: jwt });
      if (url === `/big/cert/${claims.jti}`) return endless(res);
      if (url === '/bigjwks/.well-known/jwks.json' || url === '/jwks-endless') return endless(res);
      if (url === `/bigjwks/cert/${claims.jti}`) return void res.end(record);
      if (url.startsWith('/redirect/cert/')) {
        res.writeHead(302, { location: `${otherBase}/cert/${claims.jti}` });
        return void res.end();
      }
      res.statusCode = 404;
      res.end();
    }),
  );
});

afterAll(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('passgeni verify <url>: hostile issuer answers', () => {
  it('an endless body at the certificate URL is cut off with a clear error', async () => {
    sent = 0;
    const r = await runCli(['verify', `${base}/big/cert/${claims.jti}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('[ISSUER_RESPONSE_TOO_LARGE]');
    expect(r.stderr).toContain('more than 65536 bytes');
    expect(sent).toBeLessThan(64 * MiB);
  });

  it("an endless body at the issuer's JWKS URL is cut off with a clear error", async () => {
    sent = 0;
    const r = await runCli(['verify', `${base}/bigjwks/cert/${claims.jti}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('[ISSUER_RESPONSE_TOO_LARGE]');
    expect(sent).toBeLessThan(64 * MiB);
  });

  it('an endless body at a --jwks URL is cut off with a clear error', async () => {
    sent = 0;
    const r = await runCli(['verify', jwt, '--jwks', `${base}/jwks-endless`], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than 1 MiB');
    expect(r.stderr).toContain('[INVALID_JWKS]');
    expect(sent).toBeLessThan(64 * MiB);
  });

  it('a redirect from the certificate URL to another host is not followed', async () => {
    otherHits = 0;
    const r = await runCli(['verify', `${base}/redirect/cert/${claims.jti}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('redirected to http://localhost');
    expect(r.stderr).toContain('[ISSUER_REDIRECT_REFUSED]');
    expect(otherHits).toBe(0);
  });

  it('the certificate itself verifies from a well-behaved issuer (control)', async () => {
    const ok = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') return void res.end(JSON.stringify(buildJwks([key])));
      res.end(JSON.stringify({ status: 'valid', certificate: jwt }));
    });
    const okBase = await listen(ok);
    const r = await runCli(['verify', `${okBase}/cert/${claims.jti}`, '--issuer', ISSUER]);
    expect(r.stdout).toMatch(/^VALID/);
    expect(r.code).toBe(0);
  });
});
