import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSigningKey, generateSigningKey } from '../../src/certificate/index.js';
import { BACKENDS, createPostgresDatabase } from './support/backends.js';
import type { BackendName } from './support/backends.js';
import { sessionBody } from './support/fixtures.js';
import { api } from './support/server.js';
import { runCli, startServe } from '../support/cli.js';

/**
 * `passgeni api-key` and `passgeni serve` as processes, on a data directory (embedded database)
 * and on PostgreSQL (DATABASE_URL).
 */
describe.each(BACKENDS)('passgeni api-key and serve on %s', (backend: BackendName) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let storage: string[];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-cli-'));
    if (backend === 'postgres') {
      const database = await createPostgresDatabase();
      drop = database.drop;
      env = {
        DATABASE_URL: database.url,
        PASSGENI_SIGNING_KEY: exportSigningKey(generateSigningKey(), 'jwk'),
      };
      storage = [];
    } else {
      env = { DATABASE_URL: '', PASSGENI_SIGNING_KEY: '' };
      storage = ['--data-dir', dir];
    }
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('creates a key (printed once), lists it without the key, serves with it, and revokes it', async () => {
    const created = await runCli(['api-key', 'create', '--team', 'acme', '--name', 'ci', ...storage], {
      env,
    });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^passgeni_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only once');

    const listed = await runCli(['api-key', 'list', '--json', ...storage], { env });
    expect(listed.code).toBe(0);
    const keys = (
      JSON.parse(listed.stdout) as { keys: Array<{ id: string; team_name: string; revoked_at: null }> }
    ).keys;
    expect(keys).toEqual([expect.objectContaining({ team_name: 'acme', name: 'ci', revoked_at: null })]);
    expect(listed.stdout).not.toContain(key);
    const id = keys[0]?.id ?? '';
    const table = await runCli(['api-key', 'list', ...storage], { env });
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+acme\\s+passgeni_\\S+…\\s+ci\\s+`, 'm'));

    const server = await startServe(storage, { env });
    try {
      if (backend === 'pglite') {
        // first start on a fresh data directory: the key is generated, 0600, with a notice
        expect(server.stderr()).toContain('generated a new ES256 signing key');
        expect(statSync(join(dir, 'signing-key.jwk')).mode & 0o777).toBe(0o600);
        // the embedded database belongs to the running server
        const busy = await runCli(['api-key', 'list', ...storage], { env });
        expect(busy.code).toBe(3);
        expect(busy.stderr).toContain('DATA_DIR_IN_USE');
        // it says which server holds it, and how to work with it instead of around it
        expect(busy.stderr).toContain(`It is \`passgeni serve\` at ${server.url}`);
        expect(busy.stderr).toContain(`--issuer-url ${server.url}`);
        expect(busy.stderr).toContain('To create or revoke API keys, stop it first');
      }
      const session = await api(server.url, '/api/v1/sessions', { key, body: sessionBody() });
      expect(session.status).toBe(201);
      const health = await api(server.url, '/healthz');
      expect(health.body).toEqual({ status: 'ok', database: 'ok' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.stdout()).not.toContain(key);

    const revoked = await runCli(['api-key', 'revoke', id, '--json', ...storage], { env });
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id, revoked_at: expect.any(String) });
    const unknown = await runCli(['api-key', 'revoke', 'key_0000000000000000', ...storage], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('API_KEY_NOT_FOUND');
    const bad = await runCli(['api-key', 'create', '--team', 'no spaces allowed', ...storage], { env });
    expect(bad.code).toBe(2);
  }, 180_000);

  it('rotates the signing key with --rotate-key and keeps the old one in the JWKS', async () => {
    const keyFile = join(dir, 'explicit.jwk');
    const first = await runCli(['api-key', 'list', ...storage], { env });
    expect(first.code).toBe(0);
    const rotateEnv = { ...env, PASSGENI_SIGNING_KEY: '' };
    const a = await startServe([...storage, '--key-file', keyFile, '--rotate-key'], { env: rotateEnv });
    const kidA = (
      (await (await fetch(`${a.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    ).keys;
    expect(await a.stop()).toBe(0);
    const b = await startServe([...storage, '--key-file', keyFile, '--rotate-key'], { env: rotateEnv });
    try {
      expect(b.stderr()).toContain('previous kid');
      const jwks = (
        (await (await fetch(`${b.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
      ).keys;
      expect(jwks.length).toBe(kidA.length + 1);
      for (const k of kidA) expect(jwks.map((j) => j.kid)).toContain(k.kid);
    } finally {
      await b.stop();
    }
    const refused = await runCli(['serve', '--rotate-key', ...storage], {
      env: {
        ...env,
        PASSGENI_SIGNING_KEY: exportSigningKey(generateSigningKey(), 'jwk'),
      },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('ROTATE_KEY_UNSUPPORTED');
  }, 180_000);

  it('takes --audit-retention-days (0 = forever) and refuses a value that is not a whole number of days', async () => {
    const help = await runCli(['serve', '--help'], { env });
    expect(help.stdout).toMatch(
      /--audit-retention-days <days>[\s\S]*0 = keep\s+forever[\s\S]*default:\s+400/,
    );
    const bad = await runCli(['serve', '--audit-retention-days', '-3', ...storage], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--audit-retention-days');
  });

  it('takes --activation-timeout: certificates are issued pending with that deadline; 0 is refused', async () => {
    const help = await runCli(['serve', '--help'], { env });
    expect(help.stdout).toMatch(/--activation-timeout <minutes>[\s\S]*default: 15/);
    const bad = await runCli(['serve', '--activation-timeout', '0', ...storage], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--activation-timeout');

    const created = await runCli(['api-key', 'create', '--team', 'pending', ...storage], { env });
    const key = created.stdout.trim();
    const serve = await startServe([...storage, '--activation-timeout', '3'], { env });
    try {
      const session = await api<{ generation_session_id: string }>(serve.url, '/api/v1/sessions', {
        key,
        body: sessionBody(),
      });
      const before = Date.now();
      const cert = await api<{ status: string; activate_by: string }>(serve.url, '/api/v1/certificates', {
        key,
        body: { generation_session_id: session.body.generation_session_id },
      });
      expect(cert.status).toBe(201);
      expect(cert.body.status).toBe('pending');
      const deadline = Date.parse(cert.body.activate_by) - before;
      expect(deadline).toBeGreaterThan(3 * 60_000 - 5_000);
      expect(deadline).toBeLessThanOrEqual(3 * 60_000 + 5_000);
    } finally {
      await serve.stop();
    }
  });
});
