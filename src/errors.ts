/**
 * Every error the project raises on purpose is a PassgeniError: a stable `code` that scripts and
 * the action can branch on, a message that tells the user what to do next, and an exit code for
 * the CLI (0 ok, 1 check failed, 2 usage or input error, 3 runtime/service failure).
 *
 * Messages must never contain a credential, an API key, a token or a private key: they end up in
 * logs, job summaries and issue reports.
 */
export type ExitCode = 1 | 2 | 3;

export class PassgeniError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  /** Extra machine-readable detail, safe to print (never secret material). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: { exitCode?: ExitCode; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 3;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...(this.details ?? {}) };
  }
}

/** Bad input from a user: wrong flag, unknown standard, impossible parameters. Exit 2. */
export class InputError extends PassgeniError {
  constructor(
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, { ...options, exitCode: 2 });
  }
}

/** A check the user asked for did not hold: verification failed, binding mismatch. Exit 1. */
export class CheckFailedError extends PassgeniError {
  constructor(
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, { ...options, exitCode: 1 });
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
