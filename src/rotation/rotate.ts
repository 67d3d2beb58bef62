import path from 'node:path';
import { openStore as openAdapterStore, parseStoreUri, type StoreOptions } from '../../adapters/index.js';
import type { SecretStore } from '../../adapters/store.js';
import {
  AttestationFailedError,
  CertifyStoreError,
  StoreCheckError,
  certifyAndStore,
  type EngineDependencies,
} from '../engine.js';
import { InputError, errorMessage, isPassgeniError, type ErrorHint } from '../errors.js';
import { HttpIssuerClient } from '../issuer-client/http.js';
import type { IssuerClient } from '../issuer-client/types.js';
import { localAnchor, remoteIssuerAnchor, TrustStore, type TrustAnchor } from '../trust/index.js';
import { targetRejection } from './target-check.js';
import { assess, type DueReason } from './due.js';
import { CertificateLookup } from './lookup.js';
import type { Manifest, ManifestCredential } from './manifest.js';
import { StoreRateLimiter } from './rate-limit.js';
import { inShard, type Shard } from './shard.js';
import { mapConcurrent } from '../lib/concurrency.js';

/**
 * Scheduled rotation: for each credential of the manifest (in this runner's shard), find the
 * certificate its first store points at, decide whether it is due, and run certify-and-store for
 * those that are. Credentials are independent: one failing is reported and the others go on.
 * This module is the programmatic API shared by `passgeni rotate` and the rotate action.
 */
export interface RotateOptions {
  /** Issues the new certificates. Optional in a dry run, which issues nothing. */
  issuer?: IssuerClient;
  /**
   * Public URL of `issuer`'s certificates. Certificates under it are looked up through the client
   * (needed for the local issuer, whose URL is usually not served while it issues in-process).
   */
  issuerPublicUrl?: string;
  /**
   * Issuers trusted besides `issuer` (--trust, PASSGENI_TRUST, the action's `trust`). `issuer` is
   * always trusted, as it describes itself (its identity document, or the local issuer's own id
   * and keys); a store's certificate URL from anyone else is not valid, so its credential is due.
   */
  trust?: readonly TrustAnchor[];
  /** Tests only: the trusted issuers' keys and certificates are fetched with it. */
  fetch?: typeof fetch;
  /** Default: the adapters, with relative `file://` paths resolved against the manifest's directory. */
  openStore?: (uri: string) => Promise<SecretStore>;
  /** Options for the default `openStore` (environment, retries, Vault auth…). */
  storeOptions?: Omit<StoreOptions, 'baseDir'>;
  /** Decide and report, but issue and write nothing. */
  dryRun?: boolean;
  shard?: Shard;
  /** Caps writes per second for every store kind. */
  maxRate?: number;
  /** Certificates expiring within this many days are due. Default 30. */
  expiringWithinDays?: number;
  /**
   * Credentials checked and rotated at the same time. Default 8. The requests for their
   * certificates are paced by the issuer client, which halves how many it has in flight on each
   * 429 and grows back slowly (src/lib/pacer.ts).
   */
  concurrency?: number;
  /** Wall clock in milliseconds (due-ness, certificate expiry). Default Date.now. */
  now?: () => number;
  onProgress?: (event: RotationProgress) => void;
  /**
   * Stops the run: once aborted, no further credential is started; those in flight finish (a
   * credential half-rotated by a killed process is worse than one rotated a minute later).
   */
  signal?: AbortSignal;
  /** Attests each new certificate before it is stored (the rotate action's `attest: true`). */
  attest?: EngineDependencies['attest'];
}

export type RotationProgress =
  | { type: 'start'; total: number; dryRun: boolean }
  | {
      type: 'done';
      id: string;
      outcome: 'rotated' | 'skipped' | 'failed';
      /** Why it was due, when it was. */
      reason?: DueReason;
      done: number;
      total: number;
    };

export interface RotatedEntry {
  id: string;
  /** The first of `reasons`. */
  reason: DueReason;
  reasons: DueReason[];
  /** Why, in one sentence. */
  detail: string;
  stores: string[];
  previous_cert_url?: string;
  /** The new certificate (absent in a dry run). */
  cert_url?: string;
  cert_id?: string;
  expires_at?: string;
  /** The new certificate's Sigstore attestation, when the run attested. */
  attestation_url?: string;
  /** Stores that now hold the new credential (empty in a dry run). */
  stored: string[];
}

export interface SkippedEntry {
  id: string;
  reason: 'current';
  detail: string;
  cert_url: string;
  expires_at: string;
  rotate_after?: string;
}

export interface FailedEntry {
  id: string;
  /** `check`: the current state could not be read, nothing was done. `certify`: rotation failed. */
  stage: 'check' | 'certify';
  code: string;
  message: string;
  /** What to do about it, for the front end to word (e.g. check the API key). */
  hint?: ErrorHint;
  /** Why it was being rotated, when it got that far. */
  reason?: DueReason;
  /** Stores that DO hold a new credential despite the failure (partial writes). */
  stored?: string[];
  /** The new certificate, when stores hold a credential it describes. */
  cert_url?: string;
}

export interface RotationReport {
  manifest: string;
  dry_run: boolean;
  shard: Shard | null;
  /** Credentials in this shard. */
  total: number;
  rotated: RotatedEntry[];
  skipped: SkippedEntry[];
  failed: FailedEntry[];
  /** The run was stopped (a signal) before every credential was started. */
  interrupted: boolean;
  /** Credentials never started because the run was stopped: nothing was done for them. */
  not_started: string[];
}

const DEFAULT_CONCURRENCY = 8;

type Outcome = { rotated: RotatedEntry } | { skipped: SkippedEntry } | { failed: FailedEntry };

export async function rotateFromManifest(
  manifest: Manifest,
  options: RotateOptions,
): Promise<RotationReport> {
  const ctx = context(manifest, options, await issuerTrust(options));
  const progress = options.onProgress ?? (() => {});
  const selected = manifest.credentials.filter((c) => inShard(c.id, options.shard));
  progress({ type: 'start', total: selected.length, dryRun: ctx.dryRun });
  let done = 0;
  const report: RotationReport = {
    manifest: manifest.source,
    dry_run: ctx.dryRun,
    shard: options.shard ?? null,
    total: selected.length,
    rotated: [],
    skipped: [],
    failed: [],
    interrupted: false,
    not_started: [],
  };
  // pulled one at a time by mapConcurrent, so an abort stops what has not been pulled yet
  const started = new Set<string>();
  function* untilStopped() {
    for (const credential of selected) {
      if (options.signal?.aborted) return;
      started.add(credential.id);
      yield credential;
    }
  }
  const outcomes = mapConcurrent(
    untilStopped(),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (credential) => {
      // rotateOne reports every failure it knows of; anything else still must not stop the others.
      const outcome = await rotateOne(credential, ctx).catch((error: unknown): Outcome => ({
        failed: failure(credential.id, 'check', error, 'INTERNAL'),
      }));
      done++;
      const reason =
        'rotated' in outcome
          ? outcome.rotated.reason
          : 'failed' in outcome
            ? outcome.failed.reason
            : undefined;
      progress({
        type: 'done',
        id: credential.id,
        outcome: 'rotated' in outcome ? 'rotated' : 'skipped' in outcome ? 'skipped' : 'failed',
        ...(reason !== undefined && { reason }),
        done,
        total: selected.length,
      });
      return outcome;
    },
  );
  for await (const outcome of outcomes) {
    if ('rotated' in outcome) report.rotated.push(outcome.rotated);
    else if ('skipped' in outcome) report.skipped.push(outcome.skipped);
    else report.failed.push(outcome.failed);
  }
  report.not_started = selected.filter((c) => !started.has(c.id)).map((c) => c.id);
  report.interrupted = report.not_started.length > 0;
  return report;
}

/** 0 when every credential in the shard is current or was rotated, 3 when any failed or the run was stopped. */
export function rotationExitCode(report: RotationReport): 0 | 3 {
  return report.failed.length === 0 && !report.interrupted ? 0 : 3;
}

/** What a run covers, e.g. `shard 2/3, dry run`; empty for a whole run that writes. */
export function rotationScope(report: Pick<RotationReport, 'shard' | 'dry_run'>): string {
  return [
    report.shard ? `shard ${report.shard.index}/${report.shard.count}` : '',
    report.dry_run ? 'dry run' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The outcome in one sentence, as every front end reports it. */
export function rotationCounts(report: RotationReport): string {
  return (
    `${report.rotated.length} ${report.dry_run ? 'due' : 'rotated'}, ${report.skipped.length} current, ${report.failed.length} failed` +
    (report.interrupted
      ? `, ${report.not_started.length} not started (the run was stopped; nothing was done for them)`
      : '') +
    (report.dry_run ? '. Dry run: nothing was issued or written.' : '.')
  );
}

/** What the rotations of all credentials share: clocks, look-ups, rate limits, locks. */
/** The issuers this run trusts: its own issuer first, then the configured ones. */
async function issuerTrust(options: RotateOptions): Promise<TrustStore> {
  const { issuer } = options;
  const own: TrustAnchor[] = [];
  if (issuer && options.issuerPublicUrl !== undefined) own.push(localAnchor(issuer, options.issuerPublicUrl));
  else if (issuer instanceof HttpIssuerClient) {
    own.push(await remoteIssuerAnchor(issuer.description, options.fetch ? { fetch: options.fetch } : {}));
  }
  return new TrustStore([...own, ...(options.trust ?? [])], options.fetch ? { fetch: options.fetch } : {});
}

function context(manifest: Manifest, options: RotateOptions, trust: TrustStore) {
  const { issuer } = options;
  if (!issuer && !options.dryRun) {
    throw new InputError(
      'ISSUER_REQUIRED',
      'Rotating needs an issuer client (only a dry run can do without one).',
    );
  }
  const now = options.now ?? Date.now;
  return {
    issuer,
    attest: options.attest,
    dryRun: options.dryRun ?? false,
    now,
    expiringWithinDays: options.expiringWithinDays ?? 30,
    baseDir: manifest.baseDir,
    open:
      options.openStore ??
      ((uri: string) => openAdapterStore(uri, { ...options.storeOptions, baseDir: manifest.baseDir })),
    lookup: new CertificateLookup({ trust, now, ...(options.fetch && { fetch: options.fetch }) }),
    limiter: new StoreRateLimiter({ ...(options.maxRate !== undefined && { maxRate: options.maxRate }) }),
    locks: new KeyedLock(),
  };
}
type Context = ReturnType<typeof context>;

async function rotateOne(credential: ManifestCredential, ctx: Context): Promise<Outcome> {
  const { id } = credential;

  let stores: SecretStore[];
  let urls: (string | undefined)[];
  try {
    stores = await Promise.all(credential.stores.map((uri) => ctx.open(uri)));
    urls = await Promise.all(stores.map((store) => store.readCertificateUrl()));
  } catch (error) {
    return { failed: failure(id, 'check', error, 'CHECK_FAILED') };
  }
  const current = urls[0];
  const found = current === undefined ? undefined : await ctx.lookup.check(current);
  if (found?.kind === 'error') {
    // Rotating blind could replace a perfectly good credential every time the issuer blips.
    return {
      failed: {
        id,
        stage: 'check',
        code: found.code,
        message: `Could not check the current certificate ${current}: ${found.message}`,
      },
    };
  }
  const assessment = assess({
    credential,
    urls,
    ...(found && { lookup: found }),
    now: ctx.now(),
    expiringWithinDays: ctx.expiringWithinDays,
  });
  if (credential.target !== undefined && assessment.reasons.length === 0) {
    try {
      const rejection = await targetRejection(credential.target, credential.strategy, stores[0]!);
      if (rejection !== undefined) {
        assessment.reasons.push('target-rejects');
        assessment.detail = rejection;
      }
    } catch (error) {
      return { failed: failure(id, 'check', error, 'CHECK_FAILED') };
    }
  }
  const reason = assessment.reasons[0];

  if (reason === undefined) {
    return {
      skipped: {
        id,
        reason: 'current',
        detail: assessment.detail,
        cert_url: assessment.certUrl ?? '',
        expires_at: assessment.expiresAt ?? '',
        ...(assessment.rotateAfter !== undefined && { rotate_after: assessment.rotateAfter }),
      },
    };
  }
  const base: RotatedEntry = {
    id,
    reason,
    reasons: assessment.reasons,
    detail: assessment.detail,
    stores: credential.stores,
    ...(current !== undefined && { previous_cert_url: current }),
    stored: [],
  };
  if (ctx.dryRun || !ctx.issuer) return { rotated: base };
  const issuer = ctx.issuer;

  const byUri = new Map(stores.map((store, i) => [credential.stores[i] as string, store]));
  // A manifest credential is a certify request (same field names); the engine reads only those.
  const certify = () =>
    certifyAndStore(credential, {
      issuer,
      openStore: async (uri) => guarded(byUri.get(uri) ?? (await ctx.open(uri)), ctx),
      ...(ctx.attest && { attest: ctx.attest }),
    });
  try {
    const result = await withIssuerRetry(certify);
    // The report also carries the credential; only what is safe to print is kept.
    return {
      rotated: {
        ...base,
        cert_url: result.cert_url,
        cert_id: result.cert_id,
        expires_at: result.expires_at,
        ...(result.attestation_url !== undefined && { attestation_url: result.attestation_url }),
        stored: result.stored.map((s) => s.store),
      },
    };
  } catch (error) {
    const entry: FailedEntry = { ...failure(id, 'certify', error, 'ROTATION_FAILED'), reason };
    if (error instanceof CertifyStoreError) {
      entry.stored = error.stored.map((s) => s.store);
      if (error.certificateState === 'valid') entry.cert_url = error.certUrl;
    }
    // found before anything was generated, or before the first store write: stored nowhere
    if (error instanceof StoreCheckError || error instanceof AttestationFailedError) entry.stored = [];
    return { failed: entry };
  }
}

/**
 * A credential the issuer turned away before issuing anything (still rate-limited after the
 * client's own waits, or its session expired while the certificate request waited) is tried
 * again from the start: nothing was issued or written, and the client has meanwhile slowed down.
 */
const CERTIFY_ATTEMPTS = 3;
const BEFORE_ISSUANCE = new Set(['RATE_LIMITED', 'SESSION_EXPIRED']);

async function withIssuerRetry<T>(certify: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await certify();
    } catch (error) {
      if (attempt >= CERTIFY_ATTEMPTS || !isPassgeniError(error) || !BEFORE_ISSUANCE.has(error.code))
        throw error;
    }
  }
}

/**
 * The same store, with each write (1) serialised with other writes to the same secret and
 * (2) waiting for its kind's rate limiter. Several credentials often live in one secret — keys of
 * one .env file, of one AWS JSON secret, of one Vault path — and the stores rightly refuse
 * concurrent writers (lock file, check-and-set), so such writes take turns instead of failing.
 * The token is taken inside the turn, right before the write, so waiting for a turn can never
 * bunch writes up beyond the rate.
 */
function guarded(store: SecretStore, ctx: Pick<Context, 'limiter' | 'locks' | 'baseDir'>): SecretStore {
  return withWrite(store, (request) =>
    ctx.locks.run(resourceOf(store.uri, ctx.baseDir), async () => {
      await ctx.limiter.take(store.kind);
      return store.write(request);
    }),
  );
}

/** `store` with its `write` replaced, e.g. by one that waits or masks first. */
export function withWrite(store: SecretStore, write: SecretStore['write']): SecretStore {
  return {
    uri: store.uri,
    kind: store.kind,
    // The engine excludes what a store cannot hold before generating; the wrapper must say it too.
    ...(store.unsupportedCharacters !== undefined && { unsupportedCharacters: store.unsupportedCharacters }),
    write,
    preflight: () => store.preflight(),
    readCredential: () => store.readCredential(),
    readCertificateUrl: () => store.readCertificateUrl(),
  };
}

/** What one write replaces as a whole: a file, an AWS secret, a Vault path, a Kubernetes Secret. */
function resourceOf(uri: string, baseDir: string): string {
  const parsed = parseStoreUri(uri);
  switch (parsed.kind) {
    case 'file':
      return `file:${path.resolve(baseDir, parsed.path)}`;
    case 'aws-sm':
      return `aws-sm:${parsed.secretId}`;
    case 'vault':
      return `vault:${parsed.mount}/${parsed.path}`;
    case 'k8s':
      return `k8s:${parsed.namespace}/${parsed.name}`;
    case 'gcp-sm':
      return `gcp-sm:${parsed.project}/${parsed.secret}`;
    case 'azure-kv':
      return `azure-kv:${parsed.vault}/${parsed.secret}`;
    case 'doppler':
    case 'gh':
      return parsed.uri;
  }
}

/** A mutex per key; keys are dropped once nobody holds or waits for them. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const turn = previous.then(task, task);
    const tail = turn.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await turn;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** A failed entry keeps the error's hint as data, for each front end to word. */
function failure(id: string, stage: FailedEntry['stage'], error: unknown, code: string): FailedEntry {
  return {
    id,
    stage,
    code: isPassgeniError(error) ? error.code : code,
    message: errorMessage(error),
    ...(isPassgeniError(error) && error.hint && { hint: error.hint }),
  };
}
