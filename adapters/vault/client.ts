import { HttpError, jsonBody } from '../../src/lib/http.js';
import type { HttpResponse } from '../../src/lib/http.js';
import { httpRequestWithRetry } from '../../src/lib/retry.js';
import { redact } from '../internal/redact.js';
import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';
import type { VaultConnection } from './config.js';

/*
 * KV v2 over plain HTTPS rather than node-vault: node-vault (axios) hands back parsed JSON, and
 * writing a merged secret back from parsed JSON rewrites the other keys (`5432.0` → `5432`,
 * integers beyond 2^53 lose digits). Keeping the raw response text lets us splice only our key.
 * It also keeps the token out of error objects (axios errors carry the request config, headers
 * included) and honours our `env` instead of node-vault's process.env fallbacks.
 */

/** A response, with how many attempts it took (for the rate-limit message). */
export type VaultResponse = HttpResponse & { attempts?: number };

export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** 412: a standby not caught up yet; 429; 5xx, except a sealed Vault (which waits for a person). */
const RETRYABLE = new Set([412, 429, 500, 502, 503, 504]);

export function vaultErrors(response: VaultResponse): string[] {
  const body = jsonBody(response) as { errors?: unknown } | undefined;
  return Array.isArray(body?.errors) ? body.errors.filter((e): e is string => typeof e === 'string') : [];
}

function isSealed(response: VaultResponse): boolean {
  return response.status === 503 && vaultErrors(response).some((e) => /sealed/i.test(e));
}

/** Vault's HTTP client talks to one address with one identity; it logs in at most once. */
export class VaultClient {
  private tokenPromise: Promise<string> | undefined;
  /** Everything that must never appear in a message, whatever Vault echoes back. */
  readonly secrets: string[] = [];

  constructor(
    private readonly connection: VaultConnection,
    private readonly store: string,
  ) {
    const { auth } = connection;
    if (auth.method === 'token') this.secrets.push(auth.token);
    else if (auth.method === 'approle') this.secrets.push(auth.secretId);
    else if (auth.method !== 'cert') this.secrets.push(auth.jwt);
  }

  get address(): string {
    return this.connection.addr.origin;
  }

  /** One authenticated request; a body is JSON unless `contentType` says otherwise. */
  async send(method: string, apiPath: string, body?: string, contentType?: string): Promise<VaultResponse> {
    return this.exchange(method, apiPath, await this.token(), body, contentType);
  }

  /** Retries on 412 (standby not caught up), 429, 5xx except sealed, and network errors. */
  private async exchange(
    method: string,
    apiPath: string,
    token: string | undefined,
    body?: string,
    contentType = 'application/json',
  ): Promise<VaultResponse> {
    const { connection } = this;
    const url = new URL(
      `v1/${apiPath}`,
      connection.addr.href.endsWith('/') ? connection.addr : `${connection.addr.href}/`,
    );
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['x-vault-token'] = token;
    if (connection.namespace !== undefined) headers['x-vault-namespace'] = connection.namespace;
    if (body !== undefined) headers['content-type'] = contentType;
    try {
      return await httpRequestWithRetry(
        connection.retry,
        {
          method,
          url,
          headers,
          ...(body !== undefined && { body }),
          ...(connection.ca !== undefined && { ca: connection.ca }),
          ...(connection.rejectUnauthorized !== undefined && {
            rejectUnauthorized: connection.rejectUnauthorized,
          }),
          ...(connection.clientCert !== undefined && { clientCert: connection.clientCert }),
        },
        (response) => RETRYABLE.has(response.status) && !isSealed(response),
      );
    } catch (error) {
      if (error instanceof HttpError) {
        throw new StoreError(
          'STORE_UNAVAILABLE',
          `Could not reach Vault at ${this.address}${error.code ? ` (${error.code})` : ''}. Check VAULT_ADDR.`,
          { store: this.store },
        );
      }
      throw error;
    }
  }

  token(): Promise<string> {
    this.tokenPromise ??= this.login();
    return this.tokenPromise;
  }

  private async login(): Promise<string> {
    const { auth } = this.connection;
    if (auth.method === 'token') return auth.token;
    // JWT and Kubernetes auth log in alike: a role and a signed token (GitHub's OIDC token, the
    // pod's service-account token) that Vault checks against the method's configuration
    // TLS certificate auth: the client certificate presented on the connection is the credential
    const body =
      auth.method === 'approle'
        ? JSON.stringify({ role_id: auth.roleId, secret_id: auth.secretId })
        : auth.method === 'cert'
          ? JSON.stringify(auth.role === undefined ? {} : { name: auth.role })
          : JSON.stringify({ role: auth.role, jwt: auth.jwt });
    const response = await this.exchange('POST', `auth/${encodePath(auth.mount)}/login`, undefined, body);
    const token = (jsonBody(response) as { auth?: { client_token?: unknown } } | undefined)?.auth
      ?.client_token;
    if (response.status === 200 && typeof token === 'string' && token !== '') {
      this.secrets.push(token);
      this.connection.onSecret(token);
      return token;
    }
    const what =
      auth.method === 'approle'
        ? 'AppRole'
        : auth.method === 'kubernetes'
          ? `Kubernetes auth (role "${auth.role}", the service-account token in ${auth.tokenPath})`
          : auth.method === 'cert'
            ? `TLS certificate auth (VAULT_CLIENT_CERT${auth.role ? `, role "${auth.role}"` : ''})`
            : `JWT (role "${auth.role}")`;
    const failure = this.failure(response, `log in with ${what} at auth/${auth.mount}`);
    if (response.status === 400 || response.status === 403 || response.status === 401) {
      throw new StoreError('STORE_ACCESS_DENIED', failure.message, { store: this.store });
    }
    throw failure;
  }

  /** A StoreError for a Vault error response; Vault's own `errors` are quoted, scrubbed of secrets. */
  failure(
    response: VaultResponse,
    doing: string,
    options: { hint?: string; extraSecrets?: string[] } = {},
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
    return new StoreError(code, message, { store: this.store });
  }
}
