import { readFile } from 'node:fs/promises';
import type { RetryPolicy } from '../../src/lib/retry.js';
import type { AdapterContext } from '../options.js';
import { StoreError } from '../store.js';

/** Where Vault is and who we are to it, read from the environment and the caller's options. */
const DEFAULT_ADDR = 'https://127.0.0.1:8200';

type Auth =
  | { method: 'token'; token: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string }
  | { method: 'jwt'; mount: string; role: string; jwt: string };

export interface VaultConnection {
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
  return {
    addr,
    namespace: env.VAULT_NAMESPACE || undefined,
    ca,
    rejectUnauthorized: truthy(env.VAULT_SKIP_VERIFY) ? false : undefined,
    auth: resolveAuth(context, store),
    retry: context.retry,
  };
}
