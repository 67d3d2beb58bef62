import {
  quoteServerMessages
} from "./chunk-GRXQ7AD5.js";
import {
  httpRequestWithRetry,
  parseRetryAfter
} from "./chunk-WH3FE2IX.js";
import {
  StoreError,
  urlNotAttached
} from "./chunk-YNJCMOEG.js";
import {
  HttpError,
  jsonBody
} from "./chunk-QUX7DFRJ.js";
import "./chunk-FKYOR5TL.js";

// adapters/doppler.ts
var DEFAULT_API = "https://api.doppler.com";
var RETRYABLE = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var NOTE_PREFIX = "PassGeni certificate";
var TOKEN_HINT = "Use a token that can write this config: a service token with read/write access (dp.st.\u2026), a service account token (dp.sa.\u2026) with write access to the project, or a personal/CLI token; pass it as DOPPLER_TOKEN. Notes apply to the secret in every environment of the project, which a config-scoped service token may not be allowed to change.";
function composeNote(existing, config, certUrl) {
  const line = `${NOTE_PREFIX} (${config}): ${certUrl}`;
  const kept = existing.split("\n").filter((l) => !l.startsWith(`${NOTE_PREFIX} (${config}): `)).join("\n").trimEnd();
  return kept === "" ? line : `${kept}
${line}`;
}
function certUrlFromNote(note, config) {
  const prefix = `${NOTE_PREFIX} (${config}): `;
  const line = note.split("\n").findLast((l) => l.startsWith(prefix));
  const url = line?.slice(prefix.length).trim();
  return url === "" ? void 0 : url;
}
var DopplerStore = class {
  constructor(parsed, token, api, retry) {
    this.parsed = parsed;
    this.token = token;
    this.api = api;
    this.retry = retry;
    this.uri = parsed.uri;
  }
  parsed;
  token;
  api;
  retry;
  kind = "doppler";
  uri;
  get where() {
    return `${this.parsed.project}/${this.parsed.config}/${this.parsed.name}`;
  }
  /** 429 waits as long as Retry-After says; 5xx and network failures back off. */
  async send(method, path, payload, query) {
    const url = new URL(path, this.api);
    if (query) url.search = query.toString();
    const headers = {
      accept: "application/json",
      authorization: `Bearer ${this.token}`
    };
    if (payload !== void 0) headers["content-type"] = "application/json";
    try {
      return await httpRequestWithRetry(
        this.retry,
        { method, url, headers, ...payload !== void 0 && { body: JSON.stringify(payload) } },
        (response) => RETRYABLE.has(response.status)
      );
    } catch (error) {
      if (error instanceof HttpError) {
        throw new StoreError(
          "STORE_UNAVAILABLE",
          `Could not reach Doppler at ${this.api.origin}${error.code ? ` (${error.code})` : ""}.`,
          { store: this.uri }
        );
      }
      throw error;
    }
  }
  failure(response, doing, secrets) {
    const body = jsonBody(response);
    const said = quoteServerMessages(body?.messages, [this.token, ...secrets]);
    let code = "STORE_WRITE_FAILED";
    let message;
    if (response.status === 401) {
      code = "STORE_ACCESS_DENIED";
      message = `Doppler rejected the token when trying to ${doing} (HTTP 401)${said}. ${TOKEN_HINT}`;
    } else if (response.status === 403) {
      code = "STORE_ACCESS_DENIED";
      message = `The Doppler token may not ${doing} (HTTP 403)${said}. ${TOKEN_HINT}`;
    } else if (response.status === 404) {
      code = "STORE_NOT_FOUND";
      message = `Doppler found no project "${this.parsed.project}" with config "${this.parsed.config}" to ${doing} (HTTP 404)${said}.`;
    } else if (response.status === 429) {
      code = "STORE_THROTTLED";
      const after = parseRetryAfter(response.headers["retry-after"]);
      message = `Doppler rate-limited the request to ${doing} (HTTP 429, ${response.attempts ?? 1} attempt(s))${after !== void 0 ? `; it asks to wait ${Math.ceil(after / 1e3)} s` : ""}${said}.`;
    } else if (response.status >= 500) {
      code = "STORE_UNAVAILABLE";
      message = `Doppler failed to ${doing} (HTTP ${response.status})${said}; retry later.`;
    } else {
      message = `Doppler refused to ${doing} (HTTP ${response.status})${said}.`;
    }
    return new StoreError(code, message, { store: this.uri });
  }
  async readSecret(secrets) {
    const { project, config, name } = this.parsed;
    const response = await this.send(
      "GET",
      "/v3/configs/config/secret",
      void 0,
      new URLSearchParams({ project, config, name })
    );
    if (response.status === 404) return void 0;
    if (response.status !== 200) throw this.failure(response, `read ${this.where}`, secrets);
    const value = jsonBody(response)?.value;
    return {
      raw: typeof value?.raw === "string" ? value.raw : "",
      note: typeof value?.note === "string" ? value.note : ""
    };
  }
  async write(request) {
    const { project, config, name } = this.parsed;
    const previous = await this.readSecret([request.credential]);
    const secrets = [request.credential, previous?.raw];
    if (previous?.raw !== request.credential) {
      const change = { name, value: request.credential };
      if (previous !== void 0) {
        change.originalName = name;
        change.originalValue = previous.raw;
      }
      const response = await this.send("POST", "/v3/configs/config/secrets", {
        project,
        config,
        change_requests: [change]
      });
      if (response.status !== 200) {
        if (response.status >= 400 && response.status < 500 && ![401, 403, 404, 429].includes(response.status)) {
          const now = await this.readSecret(secrets);
          if (now?.raw === request.credential) return this.attachNote(request, now.note);
          if (now?.raw !== previous?.raw) {
            throw new StoreError(
              "STORE_CONFLICT",
              `Doppler secret ${this.where} was changed by someone else after it was read; nothing was overwritten. Re-run to write on top of the new value.`,
              { store: this.uri }
            );
          }
        }
        throw this.failure(response, `update ${this.where}`, secrets);
      }
    }
    return this.attachNote(request, previous?.note ?? "");
  }
  async attachNote(request, existingNote) {
    const { project, config, name } = this.parsed;
    const note = composeNote(existingNote, config, request.certUrl);
    const response = await this.send("POST", "/v3/configs/config/secrets/note", {
      project,
      config,
      secret: name,
      note
    });
    if (response.status !== 200) {
      const failure = this.failure(response, `set the note of ${this.where}`, [request.credential]);
      throw urlNotAttached(this.uri, "in Doppler", failure.message);
    }
    return { store: this.uri };
  }
  /** A read: checks the token, the project and the config (a missing secret is created by the write). */
  async preflight() {
    await this.readSecret([]);
  }
  async readCredential() {
    return (await this.readSecret([]))?.raw;
  }
  async readCertificateUrl() {
    const secret = await this.readSecret([]);
    return secret === void 0 ? void 0 : certUrlFromNote(secret.note, this.parsed.config);
  }
};
function openDopplerStore(parsed, context) {
  const token = context.options.dopplerToken ?? context.env.DOPPLER_TOKEN;
  if (!token) {
    throw new StoreError(
      "STORE_AUTH_MISSING",
      `No Doppler token: set DOPPLER_TOKEN (or pass one). ${TOKEN_HINT}`,
      { store: parsed.uri }
    );
  }
  const rawApi = context.env.DOPPLER_API_HOST ?? DEFAULT_API;
  let api;
  try {
    api = new URL(rawApi);
  } catch {
    throw new StoreError("STORE_AUTH_MISSING", `DOPPLER_API_HOST "${rawApi}" is not a URL.`, {
      store: parsed.uri
    });
  }
  return new DopplerStore(parsed, token, api, context.retry);
}
export {
  DopplerStore,
  certUrlFromNote,
  composeNote,
  openDopplerStore
};
