import type { RetryPolicy } from '../src/lib/retry.js';
import { DEFAULT_RETRY } from '../src/lib/retry.js';

/** What front ends pass when opening a store. Every field is optional. */
export interface StoreOptions {
  /** Where store credentials and settings are read from (VAULT_ADDR, DOPPLER_TOKEN, …). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative `file://` paths are resolved against. Default: the working directory. */
  baseDir?: string;
  vault?: VaultOptions;
  /** A Doppler token; wins over DOPPLER_TOKEN. */
  dopplerToken?: string;
  /**
   * Doppler service-account identity login (OIDC), used when no token is given: the identity id
   * (default DOPPLER_IDENTITY_ID) and the OIDC token to exchange (default DOPPLER_OIDC_TOKEN).
   */
  doppler?: { identity?: string; oidcToken?: string };
  aws?: {
    region?: string;
    maxAttempts?: number;
    /** TCP connect timeout per attempt; default PASSGENI_AWS_CONNECT_TIMEOUT_MS, else 5000. */
    connectionTimeoutMs?: number;
    /** Time allowed for a response per attempt; default PASSGENI_AWS_REQUEST_TIMEOUT_MS, else 30000. */
    requestTimeoutMs?: number;
  };
  k8s?: {
    /** Time allowed for each Kubernetes API request; default PASSGENI_K8S_REQUEST_TIMEOUT_MS, else 30000. */
    requestTimeoutMs?: number;
  };
  /**
   * Called with every secret a store obtains while it runs (a Vault login token, a pod's
   * service-account token), before it is used: the GitHub Actions mask them in the job's log.
   */
  onSecret?: (value: string) => void;
  github?: {
    /** Wins over PASSGENI_GITHUB_TOKEN, GH_TOKEN and GITHUB_TOKEN. */
    token?: string;
    /** Default GITHUB_API_URL, else https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
    apiUrl?: string;
    /** Time allowed for each request; default 30000. */
    requestTimeoutMs?: number;
  };
  gcp?: {
    /**
     * A google-auth-library AuthClient to use instead of Application Default Credentials (tests
     * inject one holding a fixed access token). Typed loosely: the library is the SDK's, not ours.
     */
    authClient?: object;
    /** Default PASSGENI_GCP_SM_ENDPOINT, else secretmanager.googleapis.com (e.g. a regional endpoint). */
    apiEndpoint?: string;
    /** Time allowed for each request; default 30000. */
    requestTimeoutMs?: number;
  };
  azure?: {
    /** An @azure/identity TokenCredential to use instead of DefaultAzureCredential. */
    credential?: object;
    /** Time allowed for each operation, its retries included; default 30000. */
    requestTimeoutMs?: number;
  };
  /** Retry knobs for every store (tests shrink them). AWS uses the SDK's own retry with `maxAttempts`. */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
}

export interface VaultOptions {
  /**
   * Default: `token` when VAULT_TOKEN is set, else `approle` when a role/secret id is available,
   * else `jwt` when a JWT is given, else `kubernetes` when VAULT_K8S_ROLE is set, else `cert` (TLS
   * certificate auth) when VAULT_CLIENT_CERT and VAULT_CLIENT_KEY are set.
   */
  auth?: 'token' | 'approle' | 'jwt' | 'kubernetes' | 'cert';
  /** The JWT or Kubernetes auth role (`role` in the login body); for Kubernetes, default VAULT_K8S_ROLE. */
  role?: string;
  /** Mount of the Kubernetes auth method. Default VAULT_K8S_MOUNT, else `kubernetes`. */
  kubernetesMount?: string;
  /** The JWT to log in with, e.g. GitHub's OIDC token for the job. */
  jwt?: string;
  /** Mount of the JWT auth method. Default `jwt`. */
  jwtMount?: string;
  /** AppRole role_id; default VAULT_ROLE_ID. */
  roleId?: string;
  /** AppRole secret_id; default VAULT_SECRET_ID. */
  secretId?: string;
  /** Mount of the AppRole auth method. Default `approle`. */
  approleMount?: string;
}

/** Options with defaults applied, as adapters receive them. */
export interface AdapterContext {
  env: NodeJS.ProcessEnv;
  baseDir: string;
  retry: RetryPolicy;
  options: StoreOptions;
}

export function resolveContext(options: StoreOptions = {}): AdapterContext {
  return {
    env: options.env ?? process.env,
    baseDir: options.baseDir ?? process.cwd(),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    options,
  };
}
