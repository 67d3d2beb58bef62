import { isAbsolute, resolve } from 'node:path';
import type { SecretStore } from '../../adapters/store.js';
import { openStore } from '../../adapters/index.js';
import { loadJwks, parseJwks, type Jwks } from '../certificate/index.js';
import { resolveStandard } from '../policy/lookup.js';
import type { StandardId } from '../policy/types.js';
import { verifyCertificate, type VerifyReport } from '../verification.js';
import { describeLogOutcome, logRequirement, readTsaCertificateFile } from '../trust/transparency.js';
import { TrustStore } from '../trust/index.js';
import { InputError } from '../errors.js';
import { withActionHint } from './hints.js';
import { actionTrust, Inputs } from './inputs.js';
import type { ActionRuntime } from './runtime.js';
import { actionMain, runStep, type Failed } from './step.js';
import { readStoreAccess, resolveStoreOptions, type StoreAccessInputs } from './store-access.js';
import { heading, table, type Cell } from './summary.js';
import { openIssueFor } from './verify-issues.js';

/**
 * The verify action (actions/verify/action.yml): signature, claims, live status at the issuer,
 * optional checks and the optional credential binding, through the shared verification
 * (src/verification.ts). A certificate that does not hold fails the step with the reasons,
 * unless `fail-on-invalid: false` asks only for the outputs (audit jobs that collect statuses).
 */
/** An input left empty is undefined. */
export interface VerifyInputs {
  certificate: string;
  issuerUrl: string | undefined;
  jwks: string | undefined;
  issuerId: string | undefined;
  /** ISSUER_ID=JWKS_URL_OR_FILE pairs, one a line (parsed in `run`, against the workspace). */
  trust: string | undefined;
  requireStandard: string | undefined;
  /** The CI workflow the certificate must come from (its workload claim), as a pattern. */
  requireWorkflow: string | undefined;
  minDaysRemaining: number | undefined;
  credentialFrom: string | undefined;
  /** A missing or bad transparency-log inclusion proof fails (docs/transparency.md). */
  requireLog: boolean;
  /** The log's pinned verifier key; default: the issuer's published one. */
  logKey: string | undefined;
  /** Trusted witnesses' verifier keys, and how many of them must cosign the checkpoint. */
  witnesses: string[];
  requireWitnesses: number | undefined;
  /** The checkpoint must carry an RFC 3161 timestamp that verifies with the TSA certificate. */
  requireTimestamp: boolean;
  /** The TSA certificate: PEM text, or a file in the workspace (read in `run`). */
  tsaCert: string | undefined;
  failOnInvalid: boolean;
  showSummary: boolean;
  /** One GitHub issue per certificate that is not valid or is close to expiry (verify-issues.ts). */
  openIssues: boolean;
  githubToken: string | undefined;
  access: StoreAccessInputs;
}

export type VerifyOutcome = { ok: boolean; report: VerifyReport } | Failed;

export function readVerifyInputs(env: NodeJS.ProcessEnv): VerifyInputs {
  const inputs = new Inputs(env);
  const read: VerifyInputs = {
    certificate: inputs.required('certificate', { maxLength: 20_000 }),
    issuerUrl: inputs.string('issuer-url', { maxLength: 2048 }),
    jwks: inputs.string('jwks', { maxLength: 100_000 }),
    issuerId: inputs.string('issuer-id', { maxLength: 2048 }),
    trust: inputs.string('trust', { maxLength: 100_000 }),
    requireStandard: inputs.string('require-standard', { maxLength: 100 }),
    requireWorkflow: inputs.string('require-workflow', { maxLength: 1024 }),
    minDaysRemaining: inputs.integer('min-days-remaining', { min: 0, max: 36_500 }),
    credentialFrom: inputs.string('credential-from', { maxLength: 2048 }),
    requireLog: inputs.boolean('require-log', false),
    logKey: inputs.string('log-key', { maxLength: 1024 }),
    witnesses: inputs.lines('witnesses'),
    requireWitnesses: inputs.integer('require-witnesses', { min: 0, max: 100 }),
    requireTimestamp: inputs.boolean('require-timestamp', false),
    tsaCert: inputs.string('tsa-cert', { maxLength: 256 * 1024 }),
    failOnInvalid: inputs.boolean('fail-on-invalid', true),
    showSummary: inputs.boolean('show-summary', true),
    openIssues: inputs.boolean('open-issues', false),
    githubToken: inputs.string('github-token', { maxLength: 10_000 }),
    access: readStoreAccess(inputs),
  };
  if (read.openIssues && read.githubToken === undefined) {
    throw new InputError(
      'INPUT_REQUIRED',
      'open-issues: true needs a token that can write issues: leave github-token at its default (${{ github.token }}) and give the job `permissions: { issues: write }`.',
    );
  }
  return read;
}

export async function run(
  inputs: VerifyInputs,
  { runtime }: { runtime: ActionRuntime },
): Promise<VerifyOutcome> {
  return runStep(runtime, [inputs.githubToken], async () => {
    // Checked before any request, so a typo fails with the list of valid standards.
    const requireStandard: StandardId | undefined = inputs.requireStandard
      ? resolveStandard(inputs.requireStandard).id
      : undefined;
    const workspace = runtime.env.GITHUB_WORKSPACE || process.cwd();
    const anchors = actionTrust(inputs.trust, runtime.env, workspace);
    const jwks = inputs.jwks !== undefined ? await readJwks(inputs.jwks, workspace) : undefined;
    const log = logRequirement({
      requireLog: inputs.requireLog,
      logKey: inputs.logKey,
      witnesses: inputs.witnesses,
      requireWitnesses: inputs.requireWitnesses,
      requireTimestamp: inputs.requireTimestamp,
      tsaCertificate: inputs.tsaCert === undefined ? undefined : readTsaCert(inputs.tsaCert, workspace),
    });
    let credentialFrom: SecretStore | undefined;
    if (inputs.credentialFrom !== undefined) {
      const options = await resolveStoreOptions(inputs.access, [inputs.credentialFrom], runtime);
      credentialFrom = await openStore(inputs.credentialFrom, options);
    }
    const report = await verifyCertificate({
      certificate: inputs.certificate,
      issuerBase: inputs.issuerUrl,
      jwks,
      issuerId: inputs.issuerId,
      trust: new TrustStore(anchors),
      checks: { requireStandard, minDaysRemaining: inputs.minDaysRemaining },
      requireWorkflow: inputs.requireWorkflow,
      credentialFrom,
      log,
    });
    writeOutputs(runtime, report);
    if (inputs.showSummary) writeSummary(runtime, report);
    const shown = report.cert_url ?? report.cert_id ?? 'the certificate';
    if (report.valid) {
      runtime.info(
        `Certificate ${shown} is valid${report.live ? ' (live status from its issuer)' : ' (offline check: no live status)'}.`,
      );
      if (report.trust?.source === 'url')
        runtime.warning(
          `No issuer is trusted (input 'trust'), so the certificate's own host ${report.trust.issuer} supplied the keys: anyone who controls that host could make this pass. Pin the issuer with trust: ISSUER_ID=JWKS_URL.`,
        );
      if (!report.live)
        runtime.warning(
          'No issuer was asked for the live status, so a revocation would not show. Give the certificate URL or set issuer-url.',
        );
      if (inputs.openIssues) await openIssueFor(report, inputs, runtime);
      return { ok: true, report };
    }
    const reasons = report.reasons.map((r) => `${withActionHint(r.message, r.hint)} [${r.code}]`).join(' ');
    const message = `Certificate ${shown} does not hold: ${reasons} (certificate status: ${report.status})`;
    if (inputs.failOnInvalid) runtime.setFailed(message);
    else runtime.warning(message);
    // after the verdict, so a GitHub failure is reported as well as it, never instead of it
    if (inputs.openIssues) await openIssueFor(report, inputs, runtime);
    return { ok: false, report };
  });
}

export const main = actionMain(readVerifyInputs, run);

/** PEM text as given (a variable or secret), else a file in the workspace. */
function readTsaCert(value: string, workspace: string): string {
  if (value.includes('-----BEGIN')) return value;
  return readTsaCertificateFile(
    isAbsolute(value) ? value : resolve(workspace, value),
    "Input 'tsa-cert' file",
  );
}

/** Inline JSON, a URL, or a file in the workspace. */
async function readJwks(source: string, workspace: string): Promise<Jwks> {
  if (source.startsWith('{')) return parseJwks(source);
  if (/^https?:\/\//i.test(source)) return loadJwks(source);
  return loadJwks(isAbsolute(source) ? source : resolve(workspace, source));
}

function writeOutputs(runtime: ActionRuntime, report: VerifyReport): void {
  runtime.setOutput('valid', String(report.valid));
  // a requested check that failed (standard, days left, binding) makes the outcome `invalid`, as
  // documented, even though the certificate itself is sound
  runtime.setOutput('status', !report.valid && report.status === 'valid' ? 'invalid' : report.status);
  runtime.setOutput('claims', report.claims ? JSON.stringify(report.claims) : '');
  runtime.setOutput('cert-id', report.cert_id ?? '');
  runtime.setOutput('cert-url', report.cert_url ?? '');
  runtime.setOutput('reasons', JSON.stringify(report.reasons));
  runtime.setOutput('binding', report.binding);
  runtime.setOutput('trust', report.trust ? JSON.stringify(report.trust) : '');
  const log = report.log;
  const included = log?.status === 'included';
  runtime.setOutput('log', log ? JSON.stringify(log) : '');
  runtime.setOutput('leaf-index', included ? String(log.leaf_index) : '');
  runtime.setOutput('tree-size', included ? String(log.tree_size) : '');
  runtime.setOutput('cosigned-by', log?.cosigned_by ? JSON.stringify(log.cosigned_by) : '');
  runtime.setOutput('timestamped-at', included ? (log.timestamped_at ?? '') : '');
}

function writeSummary(runtime: ActionRuntime, report: VerifyReport): void {
  const claims = report.claims;
  const rows: Array<[string, Cell | Cell[]]> = [
    [
      'Certificate',
      report.cert_url
        ? { text: report.cert_id ?? report.cert_url, href: report.cert_url, code: true }
        : { text: report.cert_id ?? 'unknown', code: true },
    ],
    ['Result', report.valid ? 'valid' : 'does not hold'],
    ['Status', `${report.status}${report.live ? '' : ' (offline: no live status)'}`],
  ];
  if (claims) {
    rows.push(
      ['Standard', claims.compliance_standard],
      ['Standards met', claims.standards_met.join(', ')],
      ['Entropy', `${claims.entropy_bits} bits`],
      ['Expires', new Date(claims.exp * 1000).toISOString()],
      ['Issuer', claims.iss],
    );
  }
  if (report.revoked_at)
    rows.push([
      'Revoked',
      `${report.revoked_at}${report.revocation_reason ? ` (${report.revocation_reason})` : ''}`,
    ]);
  if (report.binding !== 'not-checked') rows.push(['Credential binding', report.binding]);
  if (report.trust)
    rows.push([
      'Trust',
      report.trust.source === 'url'
        ? `the certificate's own host ${report.trust.issuer} (no trusted issuer configured)`
        : report.trust.source === 'issuer-url'
          ? `issuer-url ${report.trust.issuer} (its issuer id is not pinned)`
          : `${report.trust.issuer} (${report.trust.source})`,
    ]);
  if (report.log) rows.push(['Transparency log', describeLogOutcome(report.log)]);
  if (report.reasons.length)
    rows.push(['Reasons', report.reasons.map((r) => `${r.code}: ${withActionHint(r.message, r.hint)}`)]);
  runtime.appendSummary(heading('PassGeni certificate verification') + table(rows));
}
