import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCertificate, generateSigningKey } from '../../src/certificate/index.js';
import { openLocalIssuerClient } from '../../src/issuer-client/local.js';
import { openIssuer } from '../../src/issuer/index.js';
import { runCli, startServe } from '../support/cli.js';
import { freePort } from '../support/issuer-server.js';

/**
 * Issue 17 d6: an issuer's `iss` names that issuer, not an address. Every local issuer used to
 * sign as http://127.0.0.1:8787, so two unrelated issuers were indistinguishable to a verifier.
 */
const URN_PREFIX = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('issuer identity', () => {
  it('gives two local issuers in two directories different ids, each stable across restarts', async () => {
    const ids: string[] = [];
    for (const dir of [tempDir('passgeni-id-a-'), tempDir('passgeni-id-b-')]) {
      const first = await openLocalIssuerClient({ dataDir: dir, onNotice: () => undefined });
      const firstId = first.issuerId;
      const jwks = await first.jwks();
      await first.close();
      const again = await openLocalIssuerClient({ dataDir: dir, publicUrl: 'http://127.0.0.1:9999' });
      // the id is the RFC 9278 thumbprint URI of the directory's key, whatever the public URL
      expect(firstId).toBe(`${URN_PREFIX}${jwks.keys[0]?.kid}`);
      expect(again.issuerId).toBe(firstId);
      await again.close();
      ids.push(firstId ?? '');
    }
    expect(ids[0]).not.toBe(ids[1]);
  });

  it.each([
    ['http://certs.example.com', 'is not https'],
    ['https://127.0.0.1:8787', 'loopback'],
    ['https://localhost', 'loopback'],
    ['https://[::1]:8443', 'loopback'],
    ['https://certs.example.com/?x=1', 'query'],
    ['urn:x:', 'is not a URN'],
    ['certs.example.com', 'neither an https URL nor a URN'],
    ['', 'printable'],
  ])('refuses the issuer id %j before opening anything (%s)', async (issuerId, why) => {
    const error: unknown = await openIssuer({ memory: true, publicUrl: 'http://127.0.0.1:1', issuerId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'INVALID_ISSUER_ID', message: expect.stringContaining(why) });
  });

  it.each([
    ['https://certs.example.com/', 'https://certs.example.com'],
    ['urn:example:payments-ca', 'urn:example:payments-ca'],
  ])('signs with an operator-chosen id %j', async (issuerId, iss) => {
    const issuer = await openIssuer({
      memory: true,
      publicUrl: 'http://127.0.0.1:1',
      issuerId,
      signingKey: generateSigningKey(),
    });
    try {
      expect(issuer.issuerId).toBe(iss);
    } finally {
      await issuer.close();
    }
  });

  it('serves a page whose jose snippet verifies as printed, on a port other than the one certified on', async () => {
    const data = tempDir('passgeni-id-page-');
    const certifiedOn = `http://127.0.0.1:${await freePort()}`;
    const certify = await runCli(
      ['certify', '--standard', 'HIPAA', '--store', 'file://./s.env#K', '--json'],
      { cwd: data, env: { PASSGENI_DATA_DIR: data, PASSGENI_PUBLIC_URL: certifiedOn } },
    );
    expect(certify.code).toBe(0);
    const { cert_id: id } = JSON.parse(certify.stdout) as { cert_id: string };

    const port = await freePort();
    const serve = await startServe(['--data-dir', data, '--public-url', `http://127.0.0.1:${port}`], {
      port,
    });
    try {
      const html = await (await fetch(`${serve.url}/cert/${id}`)).text();
      const snippet = [...html.matchAll(/<pre><code>([\s\S]*?)<\/code><\/pre>/g)]
        .map((m) => unescapeHtml(m[1] ?? ''))
        .find((code) => code.startsWith("import { createRemoteJWKSet, jwtVerify } from 'jose';"));
      expect(snippet).toBeDefined();
      // `jose` resolves from the project's node_modules, as it would from the reader's own project
      const dir = tempDir('passgeni-id-snippet-');
      symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, 'verify.mjs'), snippet ?? '');
      const { stdout } = await promisify(execFile)(process.execPath, ['verify.mjs'], {
        cwd: dir,
        timeout: 30_000,
      });
      expect(stdout).toContain(id);

      const identity = (await (await fetch(`${serve.url}/.well-known/passgeni-issuer`)).json()) as {
        issuer: string;
        jwks_uri: string;
      };
      const jwt = await (await fetch(`${serve.url}/cert/${id}/jwt`)).text();
      expect(decodeCertificate(jwt).claims.iss).toBe(identity.issuer);
      expect(identity.issuer.startsWith(URN_PREFIX)).toBe(true);
      expect(identity.jwks_uri).toBe(`${serve.url}/.well-known/jwks.json`);
    } finally {
      await serve.stop();
    }
  });
});

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
