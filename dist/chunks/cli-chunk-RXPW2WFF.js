#!/usr/bin/env node

// adapters/internal/http.ts
import http from "node:http";
import https from "node:https";
var TransportError = class extends Error {
  code;
  constructor(origin, code) {
    super(`could not reach ${origin}${code ? ` (${code})` : ""}`);
    this.name = "TransportError";
    this.code = code;
  }
};
function httpRequest(request) {
  const { url } = request;
  const transport = url.protocol === "http:" ? http : https;
  const headers = { ...request.headers };
  if (request.body !== void 0) headers["content-length"] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method,
        headers,
        timeout: request.timeoutMs ?? 3e4,
        ...request.ca !== void 0 && { ca: request.ca },
        ...request.rejectUnauthorized !== void 0 && { rejectUnauthorized: request.rejectUnauthorized }
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("error", (error) => reject(new TransportError(url.origin, error.code)));
        res.on(
          "end",
          () => resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8")
          })
        );
      }
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error) => reject(new TransportError(url.origin, error.code)));
    if (request.body !== void 0) req.write(request.body);
    req.end();
  });
}
function jsonBody(response) {
  if (response.text.trim() === "") return void 0;
  try {
    return JSON.parse(response.text);
  } catch {
    return void 0;
  }
}

// adapters/internal/redact.ts
function redact(text, secrets, maxLength = 300) {
  let out = text;
  for (const secret of secrets) {
    if (secret !== void 0 && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.length > maxLength ? `${out.slice(0, maxLength)}\u2026` : out;
}
function quoteServerMessages(messages, secrets) {
  if (!Array.isArray(messages)) return "";
  const texts = messages.filter((m) => typeof m === "string" && m.trim() !== "");
  if (texts.length === 0) return "";
  return ` (server said: ${redact(texts.join("; "), secrets)})`;
}

export {
  TransportError,
  httpRequest,
  jsonBody,
  redact,
  quoteServerMessages
};
