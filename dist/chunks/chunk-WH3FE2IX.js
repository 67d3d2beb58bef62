import {
  HttpError,
  httpRequest
} from "./chunk-QUX7DFRJ.js";

// src/lib/retry.ts
import { setTimeout as sleep } from "node:timers/promises";
var DEFAULT_RETRY = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 3e4 };
async function withRetry(policy, run, classify) {
  for (let attempt = 1; ; attempt++) {
    let outcome;
    try {
      outcome = { ok: true, value: await run(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const wait = classify(outcome);
    if (wait === null || attempt >= policy.maxAttempts || wait > policy.maxDelayMs) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await sleep(wait > 0 ? wait : backoff);
  }
}
function parseRetryAfter(value, now = Date.now()) {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === void 0 || text.trim() === "") return void 0;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1e3;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return void 0;
  return Math.max(0, date - now);
}
async function httpRequestWithRetry(policy, request, retryable) {
  let attempts = 0;
  const response = await withRetry(
    policy,
    (attempt) => {
      attempts = attempt;
      return httpRequest(request);
    },
    (outcome) => {
      if (!outcome.ok) {
        const { error } = outcome;
        return error instanceof HttpError && !PERMANENT.has(error.code) ? 0 : null;
      }
      return retryable(outcome.value) ? parseRetryAfter(outcome.value.headers["retry-after"]) ?? 0 : null;
    }
  );
  return { ...response, attempts };
}
var PERMANENT = /* @__PURE__ */ new Set(["TOO_LARGE", "REDIRECT", "PROTOCOL"]);

export {
  DEFAULT_RETRY,
  withRetry,
  parseRetryAfter,
  httpRequestWithRetry
};
