import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `passgeni serve --json …` from source in its own process and waits until it listens. */
export function startServeProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI_ENTRY, 'serve', '--json', '--port', '0', ...args],
      {
        env: { ...process.env, ...env },
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
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
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
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code} before listening.\nstdout: ${out}\nstderr: ${err}`));
      }
    });
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command (api-key …) from source to completion. */
export function runCliEntry(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Waits, if needed, so that the next `seconds` stay inside one clock minute (and hour). */
export async function awayFromWindowEdge(seconds: number): Promise<void> {
  const now = new Date();
  const left = 60 - now.getUTCSeconds() - now.getUTCMilliseconds() / 1000;
  if (left < seconds) await new Promise((r) => setTimeout(r, (left + 0.2) * 1000));
}
