import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationReport } from '../../src/rotation/index.js';
import { CLI } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';

/**
 * `passgeni rotate` and SIGTERM/Ctrl-C: the first signal stops the run gracefully (nothing new is
 * started, the credential in flight finishes, the partial report is printed, exit 3); a second
 * one exits at once. The first credential's activation is held by a proxy, so the signal arrives
 * while it is in flight.
 */
describe('passgeni rotate stopped by a signal', () => {
  let issuer: TestIssuer;
  let proxy: FaultProxy;
  let dir: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(async () => {
    await issuer?.close();
  });

  async function start(): Promise<{
    signal(name: NodeJS.Signals): void;
    stderr(): string;
    exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  }> {
    proxy = await startFaultProxy(issuer.url, [
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'hang', times: 1 },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'passgeni-signal-'));
    const lines = Array.from({ length: 4 }, (_, i) => `  - { id: c${i}, stores: ["file://./s${i}.env#K"] }`);
    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1\ndefaults: { standard: SOC2 }\ncredentials:\n${lines.join('\n')}\n`,
    );
    const child = spawn(
      process.execPath,
      [CLI, 'rotate', '--json', '--concurrency', '1', '--issuer-url', proxy.url],
      {
        cwd: dir,
        env: {
          ...process.env,
          NO_COLOR: '1',
          PASSGENI_API_KEY: issuer.apiKey,
          PASSGENI_HTTP_TIMEOUT_MS: '1500',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    await proxy.waitFor(0, 30_000);
    return { signal: (name) => child.kill(name), stderr: () => stderr, exited };
  }

  it('the first SIGTERM lets the credential in flight finish, starts nothing else, and reports (exit 3)', async () => {
    const run = await start();
    run.signal('SIGTERM');
    const { code, stdout, stderr } = await run.exited;
    await proxy.close();
    expect(code).toBe(3);
    expect(stderr).toContain('stopping: no further credential is started');
    const report = JSON.parse(stdout) as RotationReport;
    expect(report).toMatchObject({ interrupted: true, not_started: ['c1', 'c2', 'c3'] });
    // c0 finished: its store holds the new credential (its activation was retried past the held one)
    expect([...report.rotated, ...report.failed].map((e) => e.id)).toEqual(['c0']);
    expect(readFileSync(join(dir, 's0.env'), 'utf8')).toMatch(/^K=/);
  }, 90_000);

  it('a second signal exits at once (128 + SIGINT)', async () => {
    const run = await start();
    run.signal('SIGINT');
    // two pending signals of one kind are delivered as one: the second is sent once the first landed
    const started = Date.now();
    while (!run.stderr().includes('stopping:') && Date.now() - started < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.signal('SIGINT');
    const { code } = await run.exited;
    await proxy.close();
    expect(code).toBe(130);
  }, 90_000);
});
