import {
  redact
} from "./chunk-YZZIPD7B.js";
import {
  httpRequestWithRetry
} from "./chunk-MYV2R6EA.js";
import {
  JsonTextError,
  memberText,
  spliceMember
} from "./chunk-ATEFATXN.js";
import {
  encodeUriComponentLoose,
  parseStorePrefix
} from "./chunk-ETZHBGCH.js";
import {
  StoreError
} from "./chunk-G6BZJKCJ.js";
import {
  HttpError,
  jsonBody
} from "./chunk-6MFFN7GG.js";
import "./chunk-5NH2UF66.js";
import "./chunk-IC3VQLS5.js";

// adapters/vault/client.ts
function encodePath(path) {
  return path.split("/").map((segment) => encodeURIComponent(segment)).join("/");
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
  connection;
  store;
  tokenPromise;
  /** Everything that must never appear in a message, whatever Vault echoes back. */
  secrets = [];
  constructor(connection, store) {
    this.connection = connection;
    this.store = store;
    const { auth } = connection;
    if (auth.method === "token") this.secrets.push(auth.token);
    if (auth.method === "approle") this.secrets.push(auth.secretId);
    if (auth.method === "jwt") this.secrets.push(auth.jwt);
  }
  get address() {
    return this.connection.addr.origin;
  }
  /** One request with retries on 412 (standby not caught up), 429, 5xx except sealed, and network errors. */
  async send(method, apiPath, body, contentType, token) {
    const { connection } = this;
    const url = new URL(
      `v1/${apiPath}`,
      connection.addr.href.endsWith("/") ? connection.addr : `${connection.addr.href}/`
    );
    const headers = { accept: "application/json" };
    if (token !== void 0) headers["x-vault-token"] = token;
    if (connection.namespace !== void 0) headers["x-vault-namespace"] = connection.namespace;
    if (contentType !== void 0) headers["content-type"] = contentType;
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
  async token() {
    this.tokenPromise ??= this.login();
    return this.tokenPromise;
  }
  async login() {
    const { auth } = this.connection;
    if (auth.method === "token") return auth.token;
    const body = auth.method === "approle" ? JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId }) : JSON.stringify({ role: auth.role, jwt: auth.jwt });
    const response = await this.send(
      "POST",
      `auth/${encodePath(auth.mount)}/login`,
      body,
      "application/json"
    );
    const token = jsonBody(response)?.auth?.client_token;
    if (response.status === 200 && typeof token === "string" && token !== "") {
      this.secrets.push(token);
      return token;
    }
    const what = auth.method === "approle" ? "AppRole" : `JWT (role "${auth.role}")`;
    const mount = `auth/${auth.mount}`;
    const failure = this.failure(response, `log in with ${what} at ${mount}`, {});
    if (response.status === 400 || response.status === 403 || response.status === 401) {
      throw new StoreError("STORE_ACCESS_DENIED", failure.message, { store: this.store });
    }
    throw failure;
  }
  /** A StoreError for a Vault error response; Vault's own `errors` are quoted, scrubbed of secrets. */
  failure(response, doing, options) {
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
    return new StoreError(code, message, {
      store: this.store,
      ...options.credentialWritten !== void 0 && { credentialWritten: options.credentialWritten },
      ...options.version !== void 0 && { version: options.version }
    });
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
async function readCustomMetadata(client, metadataPath, store, where) {
  const token = await client.token();
  const response = await client.send("GET", metadataPath, void 0, void 0, token);
  if (response.status === 404) return void 0;
  if (response.status !== 200) {
    const failure = client.failure(response, `read the metadata of ${where}`, {});
    throw new StoreError(failure.code, failure.message, { store });
  }
  const custom = jsonBody(response)?.data?.custom_metadata;
  return custom !== null && typeof custom === "object" ? custom : void 0;
}
function certUrlFromMetadata(metadata, key) {
  const url = metadata?.[CERT_URL_METADATA];
  const forKey = metadata?.[CERT_KEY_METADATA];
  if (typeof forKey === "string" && forKey !== key) return void 0;
  return typeof url === "string" ? url : void 0;
}

// adapters/vault/list.ts
async function* listVault(client, prefixUri) {
  const prefix = parseStorePrefix(prefixUri);
  if (prefix.kind !== "vault") {
    throw new StoreError("STORE_URI_INVALID", `A Vault lister cannot list ${prefixUri}.`, {
      store: prefixUri
    });
  }
  const mount = encodePath(prefix.mount);
  const shownMount = encodeUriComponentLoose(prefix.mount).replace(/\//g, "%2F");
  const token = await client.token();
  const pending = [prefix.pathPrefix];
  while (pending.length > 0) {
    const folder = pending.shift();
    const folderPath = folder === "" ? "" : `${encodePath(folder)}/`;
    const response = await client.send(
      "GET",
      `${mount}/metadata/${folderPath}?list=true`,
      void 0,
      void 0,
      token
    );
    if (response.status === 404) {
      if (folder === prefix.pathPrefix && folder !== "") {
        const metadata = await readCustomMetadata(
          client,
          `${mount}/metadata/${encodePath(folder)}`,
          prefixUri,
          folder
        );
        if (metadata !== void 0) yield refFor(shownMount, folder, metadata);
      }
      continue;
    }
    if (response.status !== 200) {
      const failure = client.failure(response, `list ${prefix.mount}/metadata/${folder}`, {
        hint: `Listing needs the "list" and "read" capabilities on "${prefix.mount}/metadata/${folder}*".`
      });
      throw new StoreError(failure.code, failure.message, { store: prefixUri });
    }
    const keys = jsonBody(response)?.data?.keys;
    for (const entry of Array.isArray(keys) ? keys : []) {
      if (typeof entry !== "string") continue;
      const child = folder === "" ? entry : `${folder}/${entry}`;
      if (entry.endsWith("/")) {
        pending.push(child.replace(/\/$/, ""));
        continue;
      }
      const metadata = await readCustomMetadata(
        client,
        `${mount}/metadata/${encodePath(child)}`,
        prefixUri,
        child
      );
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
function byteLength(value) {
  return Buffer.byteLength(value, "utf8");
}
var VaultStore = class {
  kind = "vault";
  uri;
  parsed;
  client;
  constructor(parsed, client) {
    this.parsed = parsed;
    this.uri = parsed.uri;
    this.client = client;
  }
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
    const token = await this.client.token();
    const response = await this.client.send("GET", this.dataPath, void 0, void 0, token);
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
  checkMetadataLimits(request) {
    for (const [name, value] of [
      [CERT_URL_METADATA, request.certUrl],
      [CERT_KEY_METADATA, this.parsed.key]
    ]) {
      if (byteLength(value) < 1 || byteLength(value) > METADATA_VALUE_MAX_BYTES) {
        throw new StoreError(
          "STORE_INVALID_VALUE",
          `Custom metadata "${name}" would be ${byteLength(value)} bytes; Vault allows 1-${METADATA_VALUE_MAX_BYTES}. Nothing was written.`,
          { store: this.uri }
        );
      }
    }
  }
  async write(request) {
    this.checkMetadataLimits(request);
    const { key } = this.parsed;
    const secrets = [request.credential];
    const current = await this.readCurrent(secrets);
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
      const token2 = await this.client.token();
      const response2 = await this.client.send("POST", this.dataPath, body, "application/json", token2);
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
    const token = await this.client.token();
    const response = await this.client.send(
      "PATCH",
      this.metadataPath,
      patch,
      "application/merge-patch+json",
      token
    );
    if (response.status !== 200 && response.status !== 204) {
      const failure = this.client.failure(response, `update the metadata of ${this.where}`, {
        hint: policyHint(this.parsed.mount, this.parsed.path),
        extraSecrets: secrets
      });
      throw new StoreError(
        "STORE_METADATA_FAILED",
        `The new credential is stored (KV version ${version}) but its certificate URL was not attached: ${failure.message}`,
        { store: this.uri, credentialWritten: true, version: String(version) }
      );
    }
    return { store: this.uri, version: String(version) };
  }
  async readCredential() {
    const token = await this.client.token();
    const response = await this.client.send("GET", this.dataPath, void 0, void 0, token);
    if (response.status === 404) return void 0;
    if (response.status !== 200) throw this.client.failure(response, `read ${this.where}`, {});
    const value = jsonBody(response)?.data?.data;
    if (!value || !Object.hasOwn(value, this.parsed.key)) return void 0;
    const found = value[this.parsed.key];
    if (typeof found !== "string") {
      throw new StoreError("STORE_INVALID_VALUE", `#${this.parsed.key} in ${this.where} is not a string.`, {
        store: this.uri
      });
    }
    return found;
  }
  async readCertificateUrl() {
    const metadata = await readCustomMetadata(this.client, this.metadataPath, this.uri, this.where);
    return certUrlFromMetadata(metadata, this.parsed.key);
  }
  list(prefixUri) {
    return listVault(this.client, prefixUri);
  }
};

// adapters/vault/index.ts
async function openVaultStore(parsed, context) {
  const connection = await resolveConnection(context, parsed.uri);
  return new VaultStore(parsed, new VaultClient(connection, parsed.uri));
}
async function openVaultLister(prefix, context) {
  const client = new VaultClient(await resolveConnection(context, prefix.uri), prefix.uri);
  return { list: (prefixUri) => listVault(client, prefixUri) };
}
export {
  CERT_KEY_METADATA,
  CERT_URL_METADATA,
  VaultStore,
  openVaultLister,
  openVaultStore
};
