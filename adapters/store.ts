import { PassgeniError } from '../src/errors.js';

/**
 * One secrets manager, addressed by one URI (DESIGN §7). Adapters know their secrets manager and
 * nothing else: they import only this file and the shared error types.
 */
export interface SecretStore {
  /** The URI as given, safe to print (it names a location, never holds a secret). */
  readonly uri: string;
  /** `aws-sm`, `vault`, `doppler`, `k8s`, `file`, `gh`, `gcp-sm`, `azure-kv`. */
  readonly kind: StoreKind;

  /**
   * Characters this store cannot always hold in a value. The engine excludes them before
   * generating, so every credential it generates can be stored, and the certificate records the
   * smaller pool honestly (rather than redrawing, which would overstate the entropy).
   */
  readonly unsupportedCharacters?: string;

  /**
   * Writes the credential and attaches the certificate URL. The value is written first, then the
   * metadata, so a crash in between leaves a new value with a stale URL (detectable) rather than
   * a URL that points at a credential that was never stored.
   * Must never destroy the previous value, and must detect (not overwrite) a concurrent writer.
   */
  write(request: StoreWriteRequest): Promise<StoreWriteResult>;

  /**
   * Checks, before anything is generated or certified, that a write could succeed: configuration
   * and credentials resolve, the target exists (or may be created), and, where the API can say so
   * cheaply, the caller may write it. Changes nothing. A failure here costs the user nothing; the
   * same failure found by `write` costs an issued-then-revoked certificate.
   */
  preflight(): Promise<void>;

  /** The stored credential (for binding checks); undefined when the secret or key does not exist. */
  readCredential(): Promise<string | undefined>;

  /** The certificate URL attached to the secret; undefined when there is none. */
  readCertificateUrl(): Promise<string | undefined>;

  /**
   * Records, beside the certificate URL, where the certificate is in its issuer's transparency
   * log, for stores whose record has room for it (the file store's sidecar). Known only once the
   * issuer has logged it, after the write. Leaves a record that names another certificate by now
   * alone.
   */
  recordLogEntry?(entry: LogEntryRecord): Promise<void>;
}

export interface LogEntryRecord {
  certId: string;
  /** The certificate's index in the log (its issuance entry). */
  leafIndex: number;
  /** The size of the checkpoint the issuer proved it in. */
  treeSize: number;
}

export type StoreKind = 'aws-sm' | 'vault' | 'doppler' | 'k8s' | 'file' | 'gh' | 'gcp-sm' | 'azure-kv';

export interface StoreWriteRequest {
  credential: string;
  certUrl: string;
  certId: string;
  /** The certificate's expiry (ISO 8601), for stores that can give the value the same expiry. */
  certExpiresAt?: string;
  /** The certificate's Sigstore attestation (GitHub), recorded beside the URL where the store can. */
  attestationUrl?: string;
  /**
   * The system the credential is rotated on, in its display form (scheme, host, port, database,
   * account: never a password, an admin user or a query parameter), recorded beside the URL where
   * the store can. Absent: the store clears any target an earlier write recorded.
   */
  target?: string;
}

export interface StoreWriteResult {
  store: string;
  /** The version the store gave the new value (AWS VersionId, KV version, …), when it has one. */
  version?: string;
  /** Something the user should know about a write that succeeded (e.g. a file's mode was tightened). */
  notice?: string;
}

/** An entry found under a prefix by `inventory`. */
export interface StoredSecretRef {
  uri: string;
  certUrl: string | undefined;
  /**
   * When the secret's value last changed, for stores that cannot give the value back (GitHub):
   * a value changed after its certificate was issued is no longer the certified one.
   */
  valueUpdatedAt?: string;
  /** When the certificate URL was last attached (GitHub: the variable's `updated_at`). */
  certAttachedAt?: string;
  /** The target the secret is rotated on (display form), as its last write recorded it. */
  target?: string;
}

/** Enumerates the secrets under the prefix URI it was opened with (for `passgeni inventory`). */
export interface ListableStore {
  list(): AsyncIterable<StoredSecretRef>;
}

export type StoreErrorCode =
  | 'STORE_URI_INVALID'
  | 'STORE_ACCESS_DENIED'
  | 'STORE_NOT_FOUND'
  | 'STORE_CONFLICT'
  | 'STORE_THROTTLED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_AUTH_MISSING'
  | 'STORE_INVALID_VALUE'
  | 'STORE_METADATA_FAILED'
  | 'STORE_WRITE_FAILED'
  | 'STORE_SYMLINK_REFUSED'
  | 'STORE_CONFIG_INVALID'
  | 'STORE_UNREADABLE';

/**
 * A store operation failed. `credentialWritten` says whether the new value reached the store
 * (true when only the metadata step failed), so the engine can report exactly where the new
 * credential lives. Messages are written by the adapter and never echo a client library's
 * message verbatim, since some echo tokens or request bodies.
 */
export class StoreError extends PassgeniError {
  readonly store: string;
  readonly credentialWritten: boolean;
  readonly version: string | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: {
      store: string;
      credentialWritten?: boolean;
      version?: string;
      cause?: unknown;
      exitCode?: 2 | 3;
    },
  ) {
    super(code, message, {
      exitCode: options.exitCode ?? (code === 'STORE_URI_INVALID' ? 2 : 3),
      details: {
        store: options.store,
        credential_written: options.credentialWritten ?? false,
        ...(options.version !== undefined && { version: options.version }),
      },
      cause: options.cause,
    });
    this.store = options.store;
    this.credentialWritten = options.credentialWritten ?? false;
    this.version = options.version;
  }
}

/** The new value is stored but its certificate URL is not: `stored` says where the value now is. */
export function urlNotAttached(store: string, stored: string, cause: string, version?: string): StoreError {
  return new StoreError(
    'STORE_METADATA_FAILED',
    `The new credential is stored (${stored}) but its certificate URL was not attached: ${cause}`,
    { store, credentialWritten: true, ...(version !== undefined && { version }) },
  );
}

/**
 * The certificate URL a secret's metadata records for `key`. Several keys of one secret can be
 * certified; the metadata names the key its URL is for, and a URL for another key is not ours.
 */
export function urlForKey(url: unknown, forKey: unknown, key: string): string | undefined {
  if (typeof forKey === 'string' && forKey !== key) return undefined;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
