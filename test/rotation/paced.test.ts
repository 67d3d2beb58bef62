import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationReport } from '../../src/rotation/index.js';
import { freePort } from '../issuer/support/server.js';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';

/**
 * Scheduled rotation against a fresh `passgeni serve` with its default limits (10 attempts without
 * a key per address per hour; per key 60 a minute, burst 5 then 1/s), as a new user runs it: the
 * issuer paces the key, and the clients pace themselves instead of failing.
 */
describe('rotation paced by a default issuer', () => {
  let dir: string;
  let issuerDir: string;
  let server: ServeProcess;
  let port: number;
  const serve = () =>
    startServe(['--data-dir', issuerDir, '--public-url', `http://127.0.0.1:${port}`], { env, port });
  const env = { DATABASE_URL: '', PASSGENI_SIGNING_KEY: '', PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-paced-'));
    issuerDir = join(dir, 'issuer');
    port = await freePort();
    server = await serve();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A key made the way an operator makes one: `passgeni api-key create` through the running issuer's database. */
  async function createKey(team: string, extra: string[] = []): Promise<string> {
    // the embedded database belongs to the running server; PostgreSQL users run this beside it
    await server.stop();
    const created = await runCli(['api-key', 'create', '--team', team, '--data-dir', issuerDir, ...extra], {
      env,
    });
    expect(created.code).toBe(0);
    server = await serve();
    return created.stdout.trim();
  }

  function manifest(name: string, count: number): string {
    const credentials = Array.from(
      { length: count },
      (_, i) => `  - id: cred-${i}\n    stores: ["file://./${name}-${i}.env#PASSWORD"]\n`,
    ).join('');
    writeFileSync(
      join(dir, `${name}.yml`),
      `version: 1\ndefaults: { standard: HIPAA }\ncredentials:\n${credentials}`,
    );
    return join(dir, `${name}.yml`);
  }

  async function rotate(file: string, key: string): Promise<{ code: number | null; report: RotationReport }> {
    const run = await runCli(['rotate', '--manifest', file, '--json', '--issuer-url', server.url], {
      cwd: dir,
      env: { ...env, PASSGENI_API_KEY: key },
      timeoutMs: 170_000,
    });
    expect(run.stderr).not.toContain(key);
    return { code: run.code, report: JSON.parse(run.stdout) as RotationReport };
  }

  const refusals = () =>
    server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"status":429')).length;

  it('certifies all 30 credentials with the default concurrency, rotates none right after, and the runner can still certify', async () => {
    const key = await createKey('rotation');
    // 60 requests: a burst of 5, then the key's 1 a second
    const file = manifest('thirty', 30);
    const first = await rotate(file, key);
    expect(first.report.failed).toEqual([]);
    expect(first.report.rotated).toHaveLength(30);
    expect(first.code).toBe(0);
    for (let i = 0; i < 30; i++)
      expect(readFileSync(join(dir, `thirty-${i}.env`), 'utf8')).toMatch(/^PASSWORD=/m);

    const again = await rotate(file, key);
    expect(again.report.failed).toEqual([]);
    expect(again.code).toBe(0);
    expect([again.report.rotated.length, again.report.skipped.length]).toEqual([0, 30]);

    const certify = await runCli(
      [
        'certify',
        '--standard',
        'HIPAA',
        '--store',
        'file://./single.env#TOKEN',
        '--json',
        '--issuer-url',
        server.url,
      ],
      { cwd: dir, env: { ...env, PASSGENI_API_KEY: key } },
    );
    expect(certify.stderr).toBe('');
    expect(certify.code).toBe(0);
    expect(JSON.parse(certify.stdout)).toMatchObject({ cert_url: expect.stringContaining(server.url) });
  }, 180_000);

  it('completes, more slowly, under a key created with a low per-minute limit, without burning its requests on refusals', async () => {
    const key = await createKey('slow-rotation', ['--per-minute', '20']);
    const file = manifest('slow', 8);
    const before = refusals();
    const started = Date.now();
    const run = await rotate(file, key);
    const seconds = (Date.now() - started) / 1000;
    expect(run.report.failed).toEqual([]);
    expect(run.report.rotated).toHaveLength(8);
    expect(run.code).toBe(0);
    // 16 requests at 20 a minute after a burst of 5: at least 11 × 3 s
    expect(seconds).toBeGreaterThan(30);
    // the rotation backs off instead of retrying into the limit: fewer refusals than requests
    // (retrying on its own, each waiting request came back every few seconds: 40-55 refusals)
    const refused = refusals() - before;
    console.info(`paced rotation of 8 at 20/min: ${seconds.toFixed(1)} s, ${refused} refusals`);
    expect(refused).toBeLessThan(16);
  }, 180_000);
});
