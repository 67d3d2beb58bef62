import { stopOnSignals } from '../lib/signals.js';
import { isAbsolute, resolve } from 'node:path';
import { openStore } from '../../adapters/index.js';
import { InputError, isPassgeniError } from '../errors.js';
import {
  ManifestError,
  inShard,
  loadManifest,
  parseRate,
  parseShard,
  rotateFromManifest,
  rotationCounts,
  rotationScope,
  type FailedEntry,
  type Manifest,
  type RotationProgress,
  type RotationReport,
  type Shard,
  withWrite,
} from '../rotation/index.js';
import { attestCertificate, checkCanAttest } from './attest.js';
import { withActionHint } from './hints.js';
import { actionTrust, Inputs } from './inputs.js';
import { issuerBearer, openHttpIssuer } from './issuer.js';
import type { ActionRuntime } from './runtime.js';
import { actionMain, runStep, type Failed } from './step.js';
import { readStoreAccess, resolveStoreOptions, type StoreAccessInputs } from './store-access.js';
import { escapeHtml } from '../lib/html.js';
import { heading, paragraph, renderCell, type Cell } from './summary.js';

/**
 * The scheduled-rotation action (actions/rotate/action.yml): a rotation manifest in the
 * workspace → the rotation engine (src/rotation/) → outputs and job summary. Deciding what is
 * due, certifying, writing and rate-limiting are the engine's, shared with `passgeni rotate`;
 * this file only translates inputs, masks, and reports.
 */
export interface RotateInputs {
  /** As given: relative to the workspace (or absolute). */
  manifest: string;
  issuerUrl: string;
  /** Absent: the job's OIDC token is used (keyless). */
  apiKey: string | undefined;
  oidcAudience: string | undefined;
  dryRun: boolean;
  shard?: Shard;
  maxRate?: number;
  /** Default: the rotation engine's (30 days, as for `passgeni rotate`). */
  expiringWithinDays?: number;
  /** Issuers trusted besides `issuer-url`: ISSUER_ID=JWKS_URL_OR_FILE pairs, one a line. */
  trust?: string;
  /** Attest each new certificate with Sigstore (@actions/attest) before it is stored. */
  attest: boolean;
  githubToken: string | undefined;
  showSummary: boolean;
  access: StoreAccessInputs;
}

export type RotateOutcome = { ok: boolean; report: RotationReport } | Failed;

/**
 * Rows per summary table. GitHub refuses a step summary over 1 MiB; a few hundred rows of the
 * widest table stay far below it, and the `report` output always lists every entry.
 */
const MAX_SUMMARY_ROWS = 300;
/** Failure groups named in the one error annotation; the rest are counted. */
const MAX_ANNOTATED_FAILURES = 20;

export function readRotateInputs(env: NodeJS.ProcessEnv): RotateInputs {
  const inputs = new Inputs(env);
  const manifest = inputs.required('manifest', { maxLength: 4096 });
  const issuerUrl = inputs.required('issuer-url', { maxLength: 2048 });
  const apiKey = inputs.string('api-key', { maxLength: 4096 });
  const oidcAudience = inputs.string('oidc-audience', { maxLength: 2048 });
  const shard = inputs.string('shard', { maxLength: 20 });
  const maxRate = inputs.string('max-rate', { maxLength: 20 });
  const expiringWithinDays = inputs.integer('expiring-within', { min: 0, max: 36_500 });
  const trust = inputs.string('trust', { maxLength: 100_000 });
  return {
    manifest,
    issuerUrl,
    apiKey,
    oidcAudience,
    dryRun: inputs.boolean('dry-run', false),
    attest: inputs.boolean('attest', false),
    githubToken: inputs.string('github-token', { maxLength: 10_000 }),
    showSummary: inputs.boolean('show-summary', true),
    access: readStoreAccess(inputs),
    ...(shard !== undefined && { shard: readShard(shard) }),
    ...(maxRate !== undefined && { maxRate: parseRate(maxRate) }),
    ...(expiringWithinDays !== undefined && { expiringWithinDays }),
    ...(trust !== undefined && { trust }),
  };
}

/** The engine's parser, with how a matrix passes its shard. */
function readShard(text: string): Shard {
  try {
    return parseShard(text);
  } catch (error) {
    if (!isPassgeniError(error)) throw error;
    throw new InputError(
      'INPUT_INVALID',
      `${error.message} Shards count from 1: a matrix of shard [1, 2, 3] with shard: <matrix value>/3.`,
      { ...(error.hint && { hint: error.hint }) },
    );
  }
}

export async function run(
  inputs: RotateInputs,
  { runtime }: { runtime: ActionRuntime },
): Promise<RotateOutcome> {
  // Before anything else can print: the API key, then (inside resolveStoreOptions, before any
  // store is opened) the store tokens and the OIDC JWT.
  return runStep(
    runtime,
    [inputs.apiKey, inputs.githubToken],
    async () => {
      // a job that cannot attest is refused before anything is certified (a dry run attests nothing)
      if (inputs.attest && !inputs.dryRun) checkCanAttest(inputs.githubToken, runtime);
      const workspace = runtime.env.GITHUB_WORKSPACE || process.cwd();
      // Everything that can be wrong with the input is found before an issuer or a store is touched.
      const manifest = await readManifest(inputs.manifest, workspace);
      const trust = actionTrust(inputs.trust, runtime.env, workspace);
      const selected = manifest.credentials.filter((c) => inShard(c.id, inputs.shard));
      const storeOptions = await resolveStoreOptions(
        inputs.access,
        selected.flatMap((c) => c.stores),
        runtime,
      );
      const written = new Set<string>();
      const issuer = openHttpIssuer(inputs.issuerUrl, await issuerBearer(inputs, runtime), runtime);
      // a cancelled job is signalled: finish what is in flight, start nothing new, report
      const stop = stopOnSignals(() =>
        runtime.warning(
          'The job was cancelled: no further credential is started; those in progress finish and the partial report follows.',
        ),
      );
      let report: RotationReport;
      try {
        report = await rotateFromManifest(manifest, {
          issuer,
          signal: stop.signal,
          // Relative file:// paths are relative to the manifest, as for `passgeni rotate`.
          openStore: async (uri) => {
            const store = await openStore(uri, { ...storeOptions, baseDir: manifest.baseDir });
            // The first point the action sees a new credential: it is masked before any store
            // holds it and before a store's error message or a later step could print it.
            return withWrite(store, (request) => {
              runtime.mask(request.credential);
              written.add(request.credential);
              return store.write(request);
            });
          },
          dryRun: inputs.dryRun,
          trust,
          ...(inputs.shard !== undefined && { shard: inputs.shard }),
          ...(inputs.maxRate !== undefined && { maxRate: inputs.maxRate }),
          ...(inputs.expiringWithinDays !== undefined && { expiringWithinDays: inputs.expiringWithinDays }),
          onProgress: progressLog(runtime, manifest, inputs),
          ...(inputs.attest && {
            attest: (cert) =>
              attestCertificate(
                { jwt: cert.certificate, certUrl: cert.cert_url },
                inputs.githubToken,
                runtime,
              ),
          }),
        });
      } finally {
        stop.dispose();
        await issuer.close();
      }
      assertNoCredential(report, written);
      // Set even when some credentials failed: a later step (or the person on call) acts on the
      // ones that were rotated.
      writeOutputs(runtime, report);
      if (inputs.showSummary) writeSummary(runtime, report);
      runtime.info(rotationCounts(report));
      if (report.failed.length > 0) runtime.setFailed(failureAnnotation(report));
      else if (report.interrupted) {
        runtime.setFailed(
          `The run was stopped before ${report.not_started.length} of ${report.total} credentials were started (${report.not_started.join(', ')}); nothing was done for them. Run the rotation again.`,
        );
      }
      return { ok: report.failed.length === 0 && !report.interrupted, report };
    },
    (error) => {
      if (error instanceof ManifestError && inputs.showSummary) writeManifestSummary(runtime, error);
    },
  );
}

export const main = actionMain(readRotateInputs, run);

/**
 * The manifest input is relative to the workspace: on the runner the action's working directory
 * is the workspace, but nothing checks the repository out for it, so a missing file usually means
 * a missing actions/checkout step. Messages name the path as the user wrote it.
 */
async function readManifest(input: string, workspace: string): Promise<Manifest> {
  try {
    return await loadManifest(isAbsolute(input) ? input : resolve(workspace, input), { source: input });
  } catch (error) {
    if (isPassgeniError(error) && error.details?.errno === 'ENOENT') {
      throw new InputError(
        'MANIFEST_UNREADABLE',
        `No rotation manifest at ${input} in the workspace (${workspace}). The manifest input is a path relative to the workspace: check the repository out first (actions/checkout) and check the path.`,
      );
    }
    throw error;
  }
}

/**
 * The engine's report holds no credential by design (src/rotation/rotate.ts keeps only what is
 * safe to print). The action holds it to that before publishing anything: a step output reaches
 * later steps, and whatever they send it to, as it is; only the log is masked.
 */
function assertNoCredential(report: RotationReport, credentials: ReadonlySet<string>): void {
  const text = JSON.stringify(report);
  for (const credential of credentials) {
    if (text.includes(credential) || text.includes(JSON.stringify(credential).slice(1, -1))) {
      throw new Error(
        'The rotation report holds a credential, so no output or summary was written (a bug in passgeni; please report it). The stores were written: check them with passgeni inventory.',
      );
    }
  }
}

/** One log line per credential as it finishes. */
function progressLog(
  runtime: ActionRuntime,
  manifest: Manifest,
  inputs: RotateInputs,
): (event: RotationProgress) => void {
  return (event) => {
    if (event.type === 'start') {
      const scope = rotationScope({ shard: inputs.shard ?? null, dry_run: event.dryRun });
      runtime.info(
        `Rotation of ${manifest.source}${scope ? ` (${scope})` : ''}: ${event.total} of ${manifest.credentials.length} credential${manifest.credentials.length === 1 ? '' : 's'}${event.dryRun ? '. Dry run: nothing will be issued or written.' : ''}`,
      );
      return;
    }
    const what =
      event.outcome === 'rotated'
        ? `${inputs.dryRun ? 'due' : 'rotated'}${event.reason ? ` (${event.reason})` : ''}`
        : event.outcome === 'skipped'
          ? 'current'
          : 'FAILED';
    runtime.info(`[${event.done}/${event.total}] ${event.id}: ${what}`);
  };
}

function writeOutputs(runtime: ActionRuntime, report: RotationReport): void {
  // The engine's report holds ids, reasons, URLs and store URIs only; never a credential.
  runtime.setOutput('report', JSON.stringify(report));
  runtime.setOutput('rotated', String(report.rotated.length));
  runtime.setOutput('skipped', String(report.skipped.length));
  runtime.setOutput('failed', String(report.failed.length));
  runtime.setOutput('rotated-ids', JSON.stringify(report.rotated.map((e) => e.id)));
  const attested = report.rotated.filter((e) => e.attestation_url !== undefined);
  if (attested.length > 0) {
    runtime.setOutput(
      'attestation-urls',
      JSON.stringify(Object.fromEntries(attested.map((e) => [e.id, e.attestation_url]))),
    );
  }
}

/**
 * The step's one error annotation: which credentials failed and why, grouped by message so that
 * an issuer refusing the API key is said once, not once per credential.
 */
function failureAnnotation(report: RotationReport): string {
  const groups = new Map<string, { ids: string[]; entry: FailedEntry }>();
  for (const entry of report.failed) {
    const key = `${entry.code}\u0000${entry.message}`;
    const group = groups.get(key);
    if (group) group.ids.push(entry.id);
    else groups.set(key, { ids: [entry.id], entry });
  }
  const lines = [...groups.values()]
    .slice(0, MAX_ANNOTATED_FAILURES)
    .map(
      ({ ids, entry }) => `- ${ids.join(', ')}: ${withActionHint(entry.message, entry.hint)} [${entry.code}]`,
    );
  if (groups.size > MAX_ANNOTATED_FAILURES) {
    lines.push(
      `- … ${groups.size - MAX_ANNOTATED_FAILURES} more (the job summary and the report output list every one)`,
    );
  }
  const n = report.failed.length;
  const others = report.dry_run
    ? 'the others were checked'
    : 'the others were rotated or are current (see the rotated-ids output)';
  return [
    `${n} of ${report.total} credential${report.total === 1 ? '' : 's'} ${report.dry_run ? 'could not be checked' : 'could not be rotated'}; ${others}:`,
    ...lines,
  ].join('\n');
}

function certificateCell(url: string | undefined, id?: string): Cell {
  if (!url) return 'none';
  return { text: id ?? url.slice(url.lastIndexOf('/') + 1), href: url, code: true };
}

function storeCells(stores: readonly string[]): Cell[] {
  return stores.length ? stores.map((s) => ({ text: s, code: true })) : ['none'];
}

function writeSummary(runtime: ActionRuntime, report: RotationReport): void {
  const scope = rotationScope(report);
  let text =
    heading(`PassGeni rotation${report.dry_run ? ' (dry run)' : ''}`) +
    paragraph(
      `${report.manifest}${scope ? ` (${scope})` : ''}: ${report.total} credential${report.total === 1 ? '' : 's'}. ${rotationCounts(report)}`,
    );

  if (report.rotated.length) {
    text += heading(report.dry_run ? 'Due' : 'Rotated', 4);
    text += grid(
      ['Credential', 'Reason', report.dry_run ? 'Current certificate' : 'New certificate', 'Stores'],
      report.rotated.map((e) => [
        { text: e.id, code: true },
        [e.reasons.join(', '), e.detail],
        report.dry_run
          ? certificateCell(e.previous_cert_url)
          : e.attestation_url === undefined
            ? certificateCell(e.cert_url, e.cert_id)
            : [
                certificateCell(e.cert_url, e.cert_id),
                { text: 'Sigstore attestation', href: e.attestation_url },
              ],
        storeCells(report.dry_run ? e.stores : e.stored),
      ]),
    );
  }
  if (report.failed.length) {
    text += heading('Failed', 4);
    text += grid(
      ['Credential', 'Code', 'Message'],
      report.failed.map((e) => {
        const message: Cell[] = [withActionHint(e.message, e.hint)];
        if (e.stored?.length) message.push(`The new credential is stored in: ${e.stored.join(', ')}`);
        if (e.cert_url) message.push({ text: `certificate ${e.cert_url}`, href: e.cert_url });
        return [{ text: e.id, code: true }, { text: e.code, code: true }, message];
      }),
    );
  }
  if (report.skipped.length) {
    text += heading('Current', 4);
    text += grid(
      ['Credential', 'Reason', 'Certificate'],
      report.skipped.map((e) => [
        { text: e.id, code: true },
        [e.reason, e.detail],
        certificateCell(e.cert_url),
      ]),
    );
  }
  runtime.appendSummary(text);
}

/** Every problem with its line, so the manifest can be fixed in one go from the run page. */
function writeManifestSummary(runtime: ActionRuntime, error: ManifestError): void {
  runtime.appendSummary(
    heading('PassGeni rotation: invalid manifest') +
      paragraph(
        `${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}; nothing was rotated.`,
      ) +
      grid(
        ['Line', 'Column', 'Where', 'Problem'],
        error.issues.map((i) => [String(i.line), String(i.column), { text: i.path, code: true }, i.message]),
      ),
  );
}

/**
 * A table with a header row (summary.ts has labelled two-column tables only), capped at
 * MAX_SUMMARY_ROWS. Cells follow summary.ts: every value escaped, only http(s) links.
 */
function grid(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<Cell | readonly Cell[]>>,
): string {
  const shown = rows.slice(0, MAX_SUMMARY_ROWS);
  const head = `<tr>${headers.map((h) => `<th align="left">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = shown.map(
    (row) =>
      `<tr>${row
        .map((value) => {
          const cells = Array.isArray(value) ? (value as readonly Cell[]) : [value as Cell];
          return `<td>${cells.map(renderCell).join('<br>')}</td>`;
        })
        .join('')}</tr>`,
  );
  const more =
    rows.length > shown.length
      ? paragraph(`… and ${rows.length - shown.length} more; the report output lists every one.`)
      : '';
  return `<table>\n${[head, ...body].join('\n')}\n</table>\n\n${more}`;
}
