import { HttpError, httpRequest } from './http.js';

/**
 * The part of `fetch` the public look-ups use (a GET with plain-object headers; status, ok,
 * text, json), answered by httpRequest. Those look-ups take any `typeof fetch`, so tests can count or
 * rewrite requests; this is what they get by default: the project's one client, with its time
 * limits and body limit, rather than the built-in fetch (which would follow a redirect to any host).
 *
 * Failures follow fetch's conventions, which callers already read: a TimeoutError for a time
 * limit, otherwise TypeError('fetch failed') whose cause is the HttpError (with its code, e.g.
 * ECONNREFUSED).
 */
export const httpFetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
  const url = typeof input === 'string' || input instanceof URL ? input : input.url;
  let response;
  try {
    response = await httpRequest({
      url,
      headers: { ...(init.headers as Record<string, string> | undefined) },
    });
  } catch (error) {
    if (error instanceof HttpError && error.timedOut) throw new DOMException(error.message, 'TimeoutError');
    throw new TypeError('fetch failed', { cause: error });
  }
  const { status, text } = response;
  return {
    status,
    ok: status >= 200 && status < 300,
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}) as unknown as typeof fetch;
