import { PassgeniError } from '../errors.js';
import { withRetry } from '../lib/retry.js';

/**
 * GitHub's OIDC token for the job, for logging in to Vault's JWT auth method and to the issuer
 * (keyless actions).
 *
 * The request itself goes through @actions/core's `getIDToken` (the maintained client for that
 * endpoint), imported only here and only when a step needs a token, so runs that do not use OIDC
 * never load it. The runner sets ACTIONS_ID_TOKEN_REQUEST_URL only for jobs granted
 * `id-token: write`; its absence is checked first, because the library's own error
 * ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable") does not say what to change.
 */
export interface IdTokenOptions {
  env: NodeJS.ProcessEnv;
  /** Empty means GitHub's default audience (the URL of the repository owner). */
  audience: string | undefined;
  /** What needs the token, for messages (e.g. `vault-auth: jwt`). */
  purpose: string;
  /** What to do instead where no token can be had (forks); default the Vault wording. */
  fallback?: string;
  baseDelayMs?: number;
}

const ATTEMPTS = 3;

export async function getIdToken(options: IdTokenOptions): Promise<string> {
  if (!options.env.ACTIONS_ID_TOKEN_REQUEST_URL || !options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new PassgeniError(
      'OIDC_PERMISSION_MISSING',
      `${options.purpose} logs in with GitHub's OIDC token, but this job cannot request one (ACTIONS_ID_TOKEN_REQUEST_URL is not set). ` +
        'Grant the job the permission: add `permissions: { id-token: write, contents: read }` to the job or the workflow. ' +
        `Workflows triggered by pull requests from forks never receive an OIDC token; ${options.fallback ?? 'use another Vault auth method (vault-auth: token or approle)'} there.`,
      { exitCode: 2 },
    );
  }
  const policy = { maxAttempts: ATTEMPTS, baseDelayMs: options.baseDelayMs ?? 1000, maxDelayMs: 30_000 };
  try {
    // The token service fails transiently under load; every failure is worth another try.
    return await withRetry(
      policy,
      async () => {
        const { getIDToken } = await import('@actions/core');
        const token = await getIDToken(options.audience);
        if (typeof token === 'string' && token !== '') return token;
        throw new Error('the response held no token');
      },
      (outcome) => (outcome.ok ? null : 0),
    );
  } catch (last) {
    const reason = last instanceof Error ? last.message.replace(/\s+/g, ' ').trim() : String(last);
    throw new PassgeniError(
      'OIDC_TOKEN_FAILED',
      `Could not get GitHub's OIDC token for ${options.purpose} after ${ATTEMPTS} attempts: ${reason.slice(0, 300)}`,
    );
  }
}
