import {
  openStore as openAdapterStore,
  openStoreLister,
  parseStorePrefix,
  parseStoreUri,
  type StoreOptions,
} from '../../adapters/index.js';
import type { ListableStore, SecretStore, StoredSecretRef } from '../../adapters/store.js';
import { InputError, errorMessage, isPassgeniError } from '../errors.js';
import { DAY_MS } from '../lib/time.js';
import {
  CertificateLookup,
  certificateState,
  type CertificateLookupOptions,
  type LookupOutcome,
} from '../rotation/lookup.js';
import type { BindingOutcome, VerifyReport } from '../verification.js';
import { describeLogOutcome, LogCheckCache, type LogRequirement } from '../trust/transparency.js';
import { mapConcurrent } from '../lib/concurrency.js';

/**
 * The certificate registry (DESIGN §8): every secret under the given prefixes, with the status of
 * the certificate its metadata points at. A pipeline of async generators — list → look up (a
 * bounded number at a time) → row — so a scan of 10,000 secrets holds a few dozen in memory.
 */
export const INVENTORY_STATUSES = [
  'valid',
  'expiring',
  'overdue',
  'expired',
  'revoked',
  'pending',
  'missing',
  'invalid',
  'binding-mismatch',
  'unknown',
] as const;
export type InventoryStatus = (typeof INVENTORY_STATUSES)[number];

export interface InventoryRow {
  store: string;
  status: InventoryStatus;
  cert_url: string | null;
  /** The standard the certificate was issued for. */
  standard: string | null;
  standards_met: string[];
  expires_at: string | null;
  /** The recommended rotation date; null when the standard says change on compromise only. */
  rotate_by: string | null;
  label: string | null;
  /** The CI workflow that requested the certificate (its issuer-verified workload), when it has one. */
  workflow: string | null;
  cert_id: string | null;
  generated_at: string | null;
  /** `not-checked` unless --check-binding. */
  binding: BindingOutcome;
  /** Why the status is what it is, when that needs saying (always when not `valid`). */
  detail: string;
  /**
   * The system the secret is rotated on, as its store recorded it (display form: no password,
   * admin user or parameter); null when none is recorded or the store cannot record one.
   */
  target: string | null;
  /**
   * The certificate's index in its issuer's transparency log, when the log was checked (--require-log,
   * --log-key, …) and proved it included; else null.
   */
  leaf_index: number | null;
}

export interface InventoryOptions {
  prefixes: readonly string[];
  /** Options for opening listers and (for --check-binding) stores. */
  storeOptions?: StoreOptions;
  openLister?: (prefix: string) => Promise<ListableStore>;
  openStore?: (uri: string) => Promise<SecretStore>;
  /** Read each credential and check it against the certificate's binding. */
  checkBinding?: boolean;
  /** A valid certificate expiring within this many days is `expiring`. Default 30. */
  expiringWithinDays?: number;
  /** Certificate look-ups in flight at once. Default 16. */
  concurrency?: number;
  /** The trusted issuers (required: a certificate URL found in a store proves nothing by itself). */
  lookup: CertificateLookupOptions;
  /**
   * Check each certificate's inclusion in its issuer's transparency log, as `verify` does. Not
   * proven included is an `invalid` row when required, a note in the detail otherwise.
   */
  log?: LogRequirement | undefined;
  now?: () => number;
}

export async function* scanInventory(options: InventoryOptions): AsyncGenerator<InventoryRow> {
  // Every prefix is checked before anything is listed, so a typo fails before a report starts.
  for (const prefix of options.prefixes) parseStorePrefix(prefix);
  if (options.lookup.trust.empty) throw trustRequired();
  const now = options.now ?? Date.now;
  // one cache for the run: each issuer's log key fetched, each checkpoint verified, once
  const log = options.log && { ...options.log, cache: options.log.cache ?? new LogCheckCache() };
  const lookup = new CertificateLookup({ now, ...options.lookup, ...(log && { log }) });
  const openLister =
    options.openLister ?? ((prefix: string) => openStoreLister(prefix, options.storeOptions));
  const openStore = options.openStore ?? ((uri: string) => openAdapterStore(uri, options.storeOptions));
  const expiringMs = (options.expiringWithinDays ?? 30) * DAY_MS;

  yield* mapConcurrent(listAll(options.prefixes, openLister), options.concurrency ?? 16, (entry) =>
    'failedPrefix' in entry
      ? Promise.resolve(listingFailed(entry))
      : inspect(entry, lookup, openStore, options.checkBinding === true, now, expiringMs),
  );
}

type Listed = StoredSecretRef | { failedPrefix: string; error: unknown };

/**
 * A prefix that cannot be listed (access denied, network) becomes one `unknown` row and the scan
 * goes on: a registry must show that something was not covered, not silently leave it out.
 */
async function* listAll(
  prefixes: readonly string[],
  openLister: (prefix: string) => Promise<ListableStore>,
): AsyncGenerator<Listed> {
  for (const prefix of prefixes) {
    try {
      const lister = await openLister(prefix);
      yield* lister.list();
    } catch (error) {
      yield { failedPrefix: prefix, error };
    }
  }
}

function emptyRow(
  store: string,
  status: InventoryStatus,
  certUrl: string | undefined,
  detail: string,
  target?: string,
): InventoryRow {
  return {
    store,
    status,
    cert_url: certUrl ?? null,
    standard: null,
    standards_met: [],
    expires_at: null,
    rotate_by: null,
    label: null,
    workflow: null,
    cert_id: null,
    generated_at: null,
    binding: 'not-checked',
    detail,
    target: target ?? null,
    leaf_index: null,
  };
}

function listingFailed(entry: { failedPrefix: string; error: unknown }): InventoryRow {
  const code = isPassgeniError(entry.error) ? ` [${entry.error.code}]` : '';
  return emptyRow(
    entry.failedPrefix,
    'unknown',
    undefined,
    `Could not list this prefix: ${errorMessage(entry.error)}${code}`,
  );
}

async function inspect(
  ref: StoredSecretRef,
  lookup: CertificateLookup,
  openStore: (uri: string) => Promise<SecretStore>,
  checkBinding: boolean,
  now: () => number,
  expiringMs: number,
): Promise<InventoryRow> {
  if (ref.certUrl === undefined) {
    return emptyRow(
      ref.uri,
      'missing',
      undefined,
      'No certificate URL is attached to this secret.',
      ref.target,
    );
  }
  let credentialFrom: SecretStore | undefined;
  let bindingNote = '';
  if (checkBinding) {
    try {
      // A listed secret without a key (a whole AWS secret, a Vault path never certified) has no
      // single credential to check.
      parseStoreUri(ref.uri);
      credentialFrom = await openStore(ref.uri);
    } catch (error) {
      bindingNote = ` The binding was not checked: ${errorMessage(error)}`;
    }
  }
  let found: LookupOutcome = await lookup.check(ref.certUrl, credentialFrom);
  if (found.kind === 'error' && credentialFrom !== undefined) {
    // Perhaps only reading the credential failed: the certificate itself is still worth checking.
    bindingNote = ` The binding was not checked: ${found.message}`;
    found = await lookup.check(ref.certUrl);
  }
  switch (found.kind) {
    case 'malformed':
    case 'not-found':
      return emptyRow(ref.uri, 'invalid', ref.certUrl, found.message, ref.target);
    case 'error':
      return emptyRow(
        ref.uri,
        'unknown',
        ref.certUrl,
        `Could not check the certificate: ${found.message} [${found.code}]`,
        ref.target,
      );
    case 'verified':
      break;
  }
  const { report } = found;
  const claims: Record<string, unknown> | undefined = report.claims
    ? (report.claims as unknown as Record<string, unknown>)
    : found.expiredClaims;
  const exp = typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  // version 2 keeps the client's statements (label, generation time) apart, under `asserted`
  const said = isRecord(claims?.asserted) ? claims.asserted : claims;
  const row: InventoryRow = {
    store: ref.uri,
    status: 'valid',
    cert_url: report.cert_url ?? ref.certUrl,
    standard: typeof claims?.compliance_standard === 'string' ? claims.compliance_standard : null,
    standards_met: Array.isArray(claims?.standards_met)
      ? claims.standards_met.filter((s): s is string => typeof s === 'string')
      : [],
    expires_at: exp !== undefined && Number.isFinite(exp) ? new Date(exp).toISOString() : null,
    rotate_by: typeof claims?.rotate_by === 'string' ? claims.rotate_by : null,
    label: typeof said?.label === 'string' ? said.label : null,
    workflow: workflowOf(claims?.workload),
    cert_id: report.cert_id ?? null,
    generated_at: typeof said?.generated_at === 'string' ? said.generated_at : null,
    binding: report.binding,
    detail: '',
    target: ref.target ?? null,
    leaf_index: report.log?.status === 'included' ? (report.log.leaf_index ?? null) : null,
  };
  // The binding column already says "not-bound"; repeating it would bury the reason that matters.
  const reasons = report.reasons
    .filter((r) => r.code !== 'NOT_BOUND' && !isLogReason(r.code))
    .map((r) => r.message)
    .join(' ');
  const state = certificateState(report, claims !== undefined, exp, now());
  if (state === 'revoked') {
    row.status = 'revoked';
    row.detail = reasons;
  } else if (state === 'pending') {
    row.status = 'pending';
    row.detail = reasons;
  } else if (state === 'invalid') {
    row.status = 'invalid';
    row.detail = reasons || `The certificate does not verify (${report.status}).`;
  } else if (state === 'expired') {
    row.status = 'expired';
    row.detail = reasons || `The certificate expired on ${row.expires_at}.`;
  } else if (
    report.log !== undefined &&
    report.log.status !== 'included' &&
    report.reasons.some((r) => isLogReason(r.code))
  ) {
    // required and not proven: like a requested check that failed in `verify`, the row is invalid
    row.status = 'invalid';
    row.detail = reasons;
  } else if (
    report.binding === 'mismatch' ||
    report.binding === 'not-found' ||
    report.reasons.some((r) => r.code === 'CREDENTIAL_PARAMS_MISMATCH')
  ) {
    row.status = 'binding-mismatch';
    row.detail = reasons;
  } else if (report.reasons.some((r) => r.code === 'ROTATION_OVERDUE')) {
    // the standard's rotation period has passed: the credential no longer meets it
    row.status = 'overdue';
    row.detail = reasons;
  } else if (exp !== undefined && exp - now() <= expiringMs) {
    row.status = 'expiring';
    row.detail = `The certificate expires on ${row.expires_at}; rotate and re-certify before then.`;
  } else if (changedAfterCertificate(ref, claims?.iat) !== undefined) {
    row.status = 'binding-mismatch';
    row.detail = changedAfterCertificate(ref, claims?.iat) ?? '';
  } else if (report.binding === 'not-bound') {
    // Valid: the certificate simply carries no binding to check against.
    row.detail = 'The certificate has no credential binding (certify with --bind to make it checkable).';
  }
  row.detail += bindingNote + logNote(report);
  row.detail = row.detail.trim();
  return row;
}

const LOG_REASONS = new Set(['LOG_PROOF_MISSING', 'LOG_PROOF_INVALID', 'LOG_WITNESSES_MISSING']);

function isLogReason(code: string): boolean {
  return LOG_REASONS.has(code) || code.startsWith('TIMESTAMP_');
}

/** What the log check found, when it did not prove the certificate included (required or not). */
function logNote(report: VerifyReport): string {
  const log = report.log;
  if (log === undefined || log.status === 'included') return '';
  const code = log.code ?? (log.status === 'invalid' ? 'LOG_PROOF_INVALID' : 'LOG_PROOF_MISSING');
  return ` Transparency log: ${describeLogOutcome(log)} [${code}]`;
}

/** A write stamps the value, then its URL; this much clock difference between the two is normal. */
const STAMP_SKEW_MS = 60_000;

/**
 * For stores that cannot give a value back (GitHub), the dates stand in for the binding check: a
 * value changed after its certificate URL was attached, or before the certificate was issued, is
 * not the certified credential. Says why, or undefined when the dates are consistent or unknown.
 */
function changedAfterCertificate(ref: StoredSecretRef, iat: unknown): string | undefined {
  const changed = ref.valueUpdatedAt === undefined ? NaN : Date.parse(ref.valueUpdatedAt);
  if (Number.isNaN(changed)) return undefined;
  const attached = ref.certAttachedAt === undefined ? NaN : Date.parse(ref.certAttachedAt);
  if (!Number.isNaN(attached) && changed > attached + STAMP_SKEW_MS) {
    return `The secret's value was changed at ${ref.valueUpdatedAt}, after its certificate URL was attached (${ref.certAttachedAt}): it is no longer the certified credential.`;
  }
  if (typeof iat === 'number' && changed < iat * 1000 - STAMP_SKEW_MS) {
    return `The secret's value dates from ${ref.valueUpdatedAt}, before its certificate was issued (${new Date(iat * 1000).toISOString()}): it is not the certified credential.`;
  }
  return undefined;
}

/** Shared with the CLI, which checks before it opens a report file. */
export function trustRequired(): InputError {
  return new InputError(
    'TRUST_REQUIRED',
    "An inventory needs to know which issuers to trust: a certificate URL in a store is only a pointer, and anyone who can set it can host a certificate and keys of their own. Pin your issuer with --trust ISSUER_ID=JWKS_URL (repeatable), name a trust file of such lines in PASSGENI_TRUST, or use the local issuer's --data-dir; `passgeni trust <issuer-url>` prints the line to pin.",
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function workflowOf(workload: unknown): string | null {
  if (typeof workload !== 'object' || workload === null) return null;
  const { job_workflow_ref: job, workflow_ref: caller } = workload as Record<string, unknown>;
  return typeof job === 'string' ? job : typeof caller === 'string' ? caller : null;
}
