import { PassgeniError, type ErrorHint, type ExitCode } from '../errors.js';
import { HttpError } from '../lib/http.js';

/**
 * The issuer refused or could not be reached. `code` is the issuer's own code when it sent one
 * (SESSION_EXPIRED, POLICY_VIOLATION, RATE_LIMITED, …), so callers branch on the same codes the
 * protocol documents.
 */
export class IssuerError extends PassgeniError {
  readonly status: number | undefined;
  readonly retried: boolean;
  readonly body: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: {
      status?: number;
      retried?: boolean;
      body?: Record<string, unknown>;
      exitCode?: ExitCode;
      hint?: ErrorHint;
    } = {},
  ) {
    const violations = options.body?.violations;
    super(code, message, {
      exitCode: options.exitCode ?? 3,
      ...(options.hint && { hint: options.hint }),
      details: {
        ...(options.status !== undefined && { status: options.status }),
        ...(Array.isArray(violations) && { violations }),
      },
    });
    this.status = options.status;
    this.retried = options.retried ?? false;
    this.body = options.body;
  }
}

/**
 * Network failures keep only the error's code (ECONNREFUSED, timeout): a fetch error's message and
 * cause can carry the request, and the request carries the API key.
 */
export function issuerUnreachable(issuer: string, cause: unknown): IssuerError {
  const code = networkCode(cause);
  return new IssuerError(
    'ISSUER_UNREACHABLE',
    `Could not reach the issuer at ${issuer} (${code}). Check the issuer URL and that the issuer is running.`,
  );
}

function networkCode(cause: unknown): string {
  if (cause instanceof HttpError) return cause.timedOut ? 'timed out' : cause.code;
  // A `fetch` given by the caller fails as fetch does.
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return 'timed out';
    const inner = (cause as { cause?: { code?: unknown } }).cause;
    if (inner && typeof inner.code === 'string') return inner.code;
  }
  return 'network error';
}
