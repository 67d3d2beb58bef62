import { PassgeniError } from '../../src/errors.js';

/**
 * A target is the system that checks a credential (a database role, a Redis ACL user), named by
 * URI (DESIGN §7, "Targets"). The engine sets a new credential on it in the stores' rotation
 * order; each target knows its system and nothing else.
 */
export interface Target {
  /** The URI as given, without any password it held: safe to print. */
  readonly uri: string;
  readonly kind: TargetKind;
  /** The account whose credential is rotated (role, user@host, ACL user), for reports. */
  readonly account: string;

  /**
   * Before anything is generated or certified: the administrative login works, the account
   * exists, and the admin may change its credential. Remembers what `restore` needs, where the
   * system lets the admin read it. Changes nothing.
   */
  preflight(): Promise<void>;

  /** Makes the target accept `credential` for the account (pre-hashed where the system allows). */
  apply(credential: string): Promise<void>;

  /** Logs in as the account with `credential`, on a fresh connection; throws when refused. */
  test(credential: string): Promise<void>;

  /**
   * Puts back the credential the account had at pre-flight. `restored` when it did;
   * `impossible` when pre-flight could not read it (the message says why).
   */
  restore(): Promise<RestoreOutcome>;

  /**
   * Where the system can: creates the account, when it does not exist yet, with `credential` and
   * the grants of the existing account `like` (AWS's alternating users, whose rotation function
   * clones the user on the first rotation). `false` when the account already existed (nothing is
   * changed then). A failure leaves no half-made account behind.
   */
  createLike?(like: string, credential: string): Promise<boolean>;

  /** Closes the administrative connection. */
  close(): Promise<void>;
}

export type TargetKind = 'postgresql' | 'mysql' | 'redis';

export type RestoreOutcome = { restored: true } | { restored: false; reason: string };

export interface TargetOptions {
  /** The admin's password from `--target-credential-from` (wins over the environment). */
  adminPassword?: string | undefined;
  /** The environment libpq-style lookups read (PGPASSWORD, PGSERVICE, HOME…); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Connection and query timeout; default 10 s. */
  timeoutMs?: number;
}

export type TargetErrorCode =
  | 'TARGET_URI_INVALID'
  | 'TARGET_AUTH_MISSING'
  | 'TARGET_AUTH_FAILED'
  | 'TARGET_ACCOUNT_MISSING'
  | 'TARGET_PRIVILEGE_MISSING'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_APPLY_FAILED'
  | 'TARGET_TEST_FAILED';

/** Codes that mean the user must fix something before a run can succeed (exit 2). */
const USAGE_CODES: ReadonlySet<TargetErrorCode> = new Set([
  'TARGET_URI_INVALID',
  'TARGET_AUTH_MISSING',
  'TARGET_AUTH_FAILED',
  'TARGET_ACCOUNT_MISSING',
  'TARGET_PRIVILEGE_MISSING',
]);

/**
 * A target operation failed. Messages are written here, never a driver's message verbatim: a
 * driver may echo the statement, and the statement carries the (hashed) credential.
 */
export class TargetError extends PassgeniError {
  readonly target: string;

  constructor(code: TargetErrorCode, message: string, options: { target: string; cause?: unknown }) {
    super(code, message, {
      exitCode: USAGE_CODES.has(code) ? 2 : 3,
      details: { target: options.target },
      cause: options.cause,
    });
    this.target = options.target;
  }
}
