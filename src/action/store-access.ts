import type { StoreOptions, VaultOptions } from '../../adapters/options.js';
import { InputError } from '../errors.js';
import type { Inputs } from './inputs.js';
import { getIdToken } from './oidc.js';
import type { ActionRuntime } from './runtime.js';

/**
 * How the actions reach the stores they name. AWS credentials come from the environment (the
 * default chain, which aws-actions/configure-aws-credentials fills); Vault from VAULT_ADDR plus
 * a token, AppRole, or a JWT login with GitHub's OIDC token; Doppler from an input or
 * DOPPLER_TOKEN; Kubernetes from the kubeconfig.
 */
const VAULT_AUTH_METHODS = ['token', 'approle', 'jwt'] as const;
type VaultAuthMethod = (typeof VAULT_AUTH_METHODS)[number];

export interface StoreAccessInputs {
  vaultAuth?: VaultAuthMethod;
  vaultRole?: string;
  vaultJwtAudience?: string;
  vaultAuthMount?: string;
  dopplerToken?: string;
  /** A Doppler service-account identity to log in as with the job's OIDC token. */
  dopplerIdentity?: string;
  dopplerOidcAudience?: string;
}

export function readStoreAccess(inputs: Inputs): StoreAccessInputs {
  const vaultAuth = inputs.choice('vault-auth', VAULT_AUTH_METHODS);
  const vaultRole = inputs.string('vault-role', { maxLength: 256 });
  const vaultJwtAudience = inputs.string('vault-jwt-audience', { maxLength: 512 });
  const vaultAuthMount = inputs.string('vault-auth-mount', { maxLength: 256 });
  const dopplerToken = inputs.string('doppler-token', { maxLength: 4096 });
  const dopplerIdentity = inputs.string('doppler-identity', { maxLength: 256 });
  const dopplerOidcAudience = inputs.string('doppler-oidc-audience', { maxLength: 512 });
  return {
    ...(vaultAuth !== undefined && { vaultAuth }),
    ...(vaultRole !== undefined && { vaultRole }),
    ...(vaultJwtAudience !== undefined && { vaultJwtAudience }),
    ...(vaultAuthMount !== undefined && { vaultAuthMount }),
    ...(dopplerToken !== undefined && { dopplerToken }),
    ...(dopplerIdentity !== undefined && { dopplerIdentity }),
    ...(dopplerOidcAudience !== undefined && { dopplerOidcAudience }),
  };
}

/** The Vault method a run uses: the input, else what the environment provides, as the adapter decides. */
function vaultAuthMethod(access: StoreAccessInputs, env: NodeJS.ProcessEnv): VaultAuthMethod | undefined {
  if (access.vaultAuth) return access.vaultAuth;
  if (env.VAULT_TOKEN) return 'token';
  if (env.VAULT_ROLE_ID && env.VAULT_SECRET_ID) return 'approle';
  if (access.vaultRole) return 'jwt';
  return undefined;
}

/**
 * Masks every store credential the run can see, then builds the adapters' options. The OIDC token
 * is requested here, before anything is generated or certified, so a missing `id-token: write`
 * permission fails the step while nothing has happened yet.
 */
export async function resolveStoreOptions(
  access: StoreAccessInputs,
  storeUris: readonly string[],
  runtime: ActionRuntime,
): Promise<StoreOptions> {
  const { env } = runtime;
  runtime.mask(access.dopplerToken);
  runtime.mask(env.DOPPLER_TOKEN);
  runtime.mask(env.VAULT_TOKEN);
  runtime.mask(env.VAULT_SECRET_ID);
  runtime.mask(env.PASSGENI_GITHUB_TOKEN);
  runtime.mask(env.GH_TOKEN);

  const usesVault = storeUris.some((uri) => /^vault:\/\//i.test(uri));
  const method = vaultAuthMethod(access, env);
  let vault: VaultOptions | undefined;
  if (method !== undefined) {
    const mount = access.vaultAuthMount;
    vault = {
      auth: method,
      ...(access.vaultRole !== undefined && { role: access.vaultRole }),
      ...(mount !== undefined && method === 'jwt' && { jwtMount: mount }),
      ...(mount !== undefined && method === 'approle' && { approleMount: mount }),
    };
    if (method === 'jwt') {
      if (!access.vaultRole) {
        throw new InputError(
          'INPUT_REQUIRED',
          "Input 'vault-role' is required with vault-auth: jwt (the Vault JWT role to log in as).",
        );
      }
      if (usesVault) {
        const jwt = await getIdToken({
          env,
          audience: access.vaultJwtAudience,
          purpose: 'vault-auth: jwt',
        });
        runtime.mask(jwt);
        vault.jwt = jwt;
      } else {
        runtime.warning('vault-auth is jwt but no vault:// store is named, so no OIDC token was requested.');
      }
    }
  }
  let doppler: StoreOptions['doppler'];
  const usesDoppler = storeUris.some((uri) => /^doppler:\/\//i.test(uri));
  if (
    access.dopplerIdentity !== undefined &&
    access.dopplerToken === undefined &&
    !env.DOPPLER_TOKEN &&
    usesDoppler
  ) {
    const oidcToken = await getIdToken({
      env,
      audience: access.dopplerOidcAudience,
      purpose: 'doppler-identity',
    });
    runtime.mask(oidcToken);
    doppler = { identity: access.dopplerIdentity, oidcToken };
  }
  return {
    env,
    baseDir: env.GITHUB_WORKSPACE || process.cwd(),
    ...(doppler !== undefined && { doppler }),
    // a Vault token from a login exists only at run time: masked the moment it arrives
    onSecret: (value) => runtime.mask(value),
    ...(vault !== undefined && { vault }),
    ...(access.dopplerToken !== undefined && { dopplerToken: access.dopplerToken }),
  };
}
