import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/identity';
import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';
import type { AdapterContext } from '../options.js';
import { redact } from '../internal/redact.js';

/**
 * The Key Vault REST version passgeni speaks: GA everywhere (sovereign clouds and Azure Stack
 * lag the newest), and enough for versions, tags, content type and expiry.
 */
export const SERVICE_VERSION = '7.5';
const DEFAULT_TIMEOUT_MS = 30_000;

export const ROLE_HINT =
  'Grant the identity the "Key Vault Secrets Officer" role on the vault or the secret (RBAC vaults), or ' +
  'the secret permissions Get, Set and List in an access policy (access-policy vaults).';

export const AUTH_HINT =
  'passgeni uses DefaultAzureCredential: in GitHub Actions, azure/login with OpenID Connect (federated ' +
  'credentials, no secret kept in GitHub), or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE ' +
  '(workload identity); elsewhere a managed identity, `az login`, or AZURE_CLIENT_SECRET.';

/** `myvault` → https://myvault.vault.azure.net; a name with a dot is a host (other clouds). */
export function vaultUrl(vault: string): string {
  return `https://${vault.includes('.') ? vault : `${vault}.vault.azure.net`}`;
}

export async function createSecretClient(context: AdapterContext, vault: string): Promise<SecretClient> {
  const azure = context.options.azure ?? {};
  let credential = azure.credential as TokenCredential | undefined;
  if (credential === undefined) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    credential = new DefaultAzureCredential();
  }
  return new SecretClient(vaultUrl(vault), credential, {
    serviceVersion: SERVICE_VERSION,
    retryOptions: {
      maxRetries: Math.max(0, context.retry.maxAttempts - 1),
      retryDelayInMs: context.retry.baseDelayMs,
      maxRetryDelayInMs: context.retry.maxDelayMs,
    },
    // The SDK's own logger stays off unless AZURE_LOG_LEVEL is set; nothing here turns it on.
    userAgentOptions: { userAgentPrefix: 'passgeni' },
  });
}

/** Time allowed for one operation (its retries included). */
export function operationTimeout(context: AdapterContext): () => AbortSignal {
  const ms = context.options.azure?.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return () => AbortSignal.timeout(ms);
}

/** The fields of a RestError or an @azure/identity error that are read; messages are reworded. */
interface AzureFailure {
  name?: unknown;
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as AzureFailure | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function mapAzureError(
  uri: string,
  doing: string,
  error: unknown,
  secrets: readonly string[],
): StoreError {
  const failure = (error ?? {}) as AzureFailure;
  if (failure.name === 'CredentialUnavailableError' || failure.name === 'AggregateAuthenticationError') {
    return new StoreError('STORE_AUTH_MISSING', `No Azure credentials to ${doing}. ${AUTH_HINT}`, {
      store: uri,
    });
  }
  if (failure.name === 'AuthenticationError') {
    return new StoreError('STORE_ACCESS_DENIED', `Azure refused to issue a token to ${doing}. ${AUTH_HINT}`, {
      store: uri,
    });
  }
  const status = statusOf(error);
  const serverCode = typeof failure.code === 'string' ? ` [${failure.code}]` : '';
  const said =
    status !== undefined && typeof failure.message === 'string' && failure.message !== ''
      ? ` (Key Vault said: ${redact(failure.message, secrets)})`
      : '';
  let code: StoreErrorCode = 'STORE_WRITE_FAILED';
  let message: string;
  if (status === undefined) {
    code = 'STORE_UNAVAILABLE';
    message = `Could not reach Key Vault to ${doing} (network failure or no answer); retry later.`;
  } else if (status === 401) {
    code = 'STORE_ACCESS_DENIED';
    message = `Key Vault rejected the token when trying to ${doing} (HTTP 401)${serverCode}${said}. ${AUTH_HINT}`;
  } else if (status === 403) {
    code = 'STORE_ACCESS_DENIED';
    message = `The Azure identity may not ${doing} (HTTP 403)${serverCode}${said}. ${ROLE_HINT}`;
  } else if (status === 404) {
    code = 'STORE_NOT_FOUND';
    message = `Key Vault found nothing to ${doing} (HTTP 404)${serverCode}${said}.`;
  } else if (status === 409) {
    code = 'STORE_CONFLICT';
    message = `Key Vault refused to ${doing} (HTTP 409)${serverCode}${said}: a deleted secret of this name may be awaiting purge; recover or purge it, then re-run.`;
  } else if (status === 429) {
    code = 'STORE_THROTTLED';
    message = `Key Vault throttled the request to ${doing} (HTTP 429)${said}; retry later.`;
  } else if (status >= 500) {
    code = 'STORE_UNAVAILABLE';
    message = `Key Vault failed to ${doing} (HTTP ${status})${said}; retry later.`;
  } else {
    message = `Key Vault refused to ${doing} (HTTP ${status})${serverCode}${said}.`;
  }
  return new StoreError(code, message, { store: uri });
}
