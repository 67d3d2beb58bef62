// src/lib/http.ts
import { createRequire } from "node:module";
var HttpError = class extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
    this.name = "HttpError";
  }
  code;
  get timedOut() {
    return this.code === "CONNECT_TIMEOUT" || this.code === "TIMEOUT";
  }
};
var loadBuiltin = typeof process.getBuiltinModule === "function" ? process.getBuiltinModule.bind(process) : createRequire(import.meta.url);
var DEFAULTS = {
  connectTimeoutMs: 1e4,
  timeoutMs: 3e4,
  maxBodyBytes: 8 * 1024 * 1024
};
function defaultLimit(variable, fallback) {
  const raw = process.env[variable];
  if (raw === void 0 || raw.trim() === "") return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > 6e5) {
    throw new RangeError(
      `${variable} must be a whole number of milliseconds from 1 to 600000; unset it for the default (${fallback}).`
    );
  }
  return value;
}
function checkHttpLimitEnv() {
  defaultLimit("PASSGENI_HTTP_CONNECT_TIMEOUT_MS", DEFAULTS.connectTimeoutMs);
  defaultLimit("PASSGENI_HTTP_TIMEOUT_MS", DEFAULTS.timeoutMs);
}
var connectTimeoutOf = (request) => request.connectTimeoutMs ?? defaultLimit("PASSGENI_HTTP_CONNECT_TIMEOUT_MS", DEFAULTS.connectTimeoutMs);
var timeoutOf = (request) => request.timeoutMs ?? defaultLimit("PASSGENI_HTTP_TIMEOUT_MS", DEFAULTS.timeoutMs);
var MAX_REDIRECTS = 5;
function httpRequest(request) {
  const url = new URL(request.url);
  const deadline = Date.now() + timeoutOf(request);
  return exchange(request, url, request.method ?? "GET", request.body, deadline, 0);
}
function jsonBody(response) {
  if (response.text.trim() === "") return void 0;
  try {
    return JSON.parse(response.text);
  } catch {
    return void 0;
  }
}
function exchange(request, url, method, body, deadline, redirects) {
  const { origin } = url;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new HttpError("PROTOCOL", `Unsupported protocol ${url.protocol}`));
  }
  const connectMs = connectTimeoutOf(request);
  const totalMs = Math.max(0, deadline - Date.now());
  const maxBody = request.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const headers = { ...request.headers };
  if (body !== void 0) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const timers = [];
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      return true;
    };
    const fail = (code, message) => {
      if (!settle()) return;
      req.destroy();
      reject(new HttpError(code, message));
    };
    const transport = loadBuiltin(url.protocol === "https:" ? "node:https" : "node:http");
    const req = transport.request(url, {
      method,
      headers,
      ...request.ca !== void 0 && { ca: request.ca },
      ...request.rejectUnauthorized !== void 0 && { rejectUnauthorized: request.rejectUnauthorized }
    });
    const limit = (ms, code, message) => {
      const timer = setTimeout(() => fail(code, message), ms);
      timer.unref();
      timers.push(timer);
      return timer;
    };
    limit(totalMs, "TIMEOUT", `${origin} did not answer within ${timeoutOf(request)} ms.`);
    const connecting = limit(
      connectMs,
      "CONNECT_TIMEOUT",
      `Could not connect to ${origin} within ${connectMs} ms.`
    );
    req.on("socket", (socket) => {
      if (!socket.connecting) return clearTimeout(connecting);
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connecting));
    });
    req.on("error", (error) => unreachable(error, origin, fail));
    req.on("response", (res) => {
      clearTimeout(connecting);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== void 0) {
        res.resume();
        if (!settle()) return;
        follow(request, url, method, body, status, location, deadline, redirects).then(resolve, reject);
        return;
      }
      read(res, maxBody, origin, fail, (text) => {
        if (settle()) resolve({ status, headers: res.headers, text });
      });
    });
    req.end(body);
  });
}
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
function follow(request, from, method, body, status, location, deadline, redirects) {
  const refuse = (why) => Promise.reject(new HttpError("REDIRECT", `${from.origin} ${why}`));
  let to;
  try {
    to = new URL(location, from);
  } catch {
    return refuse("redirected to an invalid URL.");
  }
  if (to.hostname !== from.hostname || from.protocol === "https:" && to.protocol === "http:") {
    return refuse(
      `redirected to ${to.origin}; only a redirect on the same host (over https if it was) is followed.`
    );
  }
  if (redirects >= MAX_REDIRECTS) return refuse("redirected too many times.");
  if (status === 303 || (status === 301 || status === 302) && method === "POST") {
    const headers = Object.fromEntries(
      Object.entries(request.headers ?? {}).filter(([name]) => !/^content-(type|length)$/i.test(name))
    );
    return exchange({ ...request, headers }, to, "GET", void 0, deadline, redirects + 1);
  }
  return exchange(request, to, method, body, deadline, redirects + 1);
}
function read(res, maxBody, origin, fail, done) {
  const tooLarge = () => fail("TOO_LARGE", `The answer from ${origin} is larger than ${maxBody} bytes; it was not read.`);
  if (Number(res.headers["content-length"]) > maxBody) return tooLarge();
  const chunks = [];
  let size = 0;
  res.on("data", (chunk) => {
    size += chunk.length;
    if (size > maxBody) return tooLarge();
    chunks.push(chunk);
  });
  res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
  res.on("error", (error) => unreachable(error, origin, fail));
  res.on("close", () => {
    if (!res.complete) fail("ECONNRESET", `${origin} closed the connection before the answer was complete.`);
  });
}
function unreachable(error, origin, fail) {
  const code = error.code ?? "ECONNRESET";
  fail(code, `Could not reach ${origin} (${code}).`);
}
var PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];
function useProxyFromEnv(env = process.env) {
  if (!PROXY_VARIABLES.some((name) => (env[name] ?? "") !== "")) return "none";
  const http = loadBuiltin("node:http");
  if (typeof http.setGlobalProxyFromEnv !== "function") return "unsupported";
  http.setGlobalProxyFromEnv(env);
  return "enabled";
}

export {
  HttpError,
  checkHttpLimitEnv,
  httpRequest,
  jsonBody,
  useProxyFromEnv
};
