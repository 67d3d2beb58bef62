import { readFile } from 'node:fs/promises';
import { StoreError } from './store.js';
import type {
  ListableStore,
  SecretStore,
  StoredSecretRef,
  StoreErrorCode,
  StoreWriteRequest,
  StoreWriteResult,
} from './store.js';
import type { AdapterContext } from './options.js';
import type { ParsedStorePrefix, ParsedVaultUri } from './uri.js';
import { encodeUriComponentLoose, parseStorePrefix } from './uri.js';
import { httpRequest, jsonBody, TransportError } from './internal/http.js';
import type { HttpResponse } from './internal/http.js';
import { parseRetryAfter, withRetry } from './internal/retry.js';
import type { RetryPolicy } from './internal/retry.js';
import { redact } from './internal/redact.js';
import { JsonTextError, memberText, spliceMember } from './internal/json-text.js';

/*
 * KV v2 over plain HTTPS rather than node-vault: node-vault (axios) hands back parsed JSON, and
 * writing a merged secret back from parsed JSON rewrites the other keys (`5432.0` → `5432`,
 * integers beyond 2^53 lose digits). Keeping the raw response text lets us splice only our key.
 * It also keeps the token out of error objects (axios errors carry the request config, headers
 * included) and honours our `env` instead of node-vault's process.env fallbacks.
 */

export const CERT_URL_METADATA = 'passgeni-cert-url';
export const CERT_KEY_METADATA = 'passgeni-cert-key';
const METADATA_VALUE_MAX_BYTES = 512;
const DEFAULT_ADDR = 'https://127.0.0.1:8200';
const CAS_MISMATCH = /check-and-set parameter did not match/i;

type Auth =
  | { method: 'token'; token: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string }
  | { method: 'jwt'; mount: string; role: string; jwt: string };

interface VaultConnection {
  addr: URL;
  namespace: string | undefined;
  ca: string | undefined;
  rejectUnauthorized: boolean | undefined;
  auth: Auth;
  retry: RetryPolicy;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase());
}

function resolveAuth(context: AdapterContext, store: string): Auth {
  const { env } = context;
  const options = context.options.vault ?? {};
  const token = env.VAULT_TOKEN;
  const roleId = options.roleId ?? env.VAULT_ROLE_ID;
  const secretId = options.secretId ?? env.VAULT_SECRET_ID;
  const method =
    options.auth ?? (token ? 'token' : roleId && secretId ? 'approle' : options.jwt ? 'jwt' : undefined);
  const missing = (what: string): StoreError =>
    new StoreError('STORE_AUTH_MISSING', `Vault ${what}`, { store });
  switch (method) {
    case 'token':
      if (!token) throw missing('token auth needs VAULT_TOKEN.');
      return { method, token };
    case 'approle':
      if (!roleId || !secretId) {
        throw missing('AppRole auth needs a role id and a secret id (VAULT_ROLE_ID and VAULT_SECRET_ID).');
      }
      return { method, mount: options.approleMount ?? 'approle', roleId, secretId };
    case 'jwt':
      if (!options.jwt || !options.role) {
        throw missing('JWT auth needs the JWT (e.g. the GitHub OIDC token) and the Vault role to log in as.');
      }
      return { method, mount: options.jwtMount ?? 'jwt', role: options.role, jwt: options.jwt };
    default:
      throw missing(
        'credentials are missing: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole, or pass a JWT and role (GitHub OIDC) for JWT auth.',
      );
  }
}

async function resolveConnection(context: AdapterContext, store: string): Promise<VaultConnection> {
  const { env } = context;
  const rawAddr = env.VAULT_ADDR ?? DEFAULT_ADDR;
  let addr: URL;
  try {
    addr = new URL(rawAddr);
  } catch {
    throw new StoreError('STORE_AUTH_MISSING', `VAULT_ADDR "${rawAddr}" is not a URL.`, { store });
  }
  let ca: string | undefined;
  if (env.VAULT_CACERT) {
    try {
      ca = await readFile(env.VAULT_CACERT, 'utf8');
    } catch (error) {
      throw new StoreError(
        'STORE_AUTH_MISSING',
        `VAULT_CACERT (${env.VAULT_CACERT}) cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        { store },
      );
    }
  }
  return {
    addr,
    namespace: env.VAULT_NAMESPACE || undefined,
    ca,
    rejectUnauthorized: truthy(env.VAULT_SKIP_VERIFY) ? false : undefined,
    auth: resolveAuth(context, store),
    retry: context.retry,
  };
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function vaultErrors(response: HttpResponse): string[] {
  const body = jsonBody(response) as { errors?: unknown } | undefined;
  return Array.isArray(body?.errors) ? body.errors.filter((e): e is string => typeof e === 'string') : [];
}

function isSealed(response: HttpResponse): boolean {
  return response.status === 503 && vaultErrors(response).some((e) => /sealed/i.test(e));
}

/** Vault's HTTP client talks to one address with one identity; it logs in at most once. */
class VaultClient {
  private readonly connection: VaultConnection;
  private readonly store: string;
  private tokenPromise: Promise<string> | undefined;
  /** Everything that must never appear in a message, whatever Vault echoes back. */
  readonly secrets: string[] = [];

  constructor(connection: VaultConnection, store: string) {
    this.connection = connection;
    this.store = store;
    const { auth } = connection;
    if (auth.method === 'token') this.secrets.push(auth.token);
    if (auth.method === 'approle') this.secrets.push(auth.secretId);
    if (auth.method === 'jwt') this.secrets.push(auth.jwt);
  }

  get address(): string {
    return this.connection.addr.origin;
  }

  /** One request with retries on 412 (standby not caught up), 429, 5xx except sealed, and network errors. */
  async send(
    method: string,
    apiPath: string,
    body?: string,
    contentType?: string,
    token?: string,
  ): Promise<HttpResponse> {
    const { connection } = this;
    const url = new URL(
      `v1/${apiPath}`,
      connection.addr.href.endsWith('/') ? connection.addr : `${connection.addr.href}/`,
    );
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['x-vault-token'] = token;
    if (connection.namespace !== undefined) headers['x-vault-namespace'] = connection.namespace;
    if (contentType !== undefined) headers['content-type'] = contentType;
    let attempts = 0;
    try {
      const response = await withRetry(
        connection.retry,
        (attempt) => {
          attempts = attempt;
          return httpRequest({
            method,
            url,
            headers,
            ...(body !== undefined && { body }),
            ...(connection.ca !== undefined && { ca: connection.ca }),
            ...(connection.rejectUnauthorized !== undefined && {
              rejectUnauthorized: connection.rejectUnauthorized,
            }),
          });
        },
        (outcome) => {
          if (!outcome.ok) return outcome.error instanceof TransportError ? 0 : null;
          const { status, headers: responseHeaders } = outcome.value;
          if (status === 503 && isSealed(outcome.value)) return null;
          if (
            status === 412 ||
            status === 429 ||
            status === 500 ||
            status === 502 ||
            status === 503 ||
            status === 504
          ) {
            return parseRetryAfter(responseHeaders['retry-after']) ?? 0;
          }
          return null;
        },
      );
      return { ...response, attempts };
    } catch (error) {
      if (error instanceof TransportError) {
        throw new StoreError(
          'STORE_UNAVAILABLE',
          `Could not reach Vault at ${this.address}${error.code ? ` (${error.code})` : ''}. Check VAULT_ADDR.`,
          { store: this.store },
        );
      }
      throw error;
    }
  }

  async token(): Promise<string> {
    this.tokenPromise ??= this.login();
    return this.tokenPromise;
  }

  private async login(): Promise<string> {
    const { auth } = this.connection;
    if (auth.method === 'token') return auth.token;
    const body =
      auth.method === 'approle'
        ? JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId })
        : JSON.stringify({ role: auth.role, jwt: auth.jwt });
    const response = await this.send(
      'POST',
      `auth/${encodePath(auth.mount)}/login`,
      body,
      'application/json',
    );
    const token = (jsonBody(response) as { auth?: { client_token?: unknown } } | undefined)?.auth
      ?.client_token;
    if (response.status === 200 && typeof token === 'string' && token !== '') {
      this.secrets.push(token);
      return token;
    }
    const what = auth.method === 'approle' ? 'AppRole' : `JWT (role "${auth.role}")`;
    const mount = `auth/${auth.mount}`;
    const failure = this.failure(response, `log in with ${what} at ${mount}`, {});
    if (response.status === 400 || response.status === 403 || response.status === 401) {
      throw new StoreError('STORE_ACCESS_DENIED', failure.message, { store: this.store });
    }
    throw failure;
  }

  /** A StoreError for a Vault error response; Vault's own `errors` are quoted, scrubbed of secrets. */
  failure(
    response: HttpResponse,
    doing: string,
    options: { hint?: string; credentialWritten?: boolean; version?: string; extraSecrets?: string[] },
  ): StoreError {
    const said = vaultErrors(response);
    const quoted = said.length
      ? `: ${redact(said.join('; '), [...this.secrets, ...(options.extraSecrets ?? [])])}`
      : '';
    let code: StoreErrorCode;
    let message: string;
    if (response.status === 403 || response.status === 401) {
      code = 'STORE_ACCESS_DENIED';
      message = `Vault denied the request to ${doing} (HTTP ${response.status})${quoted}.${options.hint ? ` ${options.hint}` : ''}`;
    } else if (isSealed(response)) {
      code = 'STORE_UNAVAILABLE';
      message = `Vault is sealed, so it cannot ${doing}. Unseal it (or point VAULT_ADDR at an unsealed node) and retry.`;
    } else if (response.status === 429) {
      code = 'STORE_THROTTLED';
      message = `Vault rate-limited the request to ${doing} (HTTP 429, ${response.attempts ?? 1} attempt(s)); retry later.`;
    } else if (response.status >= 500 || response.status === 412) {
      code = 'STORE_UNAVAILABLE';
      message = `Vault failed to ${doing} (HTTP ${response.status})${quoted}; retry later.`;
    } else if (response.status === 404) {
      code = 'STORE_NOT_FOUND';
      message = `Vault found nothing to ${doing} (HTTP 404)${quoted}. Is the mount a KV version 2 secrets engine?`;
    } else {
      code = 'STORE_WRITE_FAILED';
      message = `Vault refused to ${doing} (HTTP ${response.status})${quoted}.`;
    }
    return new StoreError(code, message, {
      store: this.store,
      ...(options.credentialWritten !== undefined && { credentialWritten: options.credentialWritten }),
      ...(options.version !== undefined && { version: options.version }),
    });
  }
}

interface KvCurrent {
  /** Raw JSON text of the secret's data object ('{}' when there is none). */
  dataText: string;
  /** The version to pass as `cas`: 0 when the path has never been written. */
  version: number;
}

function policyHint(mount: string, path: string): string {
  return (
    `The token's policy needs: path "${mount}/data/${path}" { capabilities = ["create", "update", "read"] } ` +
    `and path "${mount}/metadata/${path}" { capabilities = ["patch", "read"] }.`
  );
}

function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export class VaultStore implements SecretStore, ListableStore {
  readonly kind = 'vault' as const;
  readonly uri: string;
  private readonly parsed: ParsedVaultUri;
  private readonly client: VaultClient;

  constructor(parsed: ParsedVaultUri, client: VaultClient) {
    this.parsed = parsed;
    this.uri = parsed.uri;
    this.client = client;
  }

  private get dataPath(): string {
    return `${encodePath(this.parsed.mount)}/data/${encodePath(this.parsed.path)}`;
  }

  private get metadataPath(): string {
    return `${encodePath(this.parsed.mount)}/metadata/${encodePath(this.parsed.path)}`;
  }

  private get where(): string {
    return `${this.parsed.mount}/${this.parsed.path}`;
  }

  private async readCurrent(secrets: string[]): Promise<KvCurrent> {
    const token = await this.client.token();
    const response = await this.client.send('GET', this.dataPath, undefined, undefined, token);
    const body = jsonBody(response) as
      { data?: { data?: unknown; metadata?: { version?: unknown } } } | undefined;
    const version = typeof body?.data?.metadata?.version === 'number' ? body.data.metadata.version : 0;
    if (response.status === 200) {
      const dataText = memberText(response.text, ['data', 'data']);
      return { dataText: dataText === undefined || dataText === 'null' ? '{}' : dataText, version };
    }
    // 404 is "never written", or a deleted latest version whose metadata still carries the
    // version number that check-and-set must name.
    if (response.status === 404) return { dataText: '{}', version };
    throw this.client.failure(response, `read ${this.where}`, {
      hint: policyHint(this.parsed.mount, this.parsed.path),
      extraSecrets: secrets,
    });
  }

  private checkMetadataLimits(request: StoreWriteRequest): void {
    for (const [name, value] of [
      [CERT_URL_METADATA, request.certUrl],
      [CERT_KEY_METADATA, this.parsed.key],
    ] as const) {
      if (byteLength(value) < 1 || byteLength(value) > METADATA_VALUE_MAX_BYTES) {
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `Custom metadata "${name}" would be ${byteLength(value)} bytes; Vault allows 1-${METADATA_VALUE_MAX_BYTES}. Nothing was written.`,
          { store: this.uri },
        );
      }
    }
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.checkMetadataLimits(request);
    const { key } = this.parsed;
    const secrets = [request.credential];
    const current = await this.readCurrent(secrets);
    let version: number;
    if (JSON.parse(current.dataText)?.[key] === request.credential) {
      // A previous attempt of this write landed; only the metadata may be missing.
      version = current.version;
    } else {
      let dataText: string;
      try {
        dataText = spliceMember(current.dataText, key, JSON.stringify(request.credential));
      } catch (error) {
        const reason = error instanceof JsonTextError ? error.message : 'it could not be parsed';
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `Cannot set #${key} in ${this.where}: ${reason}. Nothing was written.`,
          {
            store: this.uri,
          },
        );
      }
      const body = `{"options":{"cas":${current.version}},"data":${dataText}}`;
      const token = await this.client.token();
      const response = await this.client.send('POST', this.dataPath, body, 'application/json', token);
      const written = (jsonBody(response) as { data?: { version?: unknown } } | undefined)?.data?.version;
      if (response.status === 200 && typeof written === 'number') {
        version = written;
      } else if (response.status === 400 && vaultErrors(response).some((e) => CAS_MISMATCH.test(e))) {
        const now = await this.readCurrent(secrets);
        if (JSON.parse(now.dataText)?.[key] !== request.credential) {
          throw new StoreError(
            'STORE_CONFLICT',
            `Vault secret ${this.where} changed while we were writing (check-and-set expected version ${current.version}, it is now ${now.version}); nothing was overwritten. Re-run to write on top of the new version.`,
            { store: this.uri },
          );
        }
        // Our own earlier attempt (retried after a lost response) is what moved the version.
        version = now.version;
      } else {
        throw this.client.failure(response, `write ${this.where}`, {
          hint: policyHint(this.parsed.mount, this.parsed.path),
          extraSecrets: secrets,
        });
      }
    }

    const patch = JSON.stringify({
      custom_metadata: { [CERT_URL_METADATA]: request.certUrl, [CERT_KEY_METADATA]: key },
    });
    const token = await this.client.token();
    const response = await this.client.send(
      'PATCH',
      this.metadataPath,
      patch,
      'application/merge-patch+json',
      token,
    );
    if (response.status !== 200 && response.status !== 204) {
      const failure = this.client.failure(response, `update the metadata of ${this.where}`, {
        hint: policyHint(this.parsed.mount, this.parsed.path),
        extraSecrets: secrets,
      });
      throw new StoreError(
        'STORE_METADATA_FAILED',
        `The new credential is stored (KV version ${version}) but its certificate URL was not attached: ${failure.message}`,
        { store: this.uri, credentialWritten: true, version: String(version) },
      );
    }
    return { store: this.uri, version: String(version) };
  }

  async readCredential(): Promise<string | undefined> {
    const token = await this.client.token();
    const response = await this.client.send('GET', this.dataPath, undefined, undefined, token);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.client.failure(response, `read ${this.where}`, {});
    const value = (jsonBody(response) as { data?: { data?: Record<string, unknown> | null } } | undefined)
      ?.data?.data;
    if (!value || !Object.hasOwn(value, this.parsed.key)) return undefined;
    const found = value[this.parsed.key];
    if (typeof found !== 'string') {
      throw new StoreError('STORE_INVALID_VALUE', `#${this.parsed.key} in ${this.where} is not a string.`, {
        store: this.uri,
      });
    }
    return found;
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const metadata = await readCustomMetadata(this.client, this.metadataPath, this.uri, this.where);
    return certUrlFromMetadata(metadata, this.parsed.key);
  }

  list(prefixUri: string): AsyncIterable<StoredSecretRef> {
    return listVault(this.client, prefixUri);
  }
}

async function readCustomMetadata(
  client: VaultClient,
  metadataPath: string,
  store: string,
  where: string,
): Promise<Record<string, unknown> | undefined> {
  const token = await client.token();
  const response = await client.send('GET', metadataPath, undefined, undefined, token);
  if (response.status === 404) return undefined;
  if (response.status !== 200) {
    const failure = client.failure(response, `read the metadata of ${where}`, {});
    throw new StoreError(failure.code as StoreErrorCode, failure.message, { store });
  }
  const custom = (jsonBody(response) as { data?: { custom_metadata?: unknown } } | undefined)?.data
    ?.custom_metadata;
  return custom !== null && typeof custom === 'object' ? (custom as Record<string, unknown>) : undefined;
}

function certUrlFromMetadata(metadata: Record<string, unknown> | undefined, key: string): string | undefined {
  const url = metadata?.[CERT_URL_METADATA];
  const forKey = metadata?.[CERT_KEY_METADATA];
  if (typeof forKey === 'string' && forKey !== key) return undefined;
  return typeof url === 'string' ? url : undefined;
}

async function* listVault(client: VaultClient, prefixUri: string): AsyncIterable<StoredSecretRef> {
  const prefix = parseStorePrefix(prefixUri);
  if (prefix.kind !== 'vault') {
    throw new StoreError('STORE_URI_INVALID', `A Vault lister cannot list ${prefixUri}.`, {
      store: prefixUri,
    });
  }
  const mount = encodePath(prefix.mount);
  const shownMount = encodeUriComponentLoose(prefix.mount).replace(/\//g, '%2F');
  const token = await client.token();
  const pending: string[] = [prefix.pathPrefix];
  while (pending.length > 0) {
    const folder = pending.shift() as string;
    const folderPath = folder === '' ? '' : `${encodePath(folder)}/`;
    const response = await client.send(
      'GET',
      `${mount}/metadata/${folderPath}?list=true`,
      undefined,
      undefined,
      token,
    );
    if (response.status === 404) {
      // Not a folder: the prefix may name one secret.
      if (folder === prefix.pathPrefix && folder !== '') {
        const metadata = await readCustomMetadata(
          client,
          `${mount}/metadata/${encodePath(folder)}`,
          prefixUri,
          folder,
        );
        if (metadata !== undefined) yield refFor(shownMount, folder, metadata);
      }
      continue;
    }
    if (response.status !== 200) {
      const failure = client.failure(response, `list ${prefix.mount}/metadata/${folder}`, {
        hint: `Listing needs the "list" and "read" capabilities on "${prefix.mount}/metadata/${folder}*".`,
      });
      throw new StoreError(failure.code as StoreErrorCode, failure.message, { store: prefixUri });
    }
    const keys = (jsonBody(response) as { data?: { keys?: unknown } } | undefined)?.data?.keys;
    for (const entry of Array.isArray(keys) ? keys : []) {
      if (typeof entry !== 'string') continue;
      const child = folder === '' ? entry : `${folder}/${entry}`;
      if (entry.endsWith('/')) {
        pending.push(child.replace(/\/$/, ''));
        continue;
      }
      const metadata = await readCustomMetadata(
        client,
        `${mount}/metadata/${encodePath(child)}`,
        prefixUri,
        child,
      );
      yield refFor(shownMount, child, metadata);
    }
  }
}

function refFor(
  shownMount: string,
  path: string,
  metadata: Record<string, unknown> | undefined,
): StoredSecretRef {
  const key = metadata?.[CERT_KEY_METADATA];
  const url = metadata?.[CERT_URL_METADATA];
  return {
    uri: `vault://${shownMount}/${encodeUriComponentLoose(path)}${typeof key === 'string' ? `#${encodeUriComponentLoose(key)}` : ''}`,
    certUrl: typeof url === 'string' ? url : undefined,
  };
}

export async function openVaultStore(parsed: ParsedVaultUri, context: AdapterContext): Promise<VaultStore> {
  const connection = await resolveConnection(context, parsed.uri);
  return new VaultStore(parsed, new VaultClient(connection, parsed.uri));
}

export async function openVaultLister(
  prefix: Extract<ParsedStorePrefix, { kind: 'vault' }>,
  context: AdapterContext,
): Promise<ListableStore> {
  const client = new VaultClient(await resolveConnection(context, prefix.uri), prefix.uri);
  return { list: (prefixUri: string) => listVault(client, prefixUri) };
}
