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
   * Where the account lives, without any user, password or parameter: `scheme://host:port[/db]`.
   * With `#account` it is the target's display form, which the stores record (targetDisplay).
   */
  readonly location: string;

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

/**
 * Display forms are recorded in store metadata: AWS and Azure tags take 256 characters, Vault's
 * custom metadata 512 bytes.
 */
const DISPLAY_MAX_CHARS = 256;
const DISPLAY_MAX_BYTES = 512;

/**
 * The display form of a target: its location and the account(s) rotated on it, e.g.
 * `postgresql://db.internal:5432/app#app_user` or, for alternating users, `…#app_a,app_b`. It is
 * built from the parsed parts, never from the URI as given, so it cannot carry the admin user,
 * a password or a query parameter (sslkey paths, passwords). Control characters are replaced, and
 * an over-long form is shortened: it is for people reading an inventory, not for connecting.
 */
export function targetDisplay(location: string, accounts: readonly string[]): string {
  // eslint-disable-next-line no-control-regex -- replacing them is the point
  const text = `${location}#${accounts.join(',')}`.replace(/[\u0000-\u001f\u007f]/g, '?');
  if (text.length <= DISPLAY_MAX_CHARS && Buffer.byteLength(text) <= DISPLAY_MAX_BYTES) return text;
  // whole code points are dropped (never half a surrogate pair); length counts UTF-16 units, as
  // the stores' own checks do
  const kept = [...text];
  while (
    kept.join('').length > DISPLAY_MAX_CHARS - 1 ||
    Buffer.byteLength(kept.join('')) > DISPLAY_MAX_BYTES - 3
  ) {
    kept.pop();
  }
  return `${kept.join('')}…`;
}

/** `host:port`, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * A target URI as given, made safe to print: the userinfo keeps only the admin's name, and the
 * value of every query parameter but `allowed` is hidden (libpq reads `?password=`). Works on the
 * text, so a URI that does not parse is redacted too: a typo must not put the admin's password
 * into an error message or a log.
 */
export function printableTargetUri(uri: string, allowed: readonly string[]): string {
  const fragmentAt = uri.indexOf('#');
  const fragment = fragmentAt < 0 ? '' : uri.slice(fragmentAt);
  let rest = fragmentAt < 0 ? uri : uri.slice(0, fragmentAt);
  let query = '';
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) {
    query = `?${rest
      .slice(queryAt + 1)
      .split('&')
      .map((pair) => {
        const key = pair.split('=')[0] ?? '';
        return allowed.includes(key) || !pair.includes('=') ? pair : `${key}=…`;
      })
      .join('&')}`;
    rest = rest.slice(0, queryAt);
  }
  const authorityAt = rest.indexOf('://');
  const userinfoEnd = rest.lastIndexOf('@');
  if (authorityAt >= 0 && userinfoEnd > authorityAt) {
    const userinfo = rest.slice(authorityAt + 3, userinfoEnd);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      rest = `${rest.slice(0, authorityAt + 3)}${userinfo.slice(0, colon)}${rest.slice(userinfoEnd)}`;
    }
  }
  return `${rest}${query}${fragment}`;
}
