import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openIssuerClient, type IssuerClient } from '../../issuer-client/index.js';
import { DEFAULT_DATA_DIR, DEFAULT_LOCAL_PUBLIC_URL } from '../../issuer-client/local.js';
import {
  loadManifest,
  parseRate,
  parseShard,
  rotateFromManifest,
  rotationCounts,
  rotationExitCode,
  rotationScope,
  type RotationReport,
} from '../../rotation/index.js';
import { ProgressBar } from '../../rotation/progress-bar.js';
import { VERSION } from '../../version.js';
import { withCliHint } from '../hints.js';
import { addIssuerOptions, issuerSelection, type IssuerCliOptions } from '../issuer-options.js';
import { printJson, printNotice, printText } from '../output.js';
import { stopOnSignals } from '../../lib/signals.js';
import { collect, parseNonNegativeInt, parsePositiveInt } from '../parse.js';
import { configuredAnchors } from '../../trust/index.js';
import { runCommand } from '../run-command.js';

interface RotateCliOptions extends IssuerCliOptions {
  manifest: string;
  dryRun?: boolean;
  shard?: string;
  maxRate?: string;
  expiringWithin: number;
  concurrency: number;
  trust: string[];
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('rotate')
    .description(
      'Rotate what a manifest (passgeni.yml) says is due: missing, invalid, revoked, expired or expiring certificates, credentials older than their period, a changed standard, stores that disagree.',
    )
    .option('-m, --manifest <file>', 'the rotation manifest', 'passgeni.yml')
    .option('--dry-run', 'decide and report what would be rotated and why; issue and write nothing')
    .option('--shard <i/n>', 'rotate only shard I of N (1-based), for a matrix of runners')
    .option('--max-rate <r>', 'cap writes to every kind of store at R per second')
    .option(
      '--expiring-within <days>',
      'rotate certificates expiring within this many days',
      parseNonNegativeInt,
      30,
    )
    .option('--concurrency <n>', 'credentials checked and rotated at the same time', parsePositiveInt, 8)
    .option(
      '--trust <issuer=jwks>',
      'also trust this issuer (the one rotating is always trusted): ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST)',
      collect,
      [],
    );
  addIssuerOptions(command)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Each credential's first store is read for its current certificate URL, and the certificate is
verified (signature, claims, live revocation status) against the trusted issuers: the issuer
rotating (as its /.well-known/passgeni-issuer describes it, or the local issuer's own keys) and any
--trust / PASSGENI_TRUST. A URL pointing anywhere else is only a pointer: the certificate counts as
invalid and the credential is rotated. Manifest format, due reasons, sharding and
rate limits: docs/rotation.md. Default write rates per store kind: AWS 16/s, Vault 100/s,
Kubernetes 20/s, Doppler 0.5/s, files unlimited; --max-rate lowers them all.

Examples:
  passgeni rotate --manifest passgeni.yml --dry-run
  passgeni rotate --manifest passgeni.yml --shard 2/3 --issuer-url https://certs.example.com --json

Exit codes: 0 everything current or rotated, 2 the manifest or a flag is invalid (nothing was
rotated), 3 some credentials failed (the others were still rotated; the report says which and why).`,
    )
    .action(runCommand((options: RotateCliOptions) => rotate(options)));
}

async function rotate(options: RotateCliOptions): Promise<number> {
  // Everything that can be wrong with the input is found before an issuer or a store is touched.
  const manifest = await loadManifest(options.manifest);
  const shard = options.shard !== undefined ? parseShard(options.shard) : undefined;
  const maxRate = options.maxRate !== undefined ? parseRate(options.maxRate) : undefined;
  const trust = configuredAnchors(options.trust);
  const selection = issuerSelection(options);
  const local = !selection.issuerUrl || selection.issuerUrl === 'local';
  // A dry run must change nothing, and opening a local issuer that does not exist yet would
  // create its data directory and signing key.
  const skipIssuer =
    options.dryRun === true && local && !existsSync(resolve(selection.dataDir ?? DEFAULT_DATA_DIR));
  let issuer: IssuerClient | undefined;
  if (!skipIssuer) issuer = await openIssuerClient({ ...selection, userAgent: `passgeni-cli/${VERSION}` });
  const bar = new ProgressBar(process.stderr, options.dryRun ? 'checking' : 'rotating');
  let rotated = 0;
  let failed = 0;
  const stop = stopOnSignals(() =>
    printNotice(
      'passgeni: stopping: no further credential is started; those in progress finish and the partial report follows. Signal again to exit at once.',
    ),
  );
  try {
    const report = await rotateFromManifest(manifest, {
      signal: stop.signal,
      ...(issuer !== undefined && { issuer }),
      ...(local && { issuerPublicUrl: selection.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL }),
      dryRun: options.dryRun === true,
      trust,
      ...(shard !== undefined && { shard }),
      ...(maxRate !== undefined && { maxRate }),
      expiringWithinDays: options.expiringWithin,
      concurrency: options.concurrency,
      onProgress: (event) => {
        if (event.type !== 'done') return;
        if (event.outcome === 'rotated') rotated++;
        if (event.outcome === 'failed') failed++;
        bar.update(
          event.done,
          event.total,
          `${rotated} ${options.dryRun ? 'due' : 'rotated'}, ${failed} failed`,
        );
      },
    });
    bar.finish();
    // JSON is the report as data (a failure's hint included); the text words hints as flags.
    if (options.json) printJson(report);
    else printText(describe(report));
    return rotationExitCode(report);
  } finally {
    stop.dispose();
    bar.finish();
    await issuer?.close();
  }
}

function describe(report: RotationReport): string {
  const scope = rotationScope(report);
  const lines = [
    `Rotation of ${report.manifest}${scope ? ` (${scope})` : ''}: ${report.total} credential${report.total === 1 ? '' : 's'}`,
  ];
  const width = Math.max(
    8,
    ...[...report.rotated, ...report.skipped, ...report.failed].map((e) => e.id.length),
  );
  for (const entry of report.rotated) {
    const verb = report.dry_run ? 'WOULD ROTATE' : 'ROTATED';
    lines.push(`  ${verb.padEnd(12)} ${entry.id.padEnd(width)} ${entry.reason}: ${entry.detail}`);
    if (entry.cert_url)
      lines.push(
        `  ${''.padEnd(12)} ${''.padEnd(width)} new certificate ${entry.cert_url} in ${entry.stored.join(', ')}`,
      );
  }
  for (const entry of report.failed) {
    const message = withCliHint(entry.message, entry.hint);
    lines.push(`  ${'FAILED'.padEnd(12)} ${entry.id.padEnd(width)} ${message} [${entry.code}]`);
  }
  for (const entry of report.skipped) {
    lines.push(`  ${'current'.padEnd(12)} ${entry.id.padEnd(width)} ${entry.detail}`);
  }
  for (const id of report.not_started) {
    lines.push(
      `  ${'NOT STARTED'.padEnd(12)} ${id.padEnd(width)} the run was stopped before this credential`,
    );
  }
  lines.push(rotationCounts(report));
  return lines.join('\n');
}
