import { HttpError, jsonBody } from '../src/lib/http.js';
import { httpRequestWithRetry } from '../src/lib/retry.js';
import type { RetryPolicy } from '../src/lib/retry.js';
import { quoteServerMessages } from './internal/redact.js';
import { StoreError } from './store.js';

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * Doppler's service-account identity login (Team and Enterprise plans): an OIDC token from the
 * runner (GitHub's, GitLab's, a Kubernetes projected token) and the identity's id are exchanged at
 * `POST /v3/auth/oidc` for a short-lived API token of the service account, so no static Doppler
 * token is stored anywhere. The identity's claim rules (audience, subject) are checked by Doppler.
 */
type ExchangeOptions = { api: URL; identity: string; oidcToken: string; retry: RetryPolicy; store: string };

/** One exchange per identity and OIDC token per process: a rotation opens a store per credential. */
const exchanged = new Map<string, Promise<string>>();

export function exchangeOidcToken(options: ExchangeOptions): Promise<string> {
  const key = `${options.api.origin}\n${options.identity}\n${options.oidcToken}`;
  let token = exchanged.get(key);
  if (token === undefined) {
    token = exchange(options);
    exchanged.set(key, token);
    // a failed login is not remembered: the next store may try again
    token.catch(() => exchanged.delete(key));
  }
  return token;
}

async function exchange(options: ExchangeOptions): Promise<string> {
  const { api, identity, oidcToken, retry, store } = options;
  let response;
  try {
    response = await httpRequestWithRetry(
      retry,
      {
        method: 'POST',
        url: new URL('/v3/auth/oidc', api),
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ identity, token: oidcToken }),
      },
      (r) => RETRYABLE.has(r.status),
    );
  } catch (error) {
    if (error instanceof HttpError) {
      throw new StoreError(
        'STORE_UNAVAILABLE',
        `Could not reach Doppler at ${api.origin} to log in with the service-account identity${error.code ? ` (${error.code})` : ''}.`,
        { store },
      );
    }
    throw error;
  }
  const body = jsonBody(response) as { token?: unknown; messages?: unknown } | undefined;
  if (response.status === 200 && typeof body?.token === 'string' && body.token !== '') return body.token;
  const said = quoteServerMessages(body?.messages, [oidcToken]);
  const denied = response.status === 400 || response.status === 401 || response.status === 403;
  throw new StoreError(
    denied ? 'STORE_ACCESS_DENIED' : 'STORE_UNAVAILABLE',
    denied
      ? `Doppler refused the OIDC login for service-account identity ${identity} (HTTP ${response.status})${said}. Check the identity id and that its audience and subject rules match the token (for GitHub: the audience requested and repo:<org>/<repo>:…).`
      : `Doppler failed the OIDC login (HTTP ${response.status})${said}; retry later.`,
    { store },
  );
}
