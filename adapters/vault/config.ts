import { readFile } from 'node:fs/promises';
import type { RetryPolicy } from '../../src/lib/retry.js';
import type { AdapterContext } from '../options.js';
import { StoreError } from '../store.js';

/** Where Vault is and who we are to it, read from the environment and the caller's options. */
const DEFAULT_ADDR = 'https://127.0.0.1:8200';

type Auth =
  | { method: 'token'; token: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string }
  | { method: 'jwt'; mount: string; role: string; jwt: string }
  | { method: 'kubernetes'; mount: string; role: string; jwt: string; tokenPath: string }
  | { method: 'cert'; mount: string; role: string | undefined };

/** Where Kubernetes mounts the pod's service-account token (projected, rotated by the kubelet). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface VaultConnection {
  addr: URL;
  namespace: string | undefined;
  ca: string | undefined;
  rejectUnauthorized: boolean | undefined;
  /** VAULT_CLIENT_CERT and VAULT_CLIENT_KEY: presented on every TLS connection to Vault. */
  clientCert: { cert: string; key: string } | undefined;
  auth: Auth;
  retry: RetryPolicy;
  /** Told every secret obtained at run time (login tokens), e.g. to mask it in a job's log. */
  onSecret: (value: string) => void;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase());
}

async function resolveAuth(context: AdapterContext, store: string, hasClientCert: boolean): Promise<Auth> {
  const { env } = context;
  const options = context.options.vault ?? {};
  const token = env.VAULT_TOKEN;
  const roleId = options.roleId ?? env.VAULT_ROLE_ID;
  const secretId = options.secretId ?? env.VAULT_SECRET_ID;
  const k8sRole = options.role ?? env.VAULT_K8S_ROLE;
  const method =
    options.auth ??
    (token
      ? 'token'
      : roleId && secretId
        ? 'approle'
        : options.jwt
          ? 'jwt'
          : env.VAULT_K8S_ROLE
            ? 'kubernetes'
            : hasClientCert
              ? 'cert'
              : undefined);
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
    case 'kubernetes': {
      if (!k8sRole) {
        throw missing('Kubernetes auth needs the Vault role to log in as (VAULT_K8S_ROLE).');
      }
      const tokenPath = env.VAULT_K8S_TOKEN_PATH || SERVICE_ACCOUNT_TOKEN;
      let jwt: string;
      try {
        jwt = (await readFile(tokenPath, 'utf8')).trim();
      } catch (error) {
        throw missing(
          `Kubernetes auth reads the pod's service-account token from ${tokenPath}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Run in a pod whose ServiceAccount token is mounted (automountServiceAccountToken), or set VAULT_K8S_TOKEN_PATH.`,
        );
      }
      if (jwt === '') throw missing(`Kubernetes auth found an empty service-account token in ${tokenPath}.`);
      context.options.onSecret?.(jwt);
      const mount = options.kubernetesMount ?? (env.VAULT_K8S_MOUNT || 'kubernetes');
      return { method, mount, role: k8sRole, jwt, tokenPath };
    }
    case 'cert':
      if (!hasClientCert) {
        throw missing(
          'TLS certificate auth needs a client certificate: VAULT_CLIENT_CERT and VAULT_CLIENT_KEY.',
        );
      }
      return {
        method,
        mount: env.VAULT_CERT_MOUNT || 'cert',
        role: options.role ?? (env.VAULT_CERT_ROLE || undefined),
      };
    default:
      throw missing(
        'credentials are missing: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole, or pass a JWT and role (GitHub OIDC) for JWT auth, or VAULT_K8S_ROLE for Kubernetes auth in a pod.',
      );
  }
}

/** The Vault CLI's VAULT_CLIENT_CERT / VAULT_CLIENT_KEY: both or neither. */
async function readClientCert(
  env: NodeJS.ProcessEnv,
  store: string,
): Promise<{ cert: string; key: string } | undefined> {
  const certFile = env.VAULT_CLIENT_CERT || undefined;
  const keyFile = env.VAULT_CLIENT_KEY || undefined;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new StoreError(
      'STORE_AUTH_MISSING',
      `A TLS client certificate needs both VAULT_CLIENT_CERT and VAULT_CLIENT_KEY; only ${certFile ? 'VAULT_CLIENT_CERT' : 'VAULT_CLIENT_KEY'} is set.`,
      { store },
    );
  }
  const read = async (file: string, name: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new StoreError(
        'STORE_AUTH_MISSING',
        `${name} (${file}) cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        { store },
      );
    }
  };
  return { cert: await read(certFile, 'VAULT_CLIENT_CERT'), key: await read(keyFile, 'VAULT_CLIENT_KEY') };
}

export async function resolveConnection(context: AdapterContext, store: string): Promise<VaultConnection> {
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
  const clientCert = await readClientCert(env, store);
  return {
    addr,
    namespace: env.VAULT_NAMESPACE || undefined,
    ca,
    clientCert,
    rejectUnauthorized: truthy(env.VAULT_SKIP_VERIFY) ? false : undefined,
    auth: await resolveAuth(context, store, clientCert !== undefined),
    retry: context.retry,
    onSecret: context.options.onSecret ?? (() => undefined),
  };
}
