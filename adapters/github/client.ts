import { getOctokit } from '@actions/github';
import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';
import type { AdapterContext } from '../options.js';
import { redact } from '../internal/redact.js';
import { parseRetryAfter, withRetry } from '../../src/lib/retry.js';
import type { RetryPolicy } from '../../src/lib/retry.js';

export const TOKEN_HINT =
  'Use a GitHub App installation token (e.g. from actions/create-github-app-token) or a fine-grained ' +
  'personal access token with the repository permissions "Secrets: read and write" and "Variables: read ' +
  'and write" (for an environment: "Environments: read and write"; for an organization: the organization ' +
  'permissions "Secrets" and "Variables", read and write), passed as PASSGENI_GITHUB_TOKEN. The ' +
  'workflow GITHUB_TOKEN cannot write Actions secrets or variables.';

const DEFAULT_TIMEOUT_MS = 30_000;

/** The few fields of an Octokit RequestError we read; its message is never shown as is. */
interface GitHubFailure {
  status?: number;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubClient {
  readonly uri: string;
  readonly token: string;
  /** One REST call, retried on 429/5xx and secondary rate limits; failures become StoreErrors. */
  call<T>(doing: string, route: string, params?: Record<string, unknown>): Promise<T>;
  /** Like `call`, but a 404 is `undefined` rather than an error. */
  callUnlessMissing<T>(
    doing: string,
    route: string,
    params?: Record<string, unknown>,
  ): Promise<T | undefined>;
}

/**
 * A token from the options or the environment. PASSGENI_GITHUB_TOKEN comes first so that a
 * workflow's own GITHUB_TOKEN, which cannot write secrets, is used only when nothing else is given.
 */
export function githubToken(context: AdapterContext, uri: string): string {
  const token =
    context.options.github?.token ??
    context.env.PASSGENI_GITHUB_TOKEN ??
    context.env.GH_TOKEN ??
    context.env.GITHUB_TOKEN;
  if (!token) {
    throw new StoreError('STORE_AUTH_MISSING', `No GitHub token: set PASSGENI_GITHUB_TOKEN. ${TOKEN_HINT}`, {
      store: uri,
    });
  }
  return token;
}

function headerOf(error: GitHubFailure, name: string): string | undefined {
  return error.response?.headers?.[name];
}

/** How long GitHub asks to wait, or null when the failure is not worth another attempt. */
function retryDelay(error: GitHubFailure): number | null {
  const status = error.status;
  if (status === undefined) return 0; // network failure or timeout
  const after = parseRetryAfter(headerOf(error, 'retry-after'));
  if (
    status === 429 ||
    (status === 403 && (after !== undefined || headerOf(error, 'x-ratelimit-remaining') === '0'))
  ) {
    const reset = Number(headerOf(error, 'x-ratelimit-reset'));
    return after ?? (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : 0);
  }
  return status >= 500 ? 0 : null;
}

function isRateLimit(error: GitHubFailure): boolean {
  return (
    error.status === 429 ||
    (error.status === 403 &&
      (headerOf(error, 'retry-after') !== undefined || headerOf(error, 'x-ratelimit-remaining') === '0'))
  );
}

export function createGitHubClient(
  context: AdapterContext,
  uri: string,
  secrets: () => string[],
): GitHubClient {
  const token = githubToken(context, uri);
  const apiUrl = context.options.github?.apiUrl ?? context.env.GITHUB_API_URL ?? 'https://api.github.com';
  const timeoutMs = context.options.github?.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Node's own fetch (not @actions/github's bundled undici) with a time limit per request.
  const timedFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    fetch(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    });
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const octokit = getOctokit(token, {
    baseUrl: apiUrl.replace(/\/+$/, ''),
    log: silent,
    request: { fetch: timedFetch },
  });
  const retry: RetryPolicy = context.retry;

  const fail = (doing: string, error: GitHubFailure): StoreError => {
    const data = error.response?.data as { message?: unknown } | undefined;
    const said =
      typeof data?.message === 'string' && data.message !== ''
        ? ` (GitHub said: ${redact(data.message, [token, ...secrets()])})`
        : '';
    const status = error.status;
    let code: StoreErrorCode = 'STORE_WRITE_FAILED';
    let message: string;
    if (status === undefined) {
      code = 'STORE_UNAVAILABLE';
      message = `Could not reach GitHub at ${apiUrl} to ${doing} (network failure or no answer within ${timeoutMs} ms); retry later.`;
    } else if (isRateLimit(error)) {
      code = 'STORE_THROTTLED';
      message = `GitHub rate-limited the request to ${doing} (HTTP ${status})${said}; retry later.`;
    } else if (status === 401) {
      code = 'STORE_ACCESS_DENIED';
      message = `GitHub rejected the token when trying to ${doing} (HTTP 401)${said}. ${TOKEN_HINT}`;
    } else if (status === 403) {
      code = 'STORE_ACCESS_DENIED';
      message = `The GitHub token may not ${doing} (HTTP 403)${said}. ${TOKEN_HINT}`;
    } else if (status === 404) {
      code = 'STORE_NOT_FOUND';
      message = `GitHub answered 404 when trying to ${doing}${said}: the repository, environment or organization does not exist, or the token cannot see it (GitHub does not say which). ${TOKEN_HINT}`;
    } else if (status >= 500) {
      code = 'STORE_UNAVAILABLE';
      message = `GitHub failed to ${doing} (HTTP ${status})${said}; retry later.`;
    } else {
      message = `GitHub refused to ${doing} (HTTP ${status})${said}.`;
    }
    return new StoreError(code, message, { store: uri });
  };

  const call = async <T>(doing: string, route: string, params: Record<string, unknown> = {}): Promise<T> => {
    try {
      const response = await withRetry(
        retry,
        () => octokit.request(route, params),
        (outcome) => (outcome.ok ? null : retryDelay(outcome.error as GitHubFailure)),
      );
      return response.data as T;
    } catch (error) {
      throw fail(doing, error as GitHubFailure);
    }
  };

  return {
    uri,
    token,
    call,
    async callUnlessMissing<T>(doing: string, route: string, params: Record<string, unknown> = {}) {
      try {
        return await call<T>(doing, route, params);
      } catch (error) {
        if (error instanceof StoreError && error.code === 'STORE_NOT_FOUND') return undefined;
        throw error;
      }
    },
  };
}
