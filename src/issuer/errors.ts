import { PassgeniError } from '../errors.js';
import type { ExitCode } from '../errors.js';

/**
 * An error the issuer answers a request with. `status` is the HTTP status the server sends; the
 * in-process local issuer throws the same errors, so a caller branches on `code` either way.
 * Messages are written for the API user and never contain a key, a token or a request body.
 */
export class IssuerServiceError extends PassgeniError {
  readonly status: number;
  /** Seconds until a retry may succeed (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { details?: Record<string, unknown>; retryAfter?: number; cause?: unknown } = {},
  ) {
    // a certificate that does not exist is exit 1 from every command and client (README)
    const exitCode: ExitCode =
      code === 'CERTIFICATE_NOT_FOUND' ? 1 : status >= 400 && status < 500 && status !== 429 ? 2 : 3;
    super(code, message, {
      exitCode,
      ...(options.details !== undefined && { details: options.details }),
      ...(options.cause !== undefined && { cause: options.cause }),
    });
    this.status = status;
    this.retryAfter = options.retryAfter;
  }
}

/**
 * HTTP status for codes raised outside the issuer (the policy module's input errors). Anything
 * else that is an input error is a 400; anything unknown is a 500.
 */
const STATUS_BY_CODE: Record<string, number> = {
  POLICY_VIOLATION: 422,
  INVALID_PARAMS: 400,
  UNKNOWN_STANDARD: 400,
  INVALID_CLAIMS: 400,
};

export function httpStatusOf(error: unknown): number {
  if (error instanceof IssuerServiceError) return error.status;
  if (error instanceof PassgeniError) {
    const mapped = STATUS_BY_CODE[error.code];
    if (mapped !== undefined) return mapped;
    return error.exitCode === 2 ? 400 : 500;
  }
  return 500;
}

export const invalidRequest = (message: string, issues: Array<{ path: string; message: string }>) =>
  new IssuerServiceError('INVALID_REQUEST', 400, message, { details: { issues } });

/** An error's message, for the logs (never for a response: it may come from a library). */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
