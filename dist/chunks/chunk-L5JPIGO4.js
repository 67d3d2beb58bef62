import {
  HttpError
} from "./chunk-GASDKVEH.js";
import {
  PassgeniError
} from "./chunk-QISINA34.js";

// src/issuer-client/errors.ts
var IssuerError = class extends PassgeniError {
  status;
  retried;
  body;
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
  }
};
function issuerUnreachable(issuer, cause) {
  const code = networkCode(cause);
  return new IssuerError(
    "ISSUER_UNREACHABLE",
    `Could not reach the issuer at ${issuer} (${code}). Check the issuer URL and that the issuer is running.`
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
  issuerUnreachable
};
