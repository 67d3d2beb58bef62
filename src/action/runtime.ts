import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { maskablePieces } from './mask.js';

/**
 * The runner's side of an action step, spoken directly: workflow commands on stdout
 * (`::add-mask::`, `::error::`, …) and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 *
 * Why not @actions/core: it is the well-kept choice, but importing it loads its HTTP client and
 * undici: +111 ms on its own under Node 24 on the reference machine, and 119 ms more before the
 * certify action reaches its issuer (docs/performance.md, "Action start-up") — more than the
 * whole start-up budget of the entry.
 * What the entries need from it is a few lines of a stable, documented protocol. The one part
 * that is more than that, requesting GitHub's OIDC token, still uses @actions/core, imported
 * only when a step needs the token (src/action/oidc.ts).
 */
export interface ActionRuntime {
  readonly env: NodeJS.ProcessEnv;
  /** Registers a secret with the runner so it is redacted from every later log line. */
  mask(value: string | undefined): void;
  setOutput(name: string, value: string): void;
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group(title: string): void;
  endGroup(): void;
  /** The step's one failure: an error annotation and exit code 1. */
  setFailed(message: string): void;
  /** Appends Markdown/HTML to the job summary (GITHUB_STEP_SUMMARY); false when there is none. */
  appendSummary(text: string): boolean;
  readonly failed: boolean;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Where stdout lines go; default process.stdout (a synchronous write on pipes and files). */
  write?: (text: string) => void;
}

export function createRuntime(options: RuntimeOptions = {}): ActionRuntime {
  return new RunnerRuntime(
    options.env ?? process.env,
    options.write ?? ((text) => void process.stdout.write(text)),
  );
}

class RunnerRuntime implements ActionRuntime {
  private readonly masked = new Set<string>();
  private hasFailed = false;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    private readonly write: (text: string) => void,
  ) {}

  get failed(): boolean {
    return this.hasFailed;
  }

  mask(value: string | undefined): void {
    if (value === undefined) return;
    for (const piece of maskablePieces(value)) {
      if (this.masked.has(piece)) continue;
      this.masked.add(piece);
      this.command('add-mask', piece);
    }
  }

  setOutput(name: string, value: string): void {
    const file = this.env.GITHUB_OUTPUT;
    if (file) {
      // A random delimiter per value, so a value can never end the heredoc early.
      const delimiter = `ghadelimiter_${randomUUID()}`;
      if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`The output ${name} contains its own delimiter.`);
      }
      appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, 'utf8');
      return;
    }
    // Runners without output files still understand the old command; it goes to stdout, which is
    // why every secret is masked before any output is set.
    this.write('\n');
    this.command('set-output', value, { name });
  }

  info(message: string): void {
    this.write(`${message}\n`);
  }

  notice(message: string): void {
    this.command('notice', message);
  }

  warning(message: string): void {
    this.command('warning', message);
  }

  debug(message: string): void {
    this.command('debug', message);
  }

  group(title: string): void {
    this.command('group', title);
  }

  endGroup(): void {
    this.command('endgroup', '');
  }

  setFailed(message: string): void {
    this.hasFailed = true;
    process.exitCode = 1;
    this.command('error', message);
  }

  appendSummary(text: string): boolean {
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (!file) return false;
    appendFileSync(file, text, 'utf8');
    return true;
  }

  private command(name: string, data: string, properties: Record<string, string> = {}): void {
    const props = Object.entries(properties)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${escapeProperty(v)}`)
      .join(',');
    this.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(data)}\n`);
  }
}

/** Workflow-command data: the runner decodes these three escapes, so a value stays one line. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
