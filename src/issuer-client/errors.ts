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
  /** The request may have reached the issuer and taken effect although no answer says so. */
  readonly mayHaveArrived: boolean;

  constructor(
    code: string,
    message: string,
    options: {
      status?: number;
      retried?: boolean;
      body?: Record<string, unknown>;
      exitCode?: ExitCode;
      hint?: ErrorHint;
      mayHaveArrived?: boolean;
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
    this.mayHaveArrived = options.mayHaveArrived ?? false;
  }
}

/**
 * Network failures keep only the error's code (ECONNREFUSED, timeout): a fetch error's message and
 * cause can carry the request, and the request carries the API key.
 */
export function issuerUnreachable(issuer: string, cause: unknown, sentSomething = false): IssuerError {
  const code = networkCode(cause);
  return new IssuerError(
    'ISSUER_UNREACHABLE',
    `Could not reach the issuer at ${issuer} (${code}). Check the issuer URL and that the issuer is running.`,
    { mayHaveArrived: sentSomething && !NEVER_SENT.has(cause instanceof HttpError ? cause.code : code) },
  );
}

/** Failures that happen before a request leaves: the issuer cannot have acted on it. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECT_TIMEOUT',
  'PROTOCOL',
  'REDIRECT',
]);

/**
 * The certificate request was sent (every retry with the same Idempotency-Key) but no answer came
 * back: a certificate may exist. It is pending, so it is not valid, and the issuer revokes it
 * itself when its activation deadline passes; the run stops before any store is written.
 */
export function answerLost(issuer: string, last: IssuerError): IssuerError {
  const why =
    last.status !== undefined
      ? `HTTP ${last.status}`
      : (last.message.match(/\(([^)]+)\)/)?.[1] ?? 'no answer');
  return new IssuerError(
    'ISSUER_ANSWER_LOST',
    `The issuer at ${issuer} did not answer the certificate request (${why}), also when asked again with the same idempotency key. A certificate may have been issued: if so it is pending, not valid, and the issuer revokes it (not-stored) when its activation timeout passes (15 minutes by default). Nothing was stored: every previous secret is unchanged. Run certify again once the issuer answers.`,
    { ...(last.status !== undefined && { status: last.status }), retried: true },
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
