/**
 * Start-up of the bundled certify action against `node -e 0`. Guard: at most 2.5x.
 *
 * The action is run as the runner runs it: `node dist/action/certify.js` with its inputs as
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, stdout and stderr as pipes, and
 * a file store in a scratch workspace. A stand-in issuer on loopback notes when the first request
 * arrives and answers 401, which ends the run. The figure is the wall time from spawn to that
 * request: what a user waits for before any network work. The two subjects alternate round by
 * round, so load from other processes hits both alike; each figure is a median.
 * Run `npm run build` first: this measures dist/ as it is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, record } from './harness.js';

const ENTRY = fileURLToPath(new URL('../dist/action/certify.js', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 3;
const GOAL = 2.5;

let onFirstRequest: (() => void) | undefined;
const issuer = createServer((_req, res) => {
  onFirstRequest?.();
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end('{"error":"Unknown API key","code":"UNAUTHORIZED"}');
});
await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
const address = issuer.address();
const issuerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const workspace = mkdtempSync(join(tmpdir(), 'passgeni-bench-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
const inputs = {
  standard: 'HIPAA',
  store: 'file://./secrets.json#DB_PASSWORD',
  'issuer-url': issuerUrl,
  'api-key': 'passgeni_benchmark_key_not_valid_0000000000',
};
const actionEnv = {
  ...baseEnv,
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: join(workspace, 'output'),
  GITHUB_STEP_SUMMARY: join(workspace, 'summary'),
  RUNNER_TEMP: workspace,
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
};

/**
 * Milliseconds from spawn to the first issuer request (`untilRequest`) or to exit. A run that
 * ends otherwise than expected measured something else (a missing file, say), so it throws.
 */
function timeRun(args: string[], env: NodeJS.ProcessEnv, untilRequest: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let request: number | undefined;
    onFirstRequest = () => {
      request ??= performance.now() - t0;
    };
    const child = spawn(process.execPath, args, { env, cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      onFirstRequest = undefined;
      const exit = performance.now() - t0;
      if (!untilRequest) return code === 0 ? resolve(exit) : reject(new Error(`node -e 0 exited ${code}`));
      if (code === 1 && request !== undefined) return resolve(request);
      reject(
        new Error(`certify exited ${code} ${request === undefined ? 'without' : 'after'} an issuer request`),
      );
    });
  });
}

const baseline: number[] = [];
const certify: number[] = [];
for (let round = -WARMUP; round < ROUNDS; round++) {
  const b = await timeRun(['-e', '0'], baseEnv, false);
  const c = await timeRun([ENTRY], actionEnv, true);
  if (round < 0) continue;
  baseline.push(b);
  certify.push(c);
}
issuer.close();
rmSync(workspace, { recursive: true, force: true });

const baselineMs = median(baseline);
const certifyMs = median(certify);
const ratio = certifyMs / baselineMs;
console.log(`Node ${process.version}, ${ROUNDS} interleaved rounds, medians`);
console.log(`baseline  node -e 0                             ${baselineMs.toFixed(1)} ms`);
console.log(`candidate certify.js to its first issuer request ${certifyMs.toFixed(1)} ms`);
console.log(`ratio ${ratio.toFixed(2)}x (goal <= ${GOAL}x: ${ratio <= GOAL ? 'MET' : 'NOT MET'})`);
record('action-startup', { rounds: ROUNDS, baselineMs, certifyMs, ratio, goal: GOAL });
