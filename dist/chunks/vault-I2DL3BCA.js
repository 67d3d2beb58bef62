import {
  redact
} from "./chunk-GRXQ7AD5.js";
import {
  httpRequestWithRetry
} from "./chunk-WH3FE2IX.js";
import {
  JsonTextError,
  memberText,
  spliceMember,
  stringMember
} from "./chunk-OG3MJKAZ.js";
import {
  encodeUriComponentLoose
} from "./chunk-XMJ75GVQ.js";
import {
  StoreError,
  urlForKey,
  urlNotAttached
} from "./chunk-YNJCMOEG.js";
import {
  HttpError,
  jsonBody
} from "./chunk-QUX7DFRJ.js";
import "./chunk-FKYOR5TL.js";

// adapters/vault/client.ts
function encodePath(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}
var RETRYABLE = /* @__PURE__ */ new Set([412, 429, 500, 502, 503, 504]);
function vaultErrors(response) {
  const body = jsonBody(response);
  return Array.isArray(body?.errors) ? body.errors.filter((e) => typeof e === "string") : [];
}
function isSealed(response) {
  return response.status === 503 && vaultErrors(response).some((e) => /sealed/i.test(e));
}
var VaultClient = class {
  constructor(connection, store) {
    this.connection = connection;
    this.store = store;
    const { auth } = connection;
    this.secrets.push(
      auth.method === "token" ? auth.token : auth.method === "approle" ? auth.secretId : auth.jwt
    );
  }
  connection;
  store;
  tokenPromise;
  /** Everything that must never appear in a message, whatever Vault echoes back. */
  secrets = [];
  get address() {
    return this.connection.addr.origin;
  }
  /** One authenticated request; a body is JSON unless `contentType` says otherwise. */
  async send(method, apiPath, body, contentType) {
    return this.exchange(method, apiPath, await this.token(), body, contentType);
  }
  /** Retries on 412 (standby not caught up), 429, 5xx except sealed, and network errors. */
  async exchange(method, apiPath, token, body, contentType = "application/json") {
    const { connection } = this;
    const url = new URL(
      `v1/${apiPath}`,
      connection.addr.href.endsWith("/") ? connection.addr : `${connection.addr.href}/`
    );
    const headers = { accept: "application/json" };
    if (token !== void 0) headers["x-vault-token"] = token;
    if (connection.namespace !== void 0) headers["x-vault-namespace"] = connection.namespace;
    if (body !== void 0) headers["content-type"] = contentType;
    try {
      return await httpRequestWithRetry(
        connection.retry,
        {
          method,
          url,
          headers,
          ...body !== void 0 && { body },
          ...connection.ca !== void 0 && { ca: connection.ca },
          ...connection.rejectUnauthorized !== void 0 && {
            rejectUnauthorized: connection.rejectUnauthorized
          }
        },
        (response) => RETRYABLE.has(response.status) && !isSealed(response)
      );
    } catch (error) {
      if (error instanceof HttpError) {
        throw new StoreError(
          "STORE_UNAVAILABLE",
          `Could not reach Vault at ${this.address}${error.code ? ` (${error.code})` : ""}. Check VAULT_ADDR.`,
          { store: this.store }
        );
      }
      throw error;
    }
  }
  token() {
    this.tokenPromise ??= this.login();
    return this.tokenPromise;
  }
  async login() {
    const { auth } = this.connection;
    if (auth.method === "token") return auth.token;
    const body = auth.method === "approle" ? JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId }) : JSON.stringify({ role: auth.role, jwt: auth.jwt });
    const response = await this.exchange("POST", `auth/${encodePath(auth.mount)}/login`, void 0, body);
    const token = jsonBody(response)?.auth?.client_token;
    if (response.status === 200 && typeof token === "string" && token !== "") {
      this.secrets.push(token);
      return token;
    }
    const what = auth.method === "approle" ? "AppRole" : `JWT (role "${auth.role}")`;
    const failure = this.failure(response, `log in with ${what} at auth/${auth.mount}`);
    if (response.status === 400 || response.status === 403 || response.status === 401) {
      throw new StoreError("STORE_ACCESS_DENIED", failure.message, { store: this.store });
    }
    throw failure;
  }
  /** A StoreError for a Vault error response; Vault's own `errors` are quoted, scrubbed of secrets. */
  failure(response, doing, options = {}) {
    const said = vaultErrors(response);
    const quoted = said.length ? `: ${redact(said.join("; "), [...this.secrets, ...options.extraSecrets ?? []])}` : "";
    let code;
    let message;
    if (response.status === 403 || response.status === 401) {
      code = "STORE_ACCESS_DENIED";
      message = `Vault denied the request to ${doing} (HTTP ${response.status})${quoted}.${options.hint ? ` ${options.hint}` : ""}`;
    } else if (isSealed(response)) {
      code = "STORE_UNAVAILABLE";
      message = `Vault is sealed, so it cannot ${doing}. Unseal it (or point VAULT_ADDR at an unsealed node) and retry.`;
    } else if (response.status === 429) {
      code = "STORE_THROTTLED";
      message = `Vault rate-limited the request to ${doing} (HTTP 429, ${response.attempts ?? 1} attempt(s)); retry later.`;
    } else if (response.status >= 500 || response.status === 412) {
      code = "STORE_UNAVAILABLE";
      message = `Vault failed to ${doing} (HTTP ${response.status})${quoted}; retry later.`;
    } else if (response.status === 404) {
      code = "STORE_NOT_FOUND";
      message = `Vault found nothing to ${doing} (HTTP 404)${quoted}. Is the mount a KV version 2 secrets engine?`;
    } else {
      code = "STORE_WRITE_FAILED";
      message = `Vault refused to ${doing} (HTTP ${response.status})${quoted}.`;
    }
    return new StoreError(code, message, { store: this.store });
  }
};

// adapters/vault/config.ts
import { readFile } from "node:fs/promises";
var DEFAULT_ADDR = "https://127.0.0.1:8200";
function truthy(value) {
  return value !== void 0 && !["", "0", "false", "no"].includes(value.toLowerCase());
}
function resolveAuth(context, store) {
  const { env } = context;
  const options = context.options.vault ?? {};
  const token = env.VAULT_TOKEN;
  const roleId = options.roleId ?? env.VAULT_ROLE_ID;
  const secretId = options.secretId ?? env.VAULT_SECRET_ID;
  const method = options.auth ?? (token ? "token" : roleId && secretId ? "approle" : options.jwt ? "jwt" : void 0);
  const missing = (what) => new StoreError("STORE_AUTH_MISSING", `Vault ${what}`, { store });
  switch (method) {
    case "token":
      if (!token) throw missing("token auth needs VAULT_TOKEN.");
      return { method, token };
    case "approle":
      if (!roleId || !secretId) {
        throw missing("AppRole auth needs a role id and a secret id (VAULT_ROLE_ID and VAULT_SECRET_ID).");
      }
      return { method, mount: options.approleMount ?? "approle", roleId, secretId };
    case "jwt":
      if (!options.jwt || !options.role) {
        throw missing("JWT auth needs the JWT (e.g. the GitHub OIDC token) and the Vault role to log in as.");
      }
      return { method, mount: options.jwtMount ?? "jwt", role: options.role, jwt: options.jwt };
    default:
      throw missing(
        "credentials are missing: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole, or pass a JWT and role (GitHub OIDC) for JWT auth."
      );
  }
}
async function resolveConnection(context, store) {
  const { env } = context;
  const rawAddr = env.VAULT_ADDR ?? DEFAULT_ADDR;
  let addr;
  try {
    addr = new URL(rawAddr);
  } catch {
    throw new StoreError("STORE_AUTH_MISSING", `VAULT_ADDR "${rawAddr}" is not a URL.`, { store });
  }
  let ca;
  if (env.VAULT_CACERT) {
    try {
      ca = await readFile(env.VAULT_CACERT, "utf8");
    } catch (error) {
      throw new StoreError(
        "STORE_AUTH_MISSING",
        `VAULT_CACERT (${env.VAULT_CACERT}) cannot be read (${error.code ?? "error"}).`,
        { store }
      );
    }
  }
  return {
    addr,
    namespace: env.VAULT_NAMESPACE || void 0,
    ca,
    rejectUnauthorized: truthy(env.VAULT_SKIP_VERIFY) ? false : void 0,
    auth: resolveAuth(context, store),
    retry: context.retry
  };
}

// adapters/vault/metadata.ts
var CERT_URL_METADATA = "passgeni-cert-url";
var CERT_KEY_METADATA = "passgeni-cert-key";
async function readCustomMetadata(client, metadataPath, where) {
  const response = await client.send("GET", metadataPath);
  if (response.status === 404) return void 0;
  if (response.status !== 200) throw client.failure(response, `read the metadata of ${where}`);
  const custom = jsonBody(response)?.data?.custom_metadata;
  return custom !== null && typeof custom === "object" ? custom : void 0;
}

// adapters/vault/list.ts
async function* listVault(client, prefix) {
  const mount = encodePath(prefix.mount);
  const shownMount = encodeUriComponentLoose(prefix.mount).replace(/\//g, "%2F");
  const pending = [prefix.pathPrefix];
  while (pending.length > 0) {
    const folder = pending.shift();
    const folderPath = folder === "" ? "" : `${encodePath(folder)}/`;
    const response = await client.send("GET", `${mount}/metadata/${folderPath}?list=true`);
    if (response.status === 404) {
      if (folder === prefix.pathPrefix && folder !== "") {
        const metadata = await readCustomMetadata(client, `${mount}/metadata/${encodePath(folder)}`, folder);
        if (metadata !== void 0) yield refFor(shownMount, folder, metadata);
      }
      continue;
    }
    if (response.status !== 200) {
      throw client.failure(response, `list ${prefix.mount}/metadata/${folder}`, {
        hint: `Listing needs the "list" and "read" capabilities on "${prefix.mount}/metadata/${folder}*".`
      });
    }
    const keys = jsonBody(response)?.data?.keys;
    for (const entry of Array.isArray(keys) ? keys : []) {
      if (typeof entry !== "string") continue;
      const child = folder === "" ? entry : `${folder}/${entry}`;
      if (entry.endsWith("/")) {
        pending.push(child.replace(/\/$/, ""));
        continue;
      }
      const metadata = await readCustomMetadata(client, `${mount}/metadata/${encodePath(child)}`, child);
      yield refFor(shownMount, child, metadata);
    }
  }
}
function refFor(shownMount, path, metadata) {
  const key = metadata?.[CERT_KEY_METADATA];
  const url = metadata?.[CERT_URL_METADATA];
  return {
    uri: `vault://${shownMount}/${encodeUriComponentLoose(path)}${typeof key === "string" ? `#${encodeUriComponentLoose(key)}` : ""}`,
    certUrl: typeof url === "string" ? url : void 0
  };
}

// adapters/vault/store.ts
var METADATA_VALUE_MAX_BYTES = 512;
var CAS_MISMATCH = /check-and-set parameter did not match/i;
function policyHint(mount, path) {
  return `The token's policy needs: path "${mount}/data/${path}" { capabilities = ["create", "update", "read"] } and path "${mount}/metadata/${path}" { capabilities = ["patch", "read"] }.`;
}
var VaultStore = class {
  constructor(parsed, client) {
    this.parsed = parsed;
    this.client = client;
    this.uri = parsed.uri;
  }
  parsed;
  client;
  kind = "vault";
  uri;
  get dataPath() {
    return `${encodePath(this.parsed.mount)}/data/${encodePath(this.parsed.path)}`;
  }
  get metadataPath() {
    return `${encodePath(this.parsed.mount)}/metadata/${encodePath(this.parsed.path)}`;
  }
  get where() {
    return `${this.parsed.mount}/${this.parsed.path}`;
  }
  async readCurrent(secrets) {
    const response = await this.client.send("GET", this.dataPath);
    const body = jsonBody(response);
    const version = typeof body?.data?.metadata?.version === "number" ? body.data.metadata.version : 0;
    if (response.status === 200) {
      const dataText = memberText(response.text, ["data", "data"]);
      return { dataText: dataText === void 0 || dataText === "null" ? "{}" : dataText, version };
    }
    if (response.status === 404) return { dataText: "{}", version };
    throw this.client.failure(response, `read ${this.where}`, {
      hint: policyHint(this.parsed.mount, this.parsed.path),
      extraSecrets: secrets
    });
  }
  /** Checked before anything is written, so a value cannot be left without its URL. */
  checkMetadataLimits(request) {
    for (const [name, value] of [
      [CERT_URL_METADATA, request.certUrl],
      [CERT_KEY_METADATA, this.parsed.key]
    ]) {
      const bytes = Buffer.byteLength(value, "utf8");
      if (bytes < 1 || bytes > METADATA_VALUE_MAX_BYTES) {
        throw new StoreError(
          "STORE_INVALID_VALUE",
          `Custom metadata "${name}" would be ${bytes} bytes; Vault allows 1-${METADATA_VALUE_MAX_BYTES}. Nothing was written.`,
          { store: this.uri }
        );
      }
    }
  }
  /**
   * Reads the secret as the write will (token, mount, read permission, a key that can be set) and
   * asks Vault which capabilities the token has on the two paths the write uses.
   */
  async preflight() {
    const current = await this.readCurrent([]);
    try {
      spliceMember(current.dataText, this.parsed.key, '""');
    } catch (error) {
      const reason = error instanceof JsonTextError ? error.message : "it could not be parsed";
      throw new StoreError(
        "STORE_INVALID_VALUE",
        `Cannot set #${this.parsed.key} in ${this.where}: ${reason}.`,
        {
          store: this.uri
        }
      );
    }
    const data = `${this.parsed.mount}/data/${this.parsed.path}`;
    const metadata = `${this.parsed.mount}/metadata/${this.parsed.path}`;
    const response = await this.client.send(
      "POST",
      "sys/capabilities-self",
      JSON.stringify({ paths: [data, metadata] })
    );
    if (response.status !== 200) return;
    const body = jsonBody(response);
    const has = (path, wanted) => {
      const list = body?.data?.[path] ?? body?.[path];
      return Array.isArray(list) && !list.includes("deny") && (list.includes("root") || wanted.some((capability) => list.includes(capability)));
    };
    if (!has(data, [current.version === 0 ? "create" : "update"]) || !has(metadata, ["patch"])) {
      throw new StoreError(
        "STORE_ACCESS_DENIED",
        `The Vault token may not write ${this.where}. ${policyHint(this.parsed.mount, this.parsed.path)}`,
        { store: this.uri }
      );
    }
  }
  async write(request) {
    this.checkMetadataLimits(request);
    const { key } = this.parsed;
    const secrets = [request.credential];
    const current = await this.readCurrent(secrets);
    secrets.push(...stringLeaves(JSON.parse(current.dataText)));
    let version;
    if (JSON.parse(current.dataText)?.[key] === request.credential) {
      version = current.version;
    } else {
      let dataText;
      try {
        dataText = spliceMember(current.dataText, key, JSON.stringify(request.credential));
      } catch (error) {
        const reason = error instanceof JsonTextError ? error.message : "it could not be parsed";
        throw new StoreError(
          "STORE_INVALID_VALUE",
          `Cannot set #${key} in ${this.where}: ${reason}. Nothing was written.`,
          { store: this.uri }
        );
      }
      const body = `{"options":{"cas":${current.version}},"data":${dataText}}`;
      const response2 = await this.client.send("POST", this.dataPath, body);
      const written = jsonBody(response2)?.data?.version;
      if (response2.status === 200 && typeof written === "number") {
        version = written;
      } else if (response2.status === 400 && vaultErrors(response2).some((e) => CAS_MISMATCH.test(e))) {
        const now = await this.readCurrent(secrets);
        if (JSON.parse(now.dataText)?.[key] !== request.credential) {
          throw new StoreError(
            "STORE_CONFLICT",
            `Vault secret ${this.where} changed while we were writing (check-and-set expected version ${current.version}, it is now ${now.version}); nothing was overwritten. Re-run to write on top of the new version.`,
            { store: this.uri }
          );
        }
        version = now.version;
      } else {
        throw this.client.failure(response2, `write ${this.where}`, {
          hint: policyHint(this.parsed.mount, this.parsed.path),
          extraSecrets: secrets
        });
      }
    }
    const patch = JSON.stringify({
      custom_metadata: { [CERT_URL_METADATA]: request.certUrl, [CERT_KEY_METADATA]: key }
    });
    const response = await this.client.send(
      "PATCH",
      this.metadataPath,
      patch,
      "application/merge-patch+json"
    );
    if (response.status !== 200 && response.status !== 204) {
      const failure = this.client.failure(response, `update the metadata of ${this.where}`, {
        hint: policyHint(this.parsed.mount, this.parsed.path),
        extraSecrets: secrets
      });
      throw urlNotAttached(this.uri, `KV version ${version}`, failure.message, String(version));
    }
    return { store: this.uri, version: String(version) };
  }
  async readCredential() {
    const { dataText } = await this.readCurrent([]);
    const { key } = this.parsed;
    return stringMember(
      JSON.parse(dataText),
      key,
      `#${key} in ${this.where}`,
      this.uri
    );
  }
  async readCertificateUrl() {
    const metadata = await readCustomMetadata(this.client, this.metadataPath, this.where);
    return urlForKey(metadata?.[CERT_URL_METADATA], metadata?.[CERT_KEY_METADATA], this.parsed.key);
  }
};
function stringLeaves(value) {
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(stringLeaves);
}

// adapters/vault/index.ts
async function openClient(context, uri) {
  return new VaultClient(await resolveConnection(context, uri), uri);
}
export {
  CERT_KEY_METADATA,
  CERT_URL_METADATA,
  VaultStore,
  listVault,
  openClient
};
