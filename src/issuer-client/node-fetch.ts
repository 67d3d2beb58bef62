import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

/**
 * The subset of `fetch` the issuer clients use (method, headers, a string body, an abort signal;
 * status, headers.get, text, json), over node:http/https.
 *
 * Why, twice over. Start-up: the first call of Node's built-in fetch loads its bundled undici and
 * compiles undici's WebAssembly HTTP parser, a fixed cost on every action start that node:http
 * (already part of Node's startup snapshot) does not have; see docs/performance.md, "Action
 * start-up". Memory, for bulk look-ups (inventory, rotation): undici registers every Response it
 * creates in a FinalizationRegistry, and V8's young-generation collector never clears such
 * registrations, so every response — its headers, body stream and buffers, about 8 KiB — is
 * promoted to the old generation and freed only by a full collection; peak RSS then grows with
 * the number of requests (docs/performance.md, "Inventory"). Nothing here is registered. TLS, CA
 * certificates (NODE_EXTRA_CA_CERTS) and proxy support (NODE_USE_ENV_PROXY) are Node's own in
 * both. Responses are read whole: issuer responses are small JSON documents, capped here.
 *
 * The modules come from `process.getBuiltinModule`, not an `import`: Node 24 builds the ESM facade
 * of `node:http` by reading every export, and one of them is a lazy getter that loads undici —
 * the very cost this file exists to avoid.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/** process.getBuiltinModule arrived in Node 22.3 and engines allows 22.0: require serves before it. */
const loadBuiltin: typeof process.getBuiltinModule =
  typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule.bind(process)
    : (createRequire(import.meta.url) as unknown as typeof process.getBuiltinModule);

interface MinimalResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export const nodeFetch = ((
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<MinimalResponse> => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>))
    headers[name] = value;
  const body = typeof init.body === 'string' ? init.body : undefined;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const send =
    url.protocol === 'https:'
      ? loadBuiltin('node:https').request
      : url.protocol === 'http:'
        ? loadBuiltin('node:http').request
        : undefined;
  if (!send) return Promise.reject(new TypeError(`Unsupported protocol ${url.protocol}`));

  return new Promise<MinimalResponse>((resolve, reject) => {
    const req = send(
      url,
      { method: init.method ?? 'GET', headers, ...(init.signal && { signal: init.signal }) },
      (res) => {
        readBody(res).then((text) => resolve(toResponse(res, text)), reject);
      },
    );
    // Node's abort error carries the signal's reason (TimeoutError for AbortSignal.timeout), as
    // fetch does, so callers can tell a timeout from a refused connection.
    req.on('error', (error: Error & { cause?: unknown }) =>
      reject(
        init.signal?.aborted
          ? (init.signal.reason ?? error)
          : new TypeError('fetch failed', { cause: error }),
      ),
    );
    req.end(body);
  });
}) as unknown as typeof fetch;

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`The response is larger than ${MAX_BODY_BYTES} bytes.`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function toResponse(res: IncomingMessage, text: string): MinimalResponse {
  const status = res.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string): string | null {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}
