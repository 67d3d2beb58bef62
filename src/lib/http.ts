import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

/**
 * The project's one HTTP client, on node:http/node:https (TLS, NODE_EXTRA_CA_CERTS and
 * NODE_USE_ENV_PROXY are Node's own). It promises what the callers need from a network they do
 * not control: a time limit on getting a connection and on the whole exchange, a bounded body
 * (read whole, since every caller parses it, but never more than `maxBodyBytes` held in memory),
 * and no redirect to another host (a request carrying a token must not be handed to a host the
 * caller did not name). Every HTTP status is a response; only a failed exchange throws, and
 * always an HttpError.
 */
export interface HttpRequest {
  url: URL | string;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Longest wait for a connection (DNS, TCP, TLS). Default 10 s, or PASSGENI_HTTP_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the whole exchange, redirects included, up to the body's last byte. Default
   * 30 s, or PASSGENI_HTTP_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /** Largest body read; a larger one ends the exchange with TOO_LARGE. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Extra CA certificates (PEM), e.g. VAULT_CACERT. */
  ca?: string;
  rejectUnauthorized?: boolean;
  /** A TLS client certificate and its key (PEM), for servers that require one (Vault's cert auth, mTLS). */
  clientCert?: { cert: string; key: string };
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body exactly as received: callers that must not re-serialise JSON need the text. */
  text: string;
  /** The body's bytes (binary answers: transparency log tiles). */
  bytes: Buffer;
}

/** Failures of our own making; anything else is Node's system error code (ECONNREFUSED, ENOTFOUND …). */
export type HttpFailure = 'CONNECT_TIMEOUT' | 'TIMEOUT' | 'TOO_LARGE' | 'REDIRECT' | 'PROTOCOL';

/**
 * An exchange that did not produce a response. The message is ours and names only the origin:
 * the path may name a secret, and Node's or a proxy's error could carry request details.
 */
export class HttpError extends Error {
  constructor(
    readonly code: HttpFailure | string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get timedOut(): boolean {
    return this.code === 'CONNECT_TIMEOUT' || this.code === 'TIMEOUT';
  }
}

/**
 * node:http and node:https come from `process.getBuiltinModule`, not an `import`: Node 24 builds
 * the ESM facade of node:http by reading every export, and one is a getter that loads undici
 * (Node's fetch). With a plain import the certify action took 2.67x `node -e 0` to its first
 * issuer request, against 2.11x without (same run conditions; the guard is 2.5x, see
 * docs/performance.md). Before Node 22.3 (engines allows 22.0), require serves.
 */
const loadBuiltin: typeof process.getBuiltinModule =
  typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule.bind(process)
    : (createRequire(import.meta.url) as unknown as typeof process.getBuiltinModule);

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  timeoutMs: 30_000,
  maxBodyBytes: 8 * 1024 * 1024,
};

/**
 * The time limits a caller leaves unset: the defaults above, or what the user set for every
 * outbound call at once (a slow network, a distant issuer) with PASSGENI_HTTP_CONNECT_TIMEOUT_MS
 * and PASSGENI_HTTP_TIMEOUT_MS. Read per request, so a front end's environment applies.
 */
function defaultLimit(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > 600_000) {
    throw new RangeError(
      `${variable} must be a whole number of milliseconds from 1 to 600000; unset it for the default (${fallback}).`,
    );
  }
  return value;
}

/** Front ends call this at start, so a malformed limit is a usage error before anything runs. */
export function checkHttpLimitEnv(): void {
  defaultLimit('PASSGENI_HTTP_CONNECT_TIMEOUT_MS', DEFAULTS.connectTimeoutMs);
  defaultLimit('PASSGENI_HTTP_TIMEOUT_MS', DEFAULTS.timeoutMs);
}

const connectTimeoutOf = (request: HttpRequest) =>
  request.connectTimeoutMs ?? defaultLimit('PASSGENI_HTTP_CONNECT_TIMEOUT_MS', DEFAULTS.connectTimeoutMs);
const timeoutOf = (request: HttpRequest) =>
  request.timeoutMs ?? defaultLimit('PASSGENI_HTTP_TIMEOUT_MS', DEFAULTS.timeoutMs);
/** Same-host redirects followed in one exchange. */
const MAX_REDIRECTS = 5;

export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const deadline = Date.now() + timeoutOf(request);
  return exchange(request, url, request.method ?? 'GET', request.body, deadline, 0);
}

/** Parses a JSON body, or undefined for an empty or non-JSON body. */
export function jsonBody(response: HttpResponse): unknown {
  if (response.text.trim() === '') return undefined;
  try {
    return JSON.parse(response.text);
  } catch {
    return undefined;
  }
}

function exchange(
  request: HttpRequest,
  url: URL,
  method: string,
  body: string | Uint8Array | undefined,
  deadline: number,
  redirects: number,
): Promise<HttpResponse> {
  const { origin } = url;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new HttpError('PROTOCOL', `Unsupported protocol ${url.protocol}`));
  }
  const connectMs = connectTimeoutOf(request);
  const totalMs = Math.max(0, deadline - Date.now());
  const maxBody = request.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      return true;
    };
    const fail = (code: HttpFailure | string, message: string): void => {
      if (!settle()) return;
      req.destroy();
      reject(new HttpError(code, message));
    };

    const transport = loadBuiltin(url.protocol === 'https:' ? 'node:https' : 'node:http');
    const req = transport.request(url, {
      method,
      headers,
      ...(request.ca !== undefined && { ca: request.ca }),
      ...(request.rejectUnauthorized !== undefined && { rejectUnauthorized: request.rejectUnauthorized }),
      ...(request.clientCert !== undefined && { cert: request.clientCert.cert, key: request.clientCert.key }),
    });
    const limit = (ms: number, code: HttpFailure, message: string): NodeJS.Timeout => {
      const timer = setTimeout(() => fail(code, message), ms);
      timer.unref();
      timers.push(timer);
      return timer;
    };
    limit(totalMs, 'TIMEOUT', `${origin} did not answer within ${timeoutOf(request)} ms.`);
    const connecting = limit(
      connectMs,
      'CONNECT_TIMEOUT',
      `Could not connect to ${origin} within ${connectMs} ms.`,
    );
    req.on('socket', (socket) => {
      // A kept-alive socket is connected already; a new one is ready after TCP (and TLS).
      if (!socket.connecting) return clearTimeout(connecting);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connecting));
    });
    req.on('error', (error: NodeJS.ErrnoException) => unreachable(error, origin, fail));
    req.on('response', (res) => {
      clearTimeout(connecting);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        res.resume();
        if (!settle()) return;
        follow(request, url, method, body, status, location, deadline, redirects).then(resolve, reject);
        return;
      }
      read(res, maxBody, origin, fail, (bytes) => {
        if (settle()) resolve({ status, headers: res.headers, text: bytes.toString('utf8'), bytes });
      });
    });

    req.end(body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function follow(
  request: HttpRequest,
  from: URL,
  method: string,
  body: string | Uint8Array | undefined,
  status: number,
  location: string,
  deadline: number,
  redirects: number,
): Promise<HttpResponse> {
  const refuse = (why: string): Promise<never> =>
    Promise.reject(new HttpError('REDIRECT', `${from.origin} ${why}`));
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return refuse('redirected to an invalid URL.');
  }
  // The same host, and never from https down to http: anything else could hand the request's
  // token to a server the caller did not name.
  if (to.hostname !== from.hostname || (from.protocol === 'https:' && to.protocol === 'http:')) {
    return refuse(
      `redirected to ${to.origin}; only a redirect on the same host (over https if it was) is followed.`,
    );
  }
  if (redirects >= MAX_REDIRECTS) return refuse('redirected too many times.');
  // As browsers and fetch do: 303, and 301/302 after a POST, continue as a GET without the body.
  if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
    const headers = Object.fromEntries(
      Object.entries(request.headers ?? {}).filter(([name]) => !/^content-(type|length)$/i.test(name)),
    );
    return exchange({ ...request, headers }, to, 'GET', undefined, deadline, redirects + 1);
  }
  return exchange(request, to, method, body, deadline, redirects + 1);
}

function read(
  res: IncomingMessage,
  maxBody: number,
  origin: string,
  fail: (code: HttpFailure | string, message: string) => void,
  done: (bytes: Buffer) => void,
): void {
  const tooLarge = (): void =>
    fail('TOO_LARGE', `The answer from ${origin} is larger than ${maxBody} bytes; it was not read.`);
  if (Number(res.headers['content-length']) > maxBody) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBody) return tooLarge();
    chunks.push(chunk);
  });
  res.on('end', () => done(Buffer.concat(chunks)));
  res.on('error', (error: NodeJS.ErrnoException) => unreachable(error, origin, fail));
  res.on('close', () => {
    if (!res.complete) fail('ECONNRESET', `${origin} closed the connection before the answer was complete.`);
  });
}

function unreachable(
  error: NodeJS.ErrnoException,
  origin: string,
  fail: (code: string, message: string) => void,
): void {
  const code = error.code ?? 'ECONNRESET';
  fail(code, `Could not reach ${origin} (${code}).`);
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * Routes every outbound HTTP(S) call of this process (this client, fetch, SDKs on the global
 * agents) through HTTPS_PROXY / HTTP_PROXY, except the hosts in NO_PROXY, when any is set. Node
 * does this itself only when started with NODE_USE_ENV_PROXY=1, which a runner or a user rarely
 * sets. `unsupported`: the variables are set but this Node.js (before 24.x) cannot apply them.
 */
export function useProxyFromEnv(env: NodeJS.ProcessEnv = process.env): 'none' | 'enabled' | 'unsupported' {
  if (!PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '')) return 'none';
  const http = loadBuiltin('node:http');
  if (typeof http.setGlobalProxyFromEnv !== 'function') return 'unsupported';
  http.setGlobalProxyFromEnv(env);
  return 'enabled';
}
