import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { InputError } from '../../errors.js';
import { openIssuerClient, type IssuerClient } from '../../issuer-client/index.js';
import { DEFAULT_LOCAL_PUBLIC_URL } from '../../issuer-client/local.js';
import {
  INVENTORY_FORMATS,
  INVENTORY_STATUSES,
  runInventory,
  trustRequired,
  type InventoryFormat,
  type InventoryTotals,
} from '../../inventory/index.js';
import { ProgressBar } from '../../rotation/progress-bar.js';
import { configuredAnchors, localAnchor, TrustStore, type TrustAnchor } from '../../trust/index.js';
import { VERSION } from '../../version.js';
import { nonEmpty } from '../issuer-options.js';
import { printJson, printNotice } from '../output.js';
import { collect, parseNonNegativeInt, parsePositiveInt } from '../parse.js';
import { runCommand } from '../run-command.js';
import { addLogOptions, logRequirementOf, type LogCliOptions } from '../log-options.js';

interface InventoryCliOptions extends LogCliOptions {
  storePrefix: string[];
  format?: InventoryFormat;
  out?: string;
  checkBinding?: boolean;
  expiringWithin: number;
  concurrency: number;
  dataDir?: string;
  publicUrl?: string;
  trust: string[];
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('inventory')
    .description(
      "The certificate registry: every secret under the given prefixes with its certificate's status (valid, expiring, overdue, expired, revoked, pending, missing, invalid, binding-mismatch, unknown).",
    )
    .requiredOption(
      '-p, --store-prefix <uri>',
      'what to scan; repeat for several: aws-sm://[name-prefix], vault://mount[/path-prefix], file://file-or-directory, gh://owner/repo[/env/name], gh://org, gcp-sm://project[/id-prefix], azure-kv://vault[/name-prefix]',
      collect,
      [],
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        'report format (default: from the --out extension, else md)',
      ).choices([...INVENTORY_FORMATS]),
    )
    .option(
      '-o, --out <file>',
      'write the report to this file (replaced only once complete) instead of stdout',
    )
    .option('--check-binding', "read each credential and check it against its certificate's binding")
    .option(
      '--expiring-within <days>',
      'report valid certificates expiring within this many days as expiring',
      parseNonNegativeInt,
      30,
    )
    .option('--concurrency <n>', 'certificate look-ups in flight at once', parsePositiveInt, 16)
    .option(
      '--data-dir <dir>',
      "look up the local issuer's certificates in this data directory (env PASSGENI_DATA_DIR)",
    )
    .option(
      '--public-url <url>',
      'public URL of that local issuer (env PASSGENI_PUBLIC_URL; default http://127.0.0.1:8787)',
    )
    .option(
      '--trust <issuer=jwks>',
      'trust this issuer: ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST names a file of such lines)',
      collect,
      [],
    );
  addLogOptions(command)
    .option('--json', 'JSON report (same as --format json) and errors as JSON')
    .addHelpText(
      'after',
      `
A certificate URL in a store is only a pointer: a certificate is valid only if its URL is under a
trusted issuer's base and its \`iss\` and signature are that issuer's (--trust, PASSGENI_TRUST, or
the local issuer of --data-dir; at least one is required). Certificates are looked up at their
URLs (public endpoints, no API key), one request per certificate and one JWKS per trusted issuer. Formats: json (a streamed array), jsonl, csv, md, html (one
self-contained page with totals and sortable columns), ics (expiry reminders: an iCalendar event
at each certificate's expiry and rotate_by, alarms 30 and 7 days before; import it or publish it
for a calendar to subscribe to). Doppler and Kubernetes cannot be listed.
--require-log (or --log-key, --witness, --tsa-cert) checks each certificate's inclusion in its
issuer's transparency log as verify does, recording its leaf_index; each checkpoint is verified
once per run. Not proven included is an invalid row with --require-log, a note otherwise.

Examples:
  passgeni inventory --store-prefix vault://secret/prod --store-prefix aws-sm://prod/ --out registry.html
  passgeni inventory --store-prefix file://./config --format csv --check-binding > registry.csv

Exit codes: 0 every secret's certificate is valid, 1 any is not (expiring included: lower
--expiring-within to tolerate it), 2 bad input, 3 a store or the issuer failed.`,
    )
    .action(runCommand((options: InventoryCliOptions) => inventory(options)));
}

function formatFor(options: InventoryCliOptions): InventoryFormat {
  if (options.format) return options.format;
  if (options.json) return 'json';
  const ext = options.out ? extname(options.out).slice(1).toLowerCase() : '';
  const aliases: Record<string, InventoryFormat> = {
    ndjson: 'jsonl',
    markdown: 'md',
    htm: 'html',
    ical: 'ics',
  };
  return aliases[ext] ?? INVENTORY_FORMATS.find((f) => f === ext) ?? 'md';
}

async function inventory(options: InventoryCliOptions): Promise<number> {
  // commander counts the option's empty default as given; an inventory of nothing is a mistake
  if (options.storePrefix.length === 0) {
    throw new InputError(
      'STORE_PREFIX_REQUIRED',
      'Name what to scan: --store-prefix aws-sm://prod/, vault://secret/prod, file://./config (repeat for several).',
    );
  }
  const format = formatFor(options);
  const dataDir = options.dataDir ?? nonEmpty(process.env.PASSGENI_DATA_DIR);
  const publicUrl = options.publicUrl ?? process.env.PASSGENI_PUBLIC_URL ?? DEFAULT_LOCAL_PUBLIC_URL;
  if (options.dataDir !== undefined && !existsSync(resolve(options.dataDir))) {
    throw new InputError('DATA_DIR_NOT_FOUND', `The data directory ${options.dataDir} does not exist.`);
  }
  // A malformed pair, or no trust at all, is found before a store, the issuer or a file is touched.
  const anchors = configuredAnchors(options.trust);
  const hasLocal = dataDir !== undefined && existsSync(resolve(dataDir));
  if (anchors.length === 0 && !hasLocal) throw trustRequired();
  const log = logRequirementOf(options);
  let issuer: IssuerClient | undefined;
  if (hasLocal) {
    issuer = await openIssuerClient({ issuerUrl: 'local', dataDir, publicUrl });
    anchors.unshift(localAnchor(issuer, publicUrl));
  }
  const trust = new TrustStore(anchors);
  const target = options.out ? await openReportFile(options.out) : undefined;
  // An HTML report shows the SHA-256 of its JSON twin; written to a file, the twin goes beside it.
  const twin = format === 'html' && options.out ? await openReportFile(jsonTwinPath(options.out)) : undefined;
  const bar = new ProgressBar(process.stderr, 'inventory', {
    force: process.stderr.isTTY === true && target !== undefined,
  });
  let totals: InventoryTotals;
  try {
    totals = await runInventory({
      prefixes: options.storePrefix,
      format,
      out: target?.stream ?? process.stdout,
      ...(twin && { jsonTwin: twin.stream }),
      producedBy: `passgeni ${VERSION} inventory, run by ${runningUser()} on ${hostname()}`,
      trust: anchors.map(describeAnchor),
      ...(options.checkBinding && { checkBinding: true }),
      expiringWithinDays: options.expiringWithin,
      concurrency: options.concurrency,
      lookup: { trust },
      ...(log && { log }),
      onRow: (_row, running) =>
        bar.update(running.total, undefined, `secrets, ${running.total - running.valid} not valid`),
    });
    bar.finish();
    await twin?.commit();
    await target?.commit();
  } catch (error) {
    bar.finish();
    await twin?.discard();
    await target?.discard();
    throw error;
  } finally {
    await issuer?.close();
  }

  if (options.json && options.out) printJson({ out: options.out, format, totals });
  else if (!options.json) printNotice(summary(totals, options.out));
  return totals.total === totals.valid ? 0 : 1;
}

/** The OS user, or the uid where the system has no name for it (containers often have none). */
function runningUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** `report.html` → `report.json`; any other name gets `.json` appended. */
function jsonTwinPath(out: string): string {
  return extname(out).toLowerCase() === '.html' ? `${out.slice(0, -5)}.json` : `${out}.json`;
}

function describeAnchor(anchor: TrustAnchor): string {
  const keys =
    anchor.keys.kind === 'url'
      ? anchor.keys.url
      : anchor.keys.kind === 'file'
        ? `the key file ${anchor.keys.path}`
        : 'the local issuer';
  return `${anchor.issuer}, keys from ${keys} (${anchor.origin})`;
}

function summary(totals: InventoryTotals, out: string | undefined): string {
  const parts = INVENTORY_STATUSES.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${s}`);
  const found =
    totals.total === 0
      ? 'no secrets found'
      : `${totals.total} secret${totals.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  return `inventory: ${found}${out ? ` (report: ${out})` : ''}`;
}

/**
 * The report goes to a temporary file next to the target and is renamed over it only when
 * complete, so an auditor never opens a truncated registry and a failed run leaves the previous
 * one in place.
 */
async function openReportFile(
  file: string,
): Promise<{ stream: WriteStream; commit(): Promise<void>; discard(): Promise<void> }> {
  const target = resolve(file);
  if (!existsSync(dirname(target))) {
    throw new InputError('OUT_DIR_NOT_FOUND', `The directory of --out ${file} does not exist.`);
  }
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temp, { flags: 'wx' });
  return {
    stream,
    async commit() {
      stream.end();
      await finished(stream);
      await rename(temp, target);
    },
    async discard() {
      // the file is created when the stream opens, which may be after a fast failure: wait for the
      // stream to close, so the file exists (or never will) before it is removed
      if (!stream.closed) {
        await new Promise<void>((done) => {
          stream.once('close', () => done());
          stream.destroy();
        });
      }
      await rm(temp, { force: true });
    },
  };
}
