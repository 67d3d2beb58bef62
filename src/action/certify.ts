import type { SecretStore } from '../../adapters/store.js';
import type { StoreOptions } from '../../adapters/options.js';
import { openStore as openAdapterStore } from '../../adapters/index.js';
import {
  AttestationFailedError,
  CertifyStoreError,
  StoreCheckError,
  certifyAndStore,
  type CertifyReport,
  type CertifyRequest,
  type ProgressEvent,
} from '../engine.js';
import { InputError } from '../errors.js';
import { generateCredential } from '../generate/index.js';
import { MAX_LENGTH } from '../policy/limits.js';
import { MAX_ROTATION_DAYS } from '../policy/rotation.js';
import { CREDENTIAL_KINDS } from '../policy/types.js';
import { Inputs } from './inputs.js';
import { attestCertificate, checkCanAttest, type CertificateAttestation } from './attest.js';
import { issuerBearer, openHttpIssuer } from './issuer.js';
import type { ActionRuntime } from './runtime.js';
import { actionMain, runStep, type Failed } from './step.js';
import { readStoreAccess, resolveStoreOptions, type StoreAccessInputs } from './store-access.js';
import { heading, paragraph, table, type Cell } from './summary.js';

/**
 * The certify-and-store action (action.yml): inputs → engine → outputs and job summary. All the
 * work is the engine's (src/engine.ts); this file only translates, masks and reports. The inputs
 * are read straight into the engine's request fields, so they are the request.
 */
export interface CertifyInputs extends CertifyRequest {
  stores: string[];
  issuerUrl: string;
  /** Absent: the job's OIDC token is used (keyless). */
  apiKey: string | undefined;
  oidcAudience: string | undefined;
  /** Attest the certificate with Sigstore (@actions/attest) before it is stored, so stores record the URL. */
  attest: boolean;
  githubToken: string | undefined;
  outputCredential: boolean;
  showSummary: boolean;
  access: StoreAccessInputs;
}

export interface CertifyDeps {
  runtime: ActionRuntime;
  openStore?: (uri: string, options: StoreOptions) => Promise<SecretStore>;
}

export type CertifyOutcome = { ok: true; report: Omit<CertifyReport, 'credential'> } | Failed;

const MAX_STORES = 20;

export function readCertifyInputs(env: NodeJS.ProcessEnv): CertifyInputs {
  const inputs = new Inputs(env);
  const stores = inputs.lines('store', { required: true });
  if (stores.length > MAX_STORES) {
    throw new InputError(
      'INPUT_INVALID',
      `Input 'store' names ${stores.length} stores; at most ${MAX_STORES} are allowed in one step.`,
    );
  }
  return {
    standard: inputs.required('standard', { maxLength: 100 }),
    stores,
    length: inputs.integer('length', { min: 1, max: MAX_LENGTH }),
    exclude: inputs.string('exclude-characters', { maxLength: 200 }),
    symbols: inputs.string('symbols', { maxLength: 200 }),
    kind: inputs.choice('kind', CREDENTIAL_KINDS),
    rotateEveryDays: inputs.integer('rotate-every-days', { min: 1, max: MAX_ROTATION_DAYS }),
    label: inputs.string('label', { maxLength: 128 }),
    bind: inputs.boolean('bind-credential', false),
    requireFipsMode: inputs.boolean('require-fips-mode', false),
    issuerUrl: inputs.required('issuer-url', { maxLength: 2048 }),
    apiKey: inputs.string('api-key', { maxLength: 4096 }),
    oidcAudience: inputs.string('oidc-audience', { maxLength: 2048 }),
    attest: inputs.boolean('attest', false),
    githubToken: inputs.string('github-token', { maxLength: 10_000 }),
    outputCredential: inputs.boolean('output-credential', false),
    showSummary: inputs.boolean('show-summary', true),
    access: readStoreAccess(inputs),
  };
}

export async function run(inputs: CertifyInputs, deps: CertifyDeps): Promise<CertifyOutcome> {
  const { runtime } = deps;
  // Before anything else can print: the API key, then (inside) the store tokens and OIDC JWT.
  return runStep(
    runtime,
    [inputs.apiKey, inputs.githubToken],
    async () => {
      if (inputs.attest) checkCanAttest(inputs.githubToken, runtime);
      const storeOptions = await resolveStoreOptions(inputs.access, inputs.stores, runtime);
      const issuer = openHttpIssuer(inputs.issuerUrl, await issuerBearer(inputs, runtime), runtime);
      const open = deps.openStore ?? openAdapterStore;
      let report: CertifyReport;
      let attestation: CertificateAttestation | undefined;
      try {
        report = await certifyAndStore(inputs, {
          issuer,
          openStore: (uri) => open(uri, storeOptions),
          // The credential is masked the moment it exists, before any store, log line, error or
          // output could carry it.
          generate: async (policy) => {
            const generated = await generateCredential(policy);
            runtime.mask(generated.password);
            return generated;
          },
          onProgress: (event) => runtime.info(describeProgress(event)),
          ...(inputs.attest && {
            attest: async (cert) =>
              (attestation = await attestCertificate(
                { jwt: cert.certificate, certUrl: cert.cert_url },
                inputs.githubToken,
                runtime,
              )),
          }),
        });
      } finally {
        await issuer.close();
      }
      const { credential, ...published } = report;
      writeOutputs(runtime, published);
      if (inputs.outputCredential) runtime.setOutput('credential', credential);
      if (inputs.showSummary) writeSummary(runtime, published, inputs);
      for (const warning of report.warnings ?? []) runtime.warning(warning);
      if (attestation !== undefined) {
        runtime.setOutput('attestation-url', attestation.url);
        runtime.setOutput('attestation-bundle', JSON.stringify(attestation.bundle));
        if (inputs.showSummary) {
          runtime.appendSummary(
            paragraph(
              `Sigstore attestation of the certificate (signed by this workflow, logged in Rekor): ${attestation.url}`,
            ),
          );
        }
      }
      return { ok: true as const, report: published };
    },
    (error) => {
      if (error instanceof CertifyStoreError) reportStoreFailure(runtime, error, inputs.showSummary);
      if (error instanceof StoreCheckError) reportStoreCheckFailure(runtime, error, inputs.showSummary);
      if (error instanceof AttestationFailedError) runtime.setOutput('stored', '[]');
    },
  );
}

export const main = actionMain(readCertifyInputs, run);

function describeProgress(event: ProgressEvent): string {
  switch (event.step) {
    case 'policy':
      return `Policy: ${event.standard}, ${event.length} characters, ${event.entropyBits} bits of entropy`;
    case 'session':
      return `Asking the issuer at ${event.issuer} for a certificate (parameters only, never the credential)`;
    case 'certificate':
      return `Certificate ${event.certId}: ${event.certUrl}`;
    case 'store':
      return event.ok
        ? `Stored in ${event.store}${event.version ? ` (version ${event.version})` : ''}${event.notice ? `. Note: ${event.notice}` : ''}`
        : `FAILED to store in ${event.store}${event.code ? ` (${event.code})` : ''}`;
    case 'target':
      return `Set the new credential on ${event.target} (${event.account}) and logged in with it`;
    case 'activated':
      return `Certificate ${event.certId} activated: a store holds the credential`;
    case 'attested':
      return `Attested certificate ${event.certId} with Sigstore: ${event.url}`;
    case 'revoked':
      return `Revoked certificate ${event.certId} (reason ${event.reason})`;
  }
}

function writeOutputs(runtime: ActionRuntime, report: Omit<CertifyReport, 'credential'>): void {
  runtime.setOutput('cert-url', report.cert_url);
  runtime.setOutput('cert-id', report.cert_id);
  runtime.setOutput('standards-met', JSON.stringify(report.standards_met));
  runtime.setOutput('entropy-bits', String(report.entropy_bits));
  runtime.setOutput('expires-at', report.expires_at);
  runtime.setOutput('stored', JSON.stringify(report.stored));
}

function storedCells(stored: CertifyReport['stored']): Cell[] {
  return stored.map((s) => ({ text: s.store + (s.version ? ` (version ${s.version})` : ''), code: true }));
}

function writeSummary(
  runtime: ActionRuntime,
  report: Omit<CertifyReport, 'credential'>,
  inputs: CertifyInputs,
): void {
  const rows: Array<[string, Cell | Cell[]]> = [
    ['Certificate', { text: report.cert_id, href: report.cert_url, code: true }],
    ['Standard', report.compliance_standard],
    ['Standards met', report.standards_met.join(', ')],
    ['Entropy', `${report.entropy_bits} bits`],
    ['Expires', report.expires_at],
    ['Stored in', storedCells(report.stored)],
  ];
  if (inputs.label !== undefined) rows.push(['Label', inputs.label]);
  if (inputs.bind) rows.push(['Credential binding', 'scrypt digest in the certificate']);
  runtime.appendSummary(
    heading('PassGeni compliance certificate') +
      table(rows) +
      paragraph(`Verify it at ${report.cert_url}, or offline with the issuer's JWKS (passgeni verify).`),
  );
}

/**
 * Outputs and summary for a run that failed after the certificate was issued: which stores hold
 * the new credential is what the next step (or the person on call) needs to know.
 */
function reportStoreFailure(runtime: ActionRuntime, error: CertifyStoreError, showSummary: boolean): void {
  runtime.setOutput('cert-url', error.certUrl);
  runtime.setOutput('cert-id', error.certId);
  runtime.setOutput('stored', JSON.stringify(error.stored));
  if (!showSummary) return;
  const state =
    error.certificateState === 'revoked'
      ? 'revoked (reason not-stored)'
      : error.certificateState === 'revocation-failed'
        ? 'valid — revoking it failed; revoke it by hand'
        : error.certificateState === 'pending'
          ? error.stored.length
            ? `pending, NOT valid — activate it (passgeni activate ${error.certId}) or the issuer revokes it`
            : 'pending, not valid — the issuer revokes it (not-stored) at its deadline'
          : 'valid (it describes the stored credential)';
  runtime.appendSummary(
    heading(
      error.code === 'ACTIVATION_FAILED'
        ? 'PassGeni: credential stored, certificate not activated'
        : error.stored.length
          ? 'PassGeni: credential only partly stored'
          : 'PassGeni: credential not stored',
    ) +
      table([
        ['Certificate', { text: error.certId, href: error.certUrl, code: true }],
        ['Certificate state', state],
        [
          'Holds the new credential',
          error.stored.length ? storedCells(error.stored) : 'none — every previous secret is unchanged',
        ],
        ['Failed', error.failures.map((f) => ({ text: `${f.store}: ${f.code}`, code: true }))],
      ]),
  );
}

/** A store failed its pre-flight check: nothing was generated, certified or written. */
function reportStoreCheckFailure(runtime: ActionRuntime, error: StoreCheckError, showSummary: boolean): void {
  runtime.setOutput('stored', '[]');
  if (!showSummary) return;
  runtime.appendSummary(
    heading('PassGeni: a store failed its check; nothing was certified') +
      table([
        ['Failed', error.failures.map((f) => ({ text: `${f.store}: ${f.code}`, code: true }))],
        ['Holds a new credential', 'none — nothing was generated, and every previous secret is unchanged'],
      ]),
  );
}
