import { runNode } from '../../support/cli.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ActionManifest {
  name: string;
  description: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string };
}

export function readManifest(file: string): ActionManifest {
  return parse(readFileSync(file, 'utf8')) as ActionManifest;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  /** GITHUB_ENV and GITHUB_STATE as written (the actions write neither). */
  envFile: string;
  stateFile: string;
}

export interface RunOptions {
  /** The step's `with:` values; keys not given get the action.yml default, as on the runner. */
  with?: Record<string, string>;
  /** Extra environment (the step's `env:`), on top of a clean runner-like environment. */
  env?: Record<string, string | undefined>;
  workspace?: string;
  /** Leave GITHUB_OUTPUT unset, as on runners that predate output files. */
  noOutputFile?: boolean;
  timeoutMs?: number;
}

/**
 * Runs a bundled action the way the runner's node handler does: the node binary on `runs.main`
 * (resolved against the action's directory), every declared input as `INPUT_<NAME>` (name
 * upper-cased, spaces to `_`, dashes kept; the value given in `with:`, else the evaluated default,
 * else empty), the file-command files, RUNNER_TEMP, and the workspace as the working directory.
 */
export async function runAction(actionYml: string, options: RunOptions = {}): Promise<RunResult> {
  const manifest = readManifest(actionYml);
  const entry = resolve(dirname(actionYml), manifest.runs.main);
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), 'passgeni-ws-'));
  const runnerDir = mkdtempSync(join(tmpdir(), 'passgeni-runner-'));
  const files = {
    GITHUB_OUTPUT: join(runnerDir, 'output'),
    GITHUB_STEP_SUMMARY: join(runnerDir, 'summary'),
    GITHUB_ENV: join(runnerDir, 'env'),
    GITHUB_STATE: join(runnerDir, 'state'),
    GITHUB_PATH: join(runnerDir, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const runnerTemp = join(runnerDir, 'temp');
  mkdirSync(runnerTemp);

  const given = options.with ?? {};
  for (const name of Object.keys(given)) {
    if (!manifest.inputs || !(name in manifest.inputs))
      throw new Error(`${actionYml} declares no input ${name}`);
  }
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
    const value =
      name in given
        ? given[name]
        : spec.default === undefined || spec.default === null
          ? ''
          : String(spec.default);
    inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value ?? '';
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo-org/app',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    ...files,
    ...inputEnv,
  };
  if (options.noOutputFile) delete env.GITHUB_OUTPUT;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const { code, stdout, stderr } = await runNode([entry], {
    cwd: workspace,
    env,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const result: RunResult = {
    code,
    stdout,
    stderr,
    outputs: options.noOutputFile ? {} : parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    workspace,
    envFile: readFileSync(files.GITHUB_ENV, 'utf8'),
    stateFile: readFileSync(files.GITHUB_STATE, 'utf8'),
  };
  rmSync(runnerDir, { recursive: true, force: true });
  return result;
}

/**
 * The runner's reading of GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` heredocs whose
 * value runs until a line that is exactly the delimiter.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`output ${name}: heredoc never closed`);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`unparseable output line: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** The escaped form a value takes inside a workflow command. */
export function commandEscaped(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * The runner redacts a secret from every line after its `::add-mask::` command. So a secret may
 * appear on stdout only inside its own add-mask line, that line must come before any other line
 * that mentions it, and it must never reach stderr (which the runner logs too).
 */
export function expectMaskedFirst(
  result: Pick<RunResult, 'stdout' | 'stderr'>,
  secret: string,
  /** Lines allowed to carry it after the mask (e.g. the `::set-output` fallback). */
  allowedAfterMask: (line: string) => boolean = () => false,
): void {
  const forms = [...new Set([secret, commandEscaped(secret)])];
  const lines = result.stdout.split('\n');
  const maskLine = lines.findIndex((l) => l === `::add-mask::${commandEscaped(secret)}`);
  if (maskLine < 0) throw new Error('the secret was never masked');
  lines.forEach((line, index) => {
    if (index === maskLine) return;
    if (index > maskLine && allowedAfterMask(line)) return;
    if (forms.some((f) => line.includes(f))) {
      throw new Error(
        `stdout line ${index + 1} carries the secret${index < maskLine ? ' before it was masked' : ' outside its add-mask command'}: ${line.startsWith('::add-mask::') ? '(an add-mask of a larger value)' : '(redacted)'}`,
      );
    }
  });
  if (forms.some((f) => result.stderr.includes(f))) throw new Error('stderr carries the secret');
}

/**
 * What a checkout of the action holds — the action.yml files and dist/action — copied to a
 * directory of its own, as the runner has it. Tests run the copy: it proves the bundles need
 * nothing else, and a rebuild of dist/ by another test run in the same tree cannot pull files
 * from under a running test.
 */
export function copyActions(): string {
  const copy = mkdtempSync(join(tmpdir(), 'passgeni-action-copy-'));
  for (let attempt = 1; ; attempt++) {
    try {
      cpSync(join(ROOT, 'action.yml'), join(copy, 'action.yml'));
      for (const name of ['verify', 'revoke', 'rotate']) {
        mkdirSync(join(copy, 'actions', name), { recursive: true });
        cpSync(join(ROOT, 'actions', name, 'action.yml'), join(copy, 'actions', name, 'action.yml'));
      }
      rmSync(join(copy, 'dist'), { recursive: true, force: true });
      cpSync(join(ROOT, 'dist', 'action'), join(copy, 'dist', 'action'), { recursive: true });
      const built = ['certify.js', 'verify.js', 'revoke.js', 'rotate.js', 'chunks', 'licenses.txt'];
      if (built.every((f) => existsSync(join(copy, 'dist', 'action', f)))) return copy;
    } catch (error) {
      if (attempt >= 20) throw error;
    }
    if (attempt >= 20) throw new Error('dist/action is incomplete; run npm run build');
    // dist/ is being rebuilt right now (rebuilds start from an empty directory): try again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

const COPY = copyActions();
export const ACTION_YML = join(COPY, 'action.yml');
export const VERIFY_YML = join(COPY, 'actions/verify/action.yml');
export const REVOKE_YML = join(COPY, 'actions/revoke/action.yml');
export const ROTATE_YML = join(COPY, 'actions/rotate/action.yml');
