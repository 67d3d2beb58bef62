import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSigningKey, generateSigningKey } from '../../src/certificate/index.js';
import { BACKENDS, createPostgresDatabase } from './support/backends.js';
import type { BackendName } from './support/backends.js';
import { sessionBody } from './support/fixtures.js';
import { api } from './support/server.js';
import { runCli, startServe } from '../support/cli.js';

/** `passgeni api-key create --per-minute/--burst`, `api-key list`, and a real `serve` enforcing them. */
describe.each(BACKENDS)('per-key limits from the CLI on %s', (backend: BackendName) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let storage: string[];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-key-limits-'));
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

  it('stores a key’s own limits at creation, lists them, and the issuer enforces them', async () => {
    const slow = await runCli(
      ['api-key', 'create', '--team', 'slow', '--per-minute', '2', '--burst', '3', '--json', ...storage],
      { env },
    );
    expect(slow.code).toBe(0);
    const created = JSON.parse(slow.stdout) as { id: string; key: string; per_minute: number; burst: number };
    expect(created).toMatchObject({ per_minute: 2, burst: 3 });
    const plain = await runCli(['api-key', 'create', '--team', 'plain', ...storage], { env });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('limits: default/min, burst default');
    const plainKey = plain.stdout.trim();

    const table = await runCli(['api-key', 'list', ...storage], { env });
    expect(table.stdout).toMatch(/^\s*ID\s+TEAM\s+KEY\s+NAME\s+LIMITS\s+/m);
    expect(table.stdout).toMatch(
      new RegExp(`^${created.id}\\s+slow\\s+passgeni_\\S+…\\s+2/min, burst 3\\s`, 'm'),
    );
    expect(table.stdout).toMatch(/\splain\s+passgeni_\S+…\s+default\/min, burst default\s/);
    const listed = await runCli(['api-key', 'list', '--json', '--team', 'slow', ...storage], { env });
    expect(JSON.parse(listed.stdout)).toEqual({
      keys: [expect.objectContaining({ id: created.id, per_minute: 2, burst: 3 })],
    });

    // nonsense is refused and nothing is created
    for (const args of [
      ['--per-minute', '0'],
      ['--burst', 'many'],
      ['--per-minute', '100001'],
    ]) {
      const bad = await runCli(['api-key', 'create', '--team', 'bad', ...args, ...storage], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        args[1] === '100001' ? /1 to 100000[\s\S]*INVALID_KEY_LIMITS/ : /--per-minute|--burst/,
      );
    }
    const after = await runCli(['api-key', 'list', '--json', '--team', 'bad', ...storage], { env });
    expect(JSON.parse(after.stdout)).toEqual({ keys: [] });

    const server = await startServe(storage, { env });
    try {
      // three requests must fall in one clock minute
      const second = new Date().getUTCSeconds();
      if (second >= 50) await sleep((61 - second) * 1000);
      const first = await api(server.url, '/api/v1/sessions', { key: created.key, body: sessionBody() });
      expect(first.status).toBe(201);
      const certificate = await api(server.url, '/api/v1/certificates', {
        key: created.key,
        body: { generation_session_id: first.body.generation_session_id },
      });
      expect(certificate.status).toBe(201);
      const third = await api(server.url, '/api/v1/sessions', { key: created.key, body: sessionBody() });
      expect(third.status).toBe(429);
      expect(third.body).toMatchObject({ code: 'RATE_LIMITED', limit: 'key-minute' });
      const retryAfter = Number(third.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // the default key is judged by the issuer's defaults: a burst of 5
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await api(server.url, '/api/v1/certificates', { key: plainKey })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 180_000);
});
