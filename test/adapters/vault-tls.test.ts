import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { CERT_URL_METADATA } from '../../adapters/vault/index.js';
import { storeError } from './helpers.js';

/**
 * Vault over mutual TLS, against a real HTTPS server that demands a client certificate signed by
 * its CA (as a Vault listener with tls_require_and_verify_client_cert does), with certificates
 * made here by openssl.
 */
const dir = mkdtempSync(join(tmpdir(), 'passgeni-vault-tls-'));
const file = (name: string) => join(dir, name);
const CERT_URL = 'https://certs.example.com/cert/7f0c2a9e-4b1d-4e6a-9c3f-2d8b5a1e0f47';

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function issue(name: string, subject: string, extensions: string): void {
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  );
  writeFileSync(file(`${name}.ext`), extensions);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  );
}

let server: Server;
let addr: string;
const seen: { path: string; clientCn: string | undefined; token: string | undefined }[] = [];

beforeAll(async () => {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=passgeni test CA',
  );
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=passgeni-rotation', 'extendedKeyUsage=clientAuth\n');
  issue('stranger', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
  server = createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
      ca: readFileSync(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const clientCn = typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined;
      const token = req.headers['x-vault-token'] as string | undefined;
      seen.push({ path: req.url ?? '', clientCn, token });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v1/auth/cert/login') {
        if (clientCn !== 'passgeni-rotation') {
          res
            .writeHead(400)
            .end(JSON.stringify({ errors: ['invalid certificate or no client certificate supplied'] }));
          return;
        }
        res.end(JSON.stringify({ auth: { client_token: 'hvs.from-tls-cert' } }));
        return;
      }
      if (req.url === '/v1/secret/metadata/app/db' && token === 'hvs.from-tls-cert') {
        res.end(
          JSON.stringify({
            data: { custom_metadata: { [CERT_URL_METADATA]: CERT_URL, 'passgeni-cert-key': 'password' } },
          }),
        );
        return;
      }
      res.writeHead(403).end(JSON.stringify({ errors: ['permission denied'] }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  addr = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const env = (client: string) => ({
  VAULT_ADDR: addr,
  VAULT_CACERT: file('ca.pem'),
  VAULT_CLIENT_CERT: file(`${client}.pem`),
  VAULT_CLIENT_KEY: file(`${client}.key`),
});

describe('vault with a TLS client certificate', () => {
  it('presents VAULT_CLIENT_CERT on every connection and logs in with TLS certificate auth', async () => {
    seen.length = 0;
    const store = await openStore('vault://secret/app/db#password', {
      env: env('client'),
      retry: { baseDelayMs: 1 },
    });
    expect(await store.readCertificateUrl()).toBe(CERT_URL);
    expect(seen.map((s) => [s.path, s.clientCn])).toEqual([
      ['/v1/auth/cert/login', 'passgeni-rotation'],
      ['/v1/secret/metadata/app/db', 'passgeni-rotation'],
    ]);
  });

  it('a certificate Vault does not accept is STORE_ACCESS_DENIED naming TLS certificate auth', async () => {
    const store = await openStore('vault://secret/app/db#password', {
      env: env('stranger'),
      retry: { baseDelayMs: 1 },
    });
    const error = await storeError(store.readCertificateUrl());
    expect(error.code).toBe('STORE_ACCESS_DENIED');
    expect(error.message).toContain('TLS certificate auth');
  });

  it('half a client certificate is STORE_AUTH_MISSING before any request', async () => {
    const error = await storeError(
      openStore('vault://secret/app/db#password', {
        env: { VAULT_ADDR: addr, VAULT_CLIENT_CERT: file('client.pem') },
      }),
    );
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('VAULT_CLIENT_KEY');
  });
});
