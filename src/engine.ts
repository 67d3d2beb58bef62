import { randomUUID } from 'node:crypto';
import type { SecretStore } from '../adapters/store.js';
import type { Target } from '../adapters/targets/index.js';
import { targetDisplay } from '../adapters/targets/target.js';
// Direct imports, not the certificate barrel: a bundle splits by module reachability, and the
// barrel would make the zod claims schema part of every start-up of the certify action.
import { entropySource } from './certificate/entropy-source.js';
import type { FipsProvider } from './certificate/fips-provider.js';
import type { CredentialBinding } from './certificate/types.js';
import { PassgeniError, errorMessage, isPassgeniError } from './errors.js';
import { generateCredential, type GeneratedCredential } from './generate/index.js';
import type { IssuedCertificate, IssuerClient } from './issuer-client/types.js';
import { alternationFor, applyToTarget, openAndCheckTarget, undoTarget } from './engine/target.js';
import { recordLogPosition, type LogPosition } from './engine/log-position.js';
import { preflightStores, writeStores } from './engine/stores.js';
import {
  FIPS_HOWTO,
  resolvePolicy,
  type CharClass,
  type ResolvedPolicy,
  type StandardId,
} from './policy/index.js';

/**
 * certify-and-store: the one pipeline every front end calls (DESIGN §2).
 *
 *   policy → generate → session (parameters only) → binding → certificate → stores → report
 *
 * The credential exists only in this process and in the stores' write requests. The issuer sees
 * parameters, the scrypt binding and the label; the report returned to the front end carries
 * the credential only so a front end that was explicitly asked to output it can do so.
 *
 * Front ends name their fields as the request does (CLI options, action inputs, a manifest's
 * credential) and pass them as they are: the engine reads only these fields, and an unset one
 * may be undefined, so there is no per-front-end mapping to keep in step.
 */
export interface CertifyRequest {
  standard: string;
  length?: number | undefined;
  exclude?: string | undefined;
  symbols?: string | undefined;
  classes?: readonly CharClass[] | undefined;
  /** Store URIs; at least one. */
  stores: readonly string[];
  label?: string | undefined;
  /** service (the default) or user: decides which clauses govern the credential. */
  kind?: string | undefined;
  /**
   * The user's rotation period in days (their targeted risk analysis); 0 or absent: the
   * standard's own period for the kind, if any.
   */
  rotateEveryDays?: number | undefined;
  /** Attach a scrypt credential binding to the certificate (DESIGN §5). */
  bind?: boolean | undefined;
  /** Fail unless the runtime's OpenSSL is in FIPS mode. */
  requireFipsMode?: boolean | undefined;
  /** The system that must accept the new credential (docs/rotation.md), e.g. postgresql://…#app. */
  target?: string | undefined;
  /**
   * `alternating`: the target names two accounts (`#app_a,app_b`); each run rotates the one not in
   * use and stores `{"username","password"}` (docs/rotation.md). Default: the one account.
   */
  strategy?: 'single' | 'alternating' | undefined;
  /** A store URI holding the target admin's password (when neither the URI nor the environment has it). */
  targetCredentialFrom?: string | undefined;
  /**
   * Wait (at most a few seconds) for the issuer to log the certificate, and record its log index
   * in the stores that keep one (the file store's sidecar). Without it, the index is recorded only
   * when it is known at once (an in-process issuer logs on demand). src/engine/log-position.ts
   */
  waitForLog?: boolean | undefined;
}

export interface EngineDependencies {
  issuer: IssuerClient;
  openStore: (uri: string) => Promise<SecretStore>;
  /** Opens a request's target; default: adapters/targets with the process environment. */
  openTarget?: (uri: string, options: { adminPassword?: string }) => Promise<Target>;
  /** Injected for tests; defaults to the real generator. */
  generate?: (policy: ResolvedPolicy) => Promise<GeneratedCredential>;
  /** Injected for tests of the FIPS-mode path; default crypto.getFips(). */
  fipsMode?: () => boolean;
  /** Injected with fipsMode; default: the provider module asked for its name and version. */
  fipsProvider?: () => FipsProvider | undefined;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Attests the certificate (a Sigstore attestation, docs/certificate.md) once it is issued and
   * before anything is changed, so the stores record the attestation URL beside the certificate
   * URL. A failure ends the run with nothing stored and the certificate revoked.
   */
  attest?: (cert: IssuedCertificate) => Promise<{ url: string }>;
}

export type ProgressEvent =
  | { step: 'policy'; standard: StandardId; length: number; entropyBits: number }
  | { step: 'session'; issuer: string }
  | { step: 'certificate'; certId: string; certUrl: string }
  | { step: 'attested'; certId: string; url: string }
  | { step: 'store'; store: string; ok: boolean; version?: string; code?: string; notice?: string }
  | { step: 'target'; target: string; account: string; action: 'set' | 'tested' }
  | { step: 'activated'; certId: string }
  | { step: 'revoked'; certId: string; reason: string };

export interface StoredLocation {
  store: string;
  version?: string;
  /** Something the store changed that the user should know (e.g. a file's mode was tightened). */
  notice?: string;
}

export interface CertifyReport {
  cert_id: string;
  cert_url: string;
  certificate: string;
  expires_at: string;
  compliance_standard: StandardId;
  standards_met: StandardId[];
  entropy_bits: number;
  stored: StoredLocation[];
  /** The Sigstore attestation of the certificate, when the front end attested it. */
  attestation_url?: string;
  /** The system that now accepts the credential (set and a login tested), when one was named. */
  target?: { target: string; account: string };
  /**
   * Where the certificate is in its issuer's transparency log, when a store records it (the file
   * store's sidecar) and the issuer logged it in time (src/engine/log-position.ts).
   */
  log?: LogPosition;
  /** What the user should know about a run that succeeded (e.g. the log index was not recorded). */
  warnings?: string[];
  /** The generated credential. Front ends print it only when the user opted in. */
  credential: string;
}

export interface StoreFailure {
  store: string;
  code: string;
  message: string;
  /** True when the new credential reached the store but attaching the URL failed. */
  credentialWritten: boolean;
  version?: string;
}

/**
 * What became of the certificate of a run that failed after issuance: `valid` (activated: some
 * store holds the credential), `pending` (not valid; activating it failed, or revoking it did and
 * the issuer revokes it at its deadline), `revoked`, or `revocation-failed` (an issuer without
 * activation, whose certificates are valid at once, refused the revocation).
 */
export type CertificateState = 'valid' | 'pending' | 'revoked' | 'revocation-failed';

/**
 * The run failed after the certificate was issued. `stored` says exactly where the new credential
 * now lives (possibly nowhere), `failures` why each other store failed, and `certificate` what
 * happened to the certificate.
 */
export class CertifyStoreError extends PassgeniError {
  readonly stored: StoredLocation[];
  readonly failures: StoreFailure[];
  readonly certId: string;
  readonly certUrl: string;
  readonly certificateState: CertificateState;

  constructor(args: {
    stored: StoredLocation[];
    failures: StoreFailure[];
    cert: IssuedCertificate;
    certificateState: CertificateState;
    /** Why activation failed, when it did. */
    activationError?: string;
  }) {
    const { stored, failures, cert, certificateState, activationError } = args;
    const list = (some: StoreFailure[]) =>
      some.map((f) => `${f.store}: ${f.message.replace(/\.$/, '')}`).join('; ');
    // A store whose metadata step failed does hold the credential (it is in `stored` too), so
    // "failed" would be untrue for it: the two kinds of failure are worded apart.
    const notWritten = failures.filter((f) => !f.credentialWritten);
    const urlMissing = failures.filter((f) => f.credentialWritten);
    const total = stored.length + notWritten.length;
    const summary = [
      `The credential is stored in ${stored.length} of ${total} store${total === 1 ? '' : 's'}`,
      ...(notWritten.length ? [`writing it failed in ${notWritten.length}: ${list(notWritten)}`] : []),
      ...(urlMissing.length
        ? [`the certificate URL could not be attached in ${urlMissing.length}: ${list(urlMissing)}`]
        : []),
    ].join('; ');
    const where = stored.length
      ? `The new credential IS stored in ${stored.map((s) => s.store + (s.version ? ` (version ${s.version})` : '')).join(', ')}, with certificate ${cert.cert_url}.`
      : 'The new credential was not stored anywhere; every previous secret is unchanged.';
    const activationFailed = stored.length > 0 && activationError !== undefined;
    const deadline = cert.activate_by ?? 'its activation deadline';
    const reason = activationError?.replace(/\.$/, '') ?? '';
    const certNote = activationFailed
      ? certificateState === 'revoked'
        ? ` Certificate ${cert.cert_id} could not be activated (${reason}) and is revoked (not-stored), so the credential above has no valid certificate: run certify again to replace it.`
        : ` Certificate ${cert.cert_id} is PENDING, not valid: the issuer could not be told that a store holds the credential (${reason}). Activate it before ${deadline} with: passgeni activate ${cert.cert_id} (same issuer and API key). Otherwise the issuer revokes it (not-stored) and the stores above keep a credential without a valid certificate.`
      : certificateState === 'revoked'
        ? ` Certificate ${cert.cert_id} was revoked (reason not-stored).`
        : certificateState === 'pending'
          ? ` Certificate ${cert.cert_id} could not be revoked now; it is pending (not valid) and the issuer revokes it (not-stored) at ${deadline}.`
          : certificateState === 'revocation-failed'
            ? ` Certificate ${cert.cert_id} could NOT be revoked.`
            : '';
    const code = activationFailed ? 'ACTIVATION_FAILED' : stored.length ? 'PARTIALLY_STORED' : 'NOT_STORED';
    super(code, `${summary}. ${where}${certNote}`, {
      exitCode: 3,
      details: {
        stored,
        failures,
        cert_id: cert.cert_id,
        cert_url: cert.cert_url,
        certificate_state: certificateState,
        ...(cert.activate_by !== undefined &&
          certificateState === 'pending' && { activate_by: cert.activate_by }),
      },
      ...(certificateState === 'revocation-failed' && {
        hint: { revoke: cert.cert_id, reason: 'not-stored' },
      }),
    });
    this.stored = stored;
    this.failures = failures;
    this.certId = cert.cert_id;
    this.certUrl = cert.cert_url;
    this.certificateState = certificateState;
  }
}

export async function certifyAndStore(
  request: CertifyRequest,
  deps: EngineDependencies,
): Promise<CertifyReport> {
  const progress = deps.onProgress ?? (() => {});
  if (request.stores.length === 0) {
    throw new PassgeniError(
      'NO_STORE',
      'Name at least one store to write the credential to, e.g. file://./secrets.env#DB_PASSWORD.',
      { exitCode: 2, hint: { option: 'store' } },
    );
  }
  const source = entropySource({
    ...(deps.fipsMode && { fipsMode: deps.fipsMode }),
    ...(deps.fipsProvider && { fipsProvider: deps.fipsProvider }),
  });
  if (request.requireFipsMode && !source.fips_mode) {
    throw new PassgeniError(
      'FIPS_MODE_REQUIRED',
      `FIPS mode was required but this Node.js runtime is not in FIPS mode. ${FIPS_HOWTO}`,
      {
        exitCode: 2,
        hint: { option: 'require-fips-mode', fix: 'drop' },
      },
    );
  }
  // Validated once as asked, so a request weaker than the standard (or FIPS-140-3 asked of a
  // runtime not in FIPS mode) fails before any store is opened.
  let policy = resolvePolicy({ ...request, randomSource: source });
  if (!policy.standard.certifiable) {
    throw new PassgeniError(
      'STANDARD_NOT_CERTIFIABLE',
      `${policy.standard.id} is reported in standards_met but cannot be the standard a certificate is issued for. Certify to another standard in \`passgeni standards\` whose rules cover it; ${policy.standard.id} is then listed when the parameters meet it.`,
      { exitCode: 2 },
    );
  }
  if (source.fips_mode && source.fips_provider === undefined) {
    // the issuer refuses a FIPS claim that names no provider, whatever the standard
    throw new PassgeniError(
      'FIPS_PROVIDER_UNKNOWN',
      "This Node.js runtime is in FIPS mode but the FIPS provider's name and version could not be read (passgeni asks the provider module through `openssl list -providers`), and an issuer accepts no FIPS claim without them. Put the openssl command of the same OpenSSL installation on PATH, with the same OPENSSL_CONF and OPENSSL_MODULES as Node.",
      { exitCode: 2 },
    );
  }

  // Open every store before anything is generated or certified, so a typo in a URI or missing
  // store credentials fail the run while nothing has happened yet.
  const stores = await Promise.all(request.stores.map((uri) => deps.openStore(uri)));
  await preflightStores(stores);
  const alternation = await alternationFor(request, stores);
  const target = await openAndCheckTarget(
    alternation ? { ...request, target: alternation.target } : request,
    deps,
  );
  const storeExclusions = [...new Set(stores.flatMap((store) => [...(store.unsupportedCharacters ?? '')]))]
    .filter((c) => !(request.exclude ?? '').includes(c))
    .join('');
  if (storeExclusions) {
    policy = resolvePolicy({
      ...request,
      randomSource: source,
      exclude: `${request.exclude ?? ''}${storeExclusions}`,
    });
  }
  progress({
    step: 'policy',
    standard: policy.standard.id,
    length: policy.length,
    entropyBits: policy.entropyBits,
  });

  const generated = await (deps.generate ?? generateCredential)(policy);
  progress({ step: 'session', issuer: deps.issuer.description });
  const session = await deps.issuer.createSession({
    standard: policy.standard.id,
    credential_kind: policy.kind,
    ...(policy.rotation.basis === 'risk-analysis' && { rotate_every_days: policy.rotation.days }),
    generation_params: generated.params,
    entropy_source: source,
  });
  let binding: CredentialBinding | undefined;
  if (request.bind) {
    // Imported on request: the binding module brings the claims schema, which a run without a
    // binding never needs before its first issuer request.
    const { computeCredentialBinding } = await import('./certificate/binding.js');
    binding = await computeCredentialBinding(generated.password);
  }
  // one key per certificate request: the HTTP client's retries after a lost answer carry it, so
  // the issuer answers them with the certificate already issued
  const cert = await deps.issuer.issueCertificate(
    {
      generation_session_id: session.generation_session_id,
      generated_at: generated.generatedAt.toISOString(),
      ...(binding && { credential_binding: binding }),
      ...(request.label !== undefined && { label: request.label }),
    },
    { idempotencyKey: randomUUID() },
  );
  progress({ step: 'certificate', certId: cert.cert_id, certUrl: cert.cert_url });
  const attestationUrl = deps.attest ? await attestBeforeStoring(deps.attest, cert, deps.issuer) : undefined;
  if (attestationUrl !== undefined) progress({ step: 'attested', certId: cert.cert_id, url: attestationUrl });

  // The certificate is pending (not valid) until the issuer is told a store holds the credential:
  // right after the first store that does, so that a later store hanging or the run dying cannot
  // keep it from becoming valid, and never before, so it is never valid for a credential stored
  // nowhere. An issuer that predates activation issues valid certificates (no status).
  const activation = new Activation(deps.issuer, cert, progress);
  if (target) {
    await applyToTarget(target, generated.password, cert, deps.issuer);
    progress({ step: 'target', target: target.uri, account: target.account, action: 'tested' });
  }
  const { stored, failures } = await writeStores(
    stores,
    alternation ? alternation.storedValue(generated.password) : generated.password,
    cert,
    {
      ...(attestationUrl !== undefined && { attestationUrl }),
      // recorded beside the URL so the inventory shows where the secret is rotated; a run
      // without a target records none, which clears one an earlier run recorded
      ...(target && {
        target: targetDisplay(target.location, alternation ? alternation.accounts : [target.account]),
      }),
    },
    progress,
    () => activation.run(),
  );
  if (target && stored.length === 0) {
    await undoTarget(
      target,
      cert,
      deps.issuer,
      new CertifyStoreError({ stored, failures, cert, certificateState: 'pending' }),
    );
  }
  if (failures.length === 0 && activation.state === 'valid') {
    const logged = await recordLogPosition(
      cert,
      deps.issuer,
      stores.filter((s) => stored.some((l) => l.store === s.uri)),
      request.waitForLog === true,
    );
    return {
      cert_id: cert.cert_id,
      cert_url: cert.cert_url,
      certificate: cert.certificate,
      expires_at: cert.expires_at,
      compliance_standard: cert.compliance_standard,
      standards_met: cert.standards_met,
      entropy_bits: cert.entropy_bits,
      stored,
      ...(attestationUrl !== undefined && { attestation_url: attestationUrl }),
      ...(target && { target: { target: target.uri, account: target.account } }),
      ...(logged.position && { log: logged.position }),
      ...(logged.warning !== undefined && { warnings: [logged.warning] }),
      credential: generated.password,
    };
  }
  if (stored.length > 0) {
    throw new CertifyStoreError({
      stored,
      failures,
      cert,
      certificateState: activation.state === 'valid' ? 'valid' : activation.state,
      ...(activation.error !== undefined && { activationError: activation.error }),
    });
  }
  // Stored nowhere: revoke now rather than wait for the issuer's deadline (a pending certificate
  // is not valid either way, so a failed revocation leaves it to the issuer).
  let certificateState: CertificateState;
  try {
    await deps.issuer.revokeCertificate(cert.cert_id, 'not-stored');
    certificateState = 'revoked';
    progress({ step: 'revoked', certId: cert.cert_id, reason: 'not-stored' });
  } catch {
    certificateState = cert.status === 'pending' ? 'pending' : 'revocation-failed';
  }
  throw new CertifyStoreError({ stored, failures, cert, certificateState });
}

/**
 * Runs the attest hook. Nothing has been changed yet, so a failure revokes the certificate
 * (`not-stored`): a certificate the user asked to have attested is never left without it.
 */
async function attestBeforeStoring(
  attest: NonNullable<EngineDependencies['attest']>,
  cert: IssuedCertificate,
  issuer: IssuerClient,
): Promise<string> {
  try {
    return (await attest(cert)).url;
  } catch (error) {
    let state: string;
    try {
      await issuer.revokeCertificate(cert.cert_id, 'not-stored');
      state = `revoked (not-stored)`;
    } catch {
      state =
        cert.status === 'pending'
          ? 'pending (not valid); the issuer revokes it at its deadline'
          : 'NOT revoked: revoke it by hand (reason not-stored)';
    }
    throw new AttestationFailedError(
      isPassgeniError(error) ? error.code : 'ATTESTATION_FAILED',
      `${errorMessage(error).replace(/\.$/, '')}. Nothing was stored: every previous secret is unchanged, and certificate ${cert.cert_id} is ${state}. Fix the cause and run again.`,
      {
        exitCode: isPassgeniError(error) ? error.exitCode : 3,
        details: { cert_id: cert.cert_id, cert_url: cert.cert_url, stored: [] },
        ...(isPassgeniError(error) && error.hint !== undefined && { hint: error.hint }),
        cause: error,
      },
    );
  }
}

/** Attesting a new certificate failed: nothing was stored, and the certificate is revoked if it could be. */
export class AttestationFailedError extends PassgeniError {}

/** The activation of one run's certificate, tried once (the client retries transient failures). */
class Activation {
  state: 'valid' | 'pending' | 'revoked';
  error: string | undefined;
  private tried = false;

  constructor(
    private readonly issuer: IssuerClient,
    private readonly cert: IssuedCertificate,
    private readonly progress: (event: ProgressEvent) => void,
  ) {
    this.state = cert.status === 'pending' ? 'pending' : 'valid';
  }

  async run(): Promise<void> {
    if (this.tried || this.state !== 'pending') return;
    this.tried = true;
    try {
      await this.issuer.activateCertificate(this.cert.cert_id);
      this.state = 'valid';
      this.progress({ step: 'activated', certId: this.cert.cert_id });
    } catch (error) {
      this.error = errorMessage(error);
      // past its deadline the issuer revoked it on the spot
      const code = isPassgeniError(error) ? error.code : '';
      if (code === 'ACTIVATION_EXPIRED' || code === 'CERTIFICATE_REVOKED') this.state = 'revoked';
    }
  }
}

export { scrub, StoreCheckError } from './engine/stores.js';
