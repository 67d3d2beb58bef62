/**
 * Every error the project raises on purpose is a PassgeniError: a stable `code` that scripts and
 * the action can branch on, a message that tells the user what to do next, and an exit code for
 * the CLI (0 ok, 1 check failed, 2 usage or input error, 3 runtime/service failure).
 *
 * Messages must never contain a credential, an API key, a token or a private key: they end up in
 * logs, job summaries and issue reports.
 */
export type ExitCode = 1 | 2 | 3;

/**
 * The settings an error can point the user at, by meaning. Each front end names them in its own
 * vocabulary (the CLI as `--issuer-url` / PASSGENI_ISSUER_URL, an action as its `issuer-url`
 * input), so the core never words a flag or an input itself.
 */
export type HintOption =
  | 'issuer-url'
  | 'api-key'
  | 'jwks'
  | 'store'
  | 'bind'
  | 'require-fips-mode'
  | 'shard'
  | 'max-rate'
  | 'expiring-within'
  | 'trust'
  | 'witness'
  | 'tsa-cert';

/**
 * What the user can do about an error, as data; front ends render it after the message.
 * - `set`: give the setting (or `or`, the alternative); `check`: its value is wrong or refused;
 *   `drop`: turn it off to go on without what it requires.
 * - `certify`: the setting belongs to certifying (it is named from another command, e.g. verify).
 * - `revoke`: revoke this certificate by hand, with this reason.
 */
export type ErrorHint =
  | { option: HintOption; fix?: 'set' | 'check' | 'drop'; or?: HintOption; certify?: boolean }
  | { revoke: string; reason: string };

export interface PassgeniErrorOptions {
  exitCode?: ExitCode;
  details?: Record<string, unknown>;
  hint?: ErrorHint;
  cause?: unknown;
}

export class PassgeniError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  /** Extra machine-readable detail, safe to print (never secret material). */
  readonly details: Record<string, unknown> | undefined;
  /** What to do about it; the message itself never names a front end's flag or input. */
  readonly hint: ErrorHint | undefined;

  constructor(code: string, message: string, options: PassgeniErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 3;
    this.details = options.details;
    this.hint = options.hint;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.message,
      code: this.code,
      ...(this.hint && { hint: this.hint }),
      ...(this.details ?? {}),
    };
  }
}

/** Bad input from a user: wrong flag, unknown standard, impossible parameters. Exit 2. */
export class InputError extends PassgeniError {
  constructor(code: string, message: string, options: Omit<PassgeniErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: 2 });
  }
}

export function isPassgeniError(value: unknown): value is PassgeniError {
  return value instanceof PassgeniError;
}

/** A printable message for anything thrown, without stack traces or foreign error bodies. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
