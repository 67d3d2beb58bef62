import type { Command } from 'commander';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { monitorLog, parseMonitorState } from '../../trust/log-monitor.js';
import type { MonitorReport } from '../../trust/log-monitor.js';
import { printJson, printText } from '../output.js';
import { runCommand } from '../run-command.js';

interface MonitorOptions {
  issuer: string;
  state: string;
  logKey?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const log = program
    .command('log')
    .description("Watch an issuer's transparency log (docs/transparency.md).");
  log
    .command('monitor')
    .description(
      "Check an issuer's transparency log since the last run: the checkpoint's signature, its consistency with the last one seen, and every new entry (well formed, and served identically).",
    )
    .requiredOption('--issuer <url>', "the issuer's base URL")
    .requiredOption(
      '--state <file>',
      'where the last verified checkpoint is kept between runs (created on the first run)',
    )
    .option(
      '--log-key <vkey>',
      "pin the log's verifier key (default: the state's, or the issuer's published one on the first run)",
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Run it on a schedule. The first run trusts the log's current checkpoint and reads every entry;
later runs read only what was appended. The state file is rewritten only after a clean run.

Exit codes: 0 the log is consistent, 1 evidence of tampering (rollback, split view, rewritten
history, edited or missing entries; the evidence is printed), 2 bad input, 3 issuer unreachable.`,
    )
    .action(runCommand((options: MonitorOptions) => monitor(options)));
}

async function monitor(options: MonitorOptions): Promise<number> {
  const state = existsSync(options.state)
    ? parseMonitorState(readState(options.state), options.state)
    : undefined;
  if (state && state.issuer !== options.issuer.trim().replace(/\/+$/, '')) {
    throw new InputError(
      'LOG_STATE_OTHER_ISSUER',
      `${options.state} follows ${state.issuer}, not ${options.issuer}; keep one state file per issuer.`,
    );
  }
  const { report, state: next } = await monitorLog({
    issuerUrl: options.issuer,
    state,
    logKey: options.logKey,
  });
  if (next) {
    // written beside and renamed over, so a crash never leaves half a state file
    writeFileSync(`${options.state}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(`${options.state}.tmp`, options.state);
  }
  if (options.json) printJson(report);
  else printText(describe(report));
  return report.ok ? 0 : 1;
}

function readState(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputError('LOG_STATE_UNREADABLE', `Cannot read the log monitor state ${path}.`);
  }
}

function describe(r: MonitorReport): string {
  if (!r.ok) {
    return [
      `TAMPERING DETECTED in the transparency log of ${r.issuer}`,
      ...r.findings.flatMap((f) => [
        `  - ${f.message} [${f.code}]`,
        `    evidence: ${JSON.stringify(f.evidence)}`,
      ]),
      '  The state file was left as it was: it holds the last checkpoint that verified.',
    ].join('\n');
  }
  const from = r.previous ? `from size ${r.previous.size} ` : '(first run) ';
  return [
    `OK: the transparency log of ${r.issuer} is consistent ${from}to size ${r.current?.size ?? 0}`,
    `  new entries   ${r.new_entries} (${r.issuances} certificates, ${r.revocations} revocations), each well formed and served identically`,
    `  root          ${r.current?.root ?? ''}`,
    `  log key       ${r.log_key}`,
  ].join('\n');
}
