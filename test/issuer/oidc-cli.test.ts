import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe } from '../support/cli.js';
import { startOidcProvider, type OidcProvider } from '../support/oidc-provider.js';
import { sessionBody } from './support/fixtures.js';
import { api } from './support/server.js';

/**
 * `passgeni serve --trust-oidc/--oidc-audience/--oidc-policy` as a process: the flags reach the
 * issuer, the start-up summary says what is trusted, and malformed flags are usage errors.
 */
describe('passgeni serve with OIDC trust', () => {
  let dir: string;
  let provider: OidcProvider;
  const env = { DATABASE_URL: '', PASSGENI_SIGNING_KEY: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-oidc-cli-'));
    provider = await startOidcProvider({ audience: 'https://certs.acme.test' });
  });
  afterAll(async () => {
    await provider?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts tokens from the trusted provider for the configured audience and maps them by policy', async () => {
    const serve = await startServe(
      [
        '--data-dir',
        dir,
        '--trust-oidc',
        provider.issuer,
        '--oidc-audience',
        'https://certs.acme.test',
        '--oidc-policy',
        'repository=acme/other:other',
        '--oidc-policy',
        'repository_owner=acme,environment=prod:prod-db',
      ],
      { env },
    );
    try {
      const summary = JSON.parse(
        serve
          .stdout()
          .split('\n')
          .find((l) => l.includes('"oidc"')) ?? '{}',
      );
      expect(summary.oidc).toEqual({
        trusted: [provider.issuer],
        audience: 'https://certs.acme.test',
        policies: ['repository=acme/other:other', 'repository_owner=acme,environment=prod:prod-db'],
      });
      const identity = await api(serve.url, '/.well-known/passgeni-issuer');
      expect(identity.body.oidc_audience).toBe('https://certs.acme.test');
      const token = await provider.mint();
      const session = await api<{ generation_session_id: string }>(serve.url, '/api/v1/sessions', {
        key: token,
        body: sessionBody(),
      });
      expect(session.status).toBe(201);
      const cert = await api<{ certificate: string }>(serve.url, '/api/v1/certificates', {
        key: token,
        body: { generation_session_id: session.body.generation_session_id },
      });
      expect(cert.status).toBe(201);
      expect((decodeJwt(cert.body.certificate).workload as { repository: string }).repository).toBe(
        'acme/infra',
      );
    } finally {
      await serve.stop();
    }
    // the token never reaches the logs
    expect(serve.stdout()).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it.each([
    [['--trust-oidc', 'http://token.example.com', '--oidc-policy', 'a=b:t'], /https/],
    [['--trust-oidc', 'https://token.example.com'], /--oidc-policy/],
    [['--trust-oidc', 'https://token.example.com', '--oidc-policy', 'repository=acme'], /CLAIM=VALUE/],
  ])('refuses %j as a usage error (exit 2) before serving', async (flags, message) => {
    const result = await runCli(['serve', '--data-dir', dir, '--port', '0', ...flags], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
