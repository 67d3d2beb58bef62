import type { KeyObject } from 'node:crypto';
import type { SigningKey } from '../certificate/index.js';
import { InputError } from '../errors.js';
import type { Database } from './db/types.js';
import { validateIssuerId } from './identity.js';
import type { AbuseLimits } from './limits.js';
import { resolveOidc } from './oidc/config.js';
import type { OidcOptions, ResolvedOidc } from './oidc/config.js';
import type { IssuerLogger } from './types.js';

export interface IssuerOptions {
  /** Base URL certificates are published under: `<publicUrl>/cert/<id>`. */
  publicUrl: string;
  /**
   * The `iss` claim: an https URL or a URN (src/issuer/identity.ts). Default: derived from the
   * issuer's first signing key, never from the public URL (an address is not an identity).
   */
  issuerId?: string;
  /** Embedded database and default key location; `./.passgeni` when neither it nor a database is given. */
  dataDir?: string;
  /** PostgreSQL (several replicas); the data directory then holds no database. */
  databaseUrl?: string;
  /** An in-memory embedded database (tests, benchmarks). */
  memory?: boolean;
  /** An already-open, migrated database; the issuer does not close it. */
  database?: Database;
  /** Connections per pool on PostgreSQL. */
  poolSize?: number;
  signingKey?: SigningKey;
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Generate `<dataDir>/signing-key.jwk` on first start (default true, embedded database only). */
  generateKey?: boolean;
  /** Injected clock; every time the issuer stores or compares comes from it. */
  clock?: () => Date;
  limits?: Partial<AbuseLimits>;
  /** Certificate lifetime (default 365 days). */
  certificateDays?: number;
  /** Session lifetime (default 60 s). */
  sessionTtlSeconds?: number;
  logger?: IssuerLogger;
  /** Told when something the operator must know happens (a key was generated). */
  onNotice?: (message: string) => void;
  /** How often the JWKS is re-read from the database (keys added by other replicas). Default 30 s. */
  jwksRefreshSeconds?: number;
  /** How often expired sessions and idle counters are deleted. Default 600 s; 0 = never. */
  housekeepingSeconds?: number;
  /** Audit events older than this are deleted by housekeeping. Default 400 days; 0 = keep forever. */
  auditRetentionDays?: number;
  /**
   * Minutes a certificate stays pending before the issuer revokes it (`not-stored`) unless the
   * client activates it. Default 15.
   */
  activationTimeoutMinutes?: number;
  /** OIDC providers whose ID tokens are accepted instead of API keys, and their team policies. */
  oidc?: OidcOptions;
  /** The transparency log's Ed25519 key (src/issuer/log/key.ts says where it comes from otherwise). */
  logKey?: KeyObject;
  /** `--log-key-file`: the log key in PKCS#8 PEM. */
  logKeyFile?: string;
  /** Witnesses asked to cosign each checkpoint: `url` (their submission prefix) and verifier key (type 0x04). */
  logWitnesses?: ReadonlyArray<{ url: string; verifierKey: string }>;
  /** `--tsa-url`: an RFC 3161 time-stamping authority asked to timestamp each new checkpoint (docs/transparency.md). */
  tsaUrl?: string;
  /** How often queued log entries are appended. Default 500 ms; 0 = only on `issuer.log.sequence()` and close. */
  logSequenceMs?: number;
}

/** The settings that do not depend on the database or the key, checked before either is opened. */
export interface IssuerSettings {
  publicUrl: string;
  /** The operator's choice, checked; undefined means derive it from the first signing key. */
  issuerId: string | undefined;
  certificateDays: number;
  sessionTtlMs: number;
  auditRetentionDays: number;
  activationTimeoutMs: number;
  /** The audience is undefined when it defaults to an issuer id not yet derived. */
  oidc: ResolvedOidc | undefined;
}

export function resolveSettings(options: IssuerOptions): IssuerSettings {
  const publicUrl = normalisePublicUrl(options.publicUrl);
  const issuerId = options.issuerId === undefined ? undefined : validateIssuerId(options.issuerId);
  const certificateDays = options.certificateDays ?? 365;
  if (!Number.isInteger(certificateDays) || certificateDays < 1 || certificateDays > 3650) {
    throw new InputError('INVALID_OPTION', 'certificateDays must be a whole number from 1 to 3650.');
  }
  const sessionTtlSeconds = options.sessionTtlSeconds ?? 60;
  if (!Number.isInteger(sessionTtlSeconds) || sessionTtlSeconds < 1 || sessionTtlSeconds > 3600) {
    throw new InputError('INVALID_OPTION', 'sessionTtlSeconds must be a whole number from 1 to 3600.');
  }
  // longer than a certificate lives, so its issuance and views outlast it for an audit
  const auditRetentionDays = options.auditRetentionDays ?? 400;
  if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 0 || auditRetentionDays > 36500) {
    throw new InputError(
      'INVALID_OPTION',
      'auditRetentionDays must be a whole number from 0 (keep forever) to 36500.',
    );
  }
  // Long enough for a run to write its stores (each bounded by its own timeout, ~2 min) and retry
  // the activation; short enough that a certificate whose run died is gone within the quarter hour
  // in which its generated_at is still accepted.
  const activationTimeoutMinutes = options.activationTimeoutMinutes ?? 15;
  if (
    !Number.isInteger(activationTimeoutMinutes) ||
    activationTimeoutMinutes < 1 ||
    activationTimeoutMinutes > 1440
  ) {
    throw new InputError(
      'INVALID_OPTION',
      'activationTimeoutMinutes must be a whole number of minutes from 1 to 1440.',
    );
  }
  return {
    publicUrl,
    oidc: resolveOidc(options.oidc, issuerId),
    activationTimeoutMs: activationTimeoutMinutes * 60_000,
    issuerId,
    certificateDays,
    sessionTtlMs: sessionTtlSeconds * 1000,
    auditRetentionDays,
  };
}

function normalisePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('INVALID_PUBLIC_URL', `The public URL "${value}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('INVALID_PUBLIC_URL', 'The public URL must be http:// or https://.');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      'INVALID_PUBLIC_URL',
      'The public URL must not contain credentials, a query or a fragment.',
    );
  }
  return url.toString().replace(/\/+$/, '');
}
