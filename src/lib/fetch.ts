import { HttpError, httpRequest } from './http.js';

/**
 * The part of `fetch` the public look-ups use (method, plain-object headers, a string body, an
 * abort signal; status, ok, headers.get, text, json), answered by httpRequest. Those look-ups take
 * any `typeof fetch`, so tests can count or rewrite requests; this is what they get by default:
 * the project's one client, with its time limits and body limit, rather than the built-in fetch
 * (which would follow a redirect to any host).
 *
 * Failures follow fetch's conventions, which callers already read: the signal's reason when the
 * caller aborted, a TimeoutError for a time limit, otherwise TypeError('fetch failed') whose cause
 * is the HttpError (with its code, e.g. ECONNREFUSED).
 */
export const httpFetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
  const url = typeof input === 'string' || input instanceof URL ? input : input.url;
  const { signal } = init;
  let response;
  try {
    response = await httpRequest({
      url,
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string> | undefined) },
      ...(typeof init.body === 'string' && { body: init.body }),
      ...(signal && { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof HttpError && error.timedOut) throw new DOMException(error.message, 'TimeoutError');
    throw new TypeError('fetch failed', { cause: error });
  }
  const { status, headers, text } = response;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string): string | null {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}) as unknown as typeof fetch;
