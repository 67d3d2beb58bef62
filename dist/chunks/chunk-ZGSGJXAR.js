import {
  HttpError
} from "./chunk-QUX7DFRJ.js";
import {
  PassgeniError
} from "./chunk-FKYOR5TL.js";

// src/issuer-client/errors.ts
var IssuerError = class extends PassgeniError {
  status;
  retried;
  body;
  /** The request may have reached the issuer and taken effect although no answer says so. */
  mayHaveArrived;
  constructor(code, message, options = {}) {
    const violations = options.body?.violations;
    super(code, message, {
      exitCode: options.exitCode ?? 3,
      ...options.hint && { hint: options.hint },
      details: {
        ...options.status !== void 0 && { status: options.status },
        ...Array.isArray(violations) && { violations }
      }
    });
    this.status = options.status;
    this.retried = options.retried ?? false;
    this.body = options.body;
    this.mayHaveArrived = options.mayHaveArrived ?? false;
  }
};
function issuerUnreachable(issuer, cause, sentSomething = false) {
  const code = networkCode(cause);
  return new IssuerError(
    "ISSUER_UNREACHABLE",
    `Could not reach the issuer at ${issuer} (${code}). Check the issuer URL and that the issuer is running.`,
    { mayHaveArrived: sentSomething && !NEVER_SENT.has(cause instanceof HttpError ? cause.code : code) }
  );
}
var NEVER_SENT = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "PROTOCOL",
  "REDIRECT"
]);
function answerLost(issuer, last) {
  const why = last.status !== void 0 ? `HTTP ${last.status}` : last.message.match(/\(([^)]+)\)/)?.[1] ?? "no answer";
  return new IssuerError(
    "ISSUER_ANSWER_LOST",
    `The issuer at ${issuer} did not answer the certificate request (${why}), also when asked again with the same idempotency key. A certificate may have been issued: if so it is pending, not valid, and the issuer revokes it (not-stored) when its activation timeout passes (15 minutes by default). Nothing was stored: every previous secret is unchanged. Run certify again once the issuer answers.`,
    { ...last.status !== void 0 && { status: last.status }, retried: true }
  );
}
function networkCode(cause) {
  if (cause instanceof HttpError) return cause.timedOut ? "timed out" : cause.code;
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return "timed out";
    const inner = cause.cause;
    if (inner && typeof inner.code === "string") return inner.code;
  }
  return "network error";
}

export {
  IssuerError,
  issuerUnreachable,
  answerLost
};
