import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The bundled CLI, rebuilt from source by test/global-setup.ts before any test starts, so tests
 * run `passgeni` exactly as users do.
 */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** The child's whole environment: nothing of the test process's is passed unless given here. */
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Runs `node <args>` to completion in a separate process and captures what it printed. */
export function runNode(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? {},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs `passgeni <args>` as a user would: a separate Node process, no shared state with the test.
 * `env` is added to the test's own environment (with colours off).
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([CLI, ...args], { ...options, env: { ...process.env, NO_COLOR: '1', ...options.env } });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `passgeni serve --json <args>` in its own process and resolves once it listens (its JSON
 * start-up line names the URL). The port defaults to any free one.
 */
export function startServe(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; port?: number } = {},
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--json', '--port', String(options.port ?? 0), ...args],
      {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time.\nstdout: ${out}\nstderr: ${err}`));
    }, 45_000);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (started) return;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as { url?: string; msg?: string };
          if (parsed.url !== undefined && parsed.msg === undefined) {
            started = true;
            clearTimeout(timer);
            resolve({
              child,
              url: parsed.url,
              stdout: () => out,
              stderr: () => err,
              stop() {
                child.kill('SIGTERM');
                return exited;
              },
            });
          }
        } catch {
          // a partial line; wait for the rest
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code} before listening.\nstdout: ${out}\nstderr: ${err}`));
      }
    });
  });
}
