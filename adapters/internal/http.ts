import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Extra CA certificates (PEM), e.g. VAULT_CACERT. */
  ca?: string;
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body exactly as received: callers that must not re-serialise JSON need the text. */
  text: string;
  /** How many attempts it took, when the request went through a retry loop. */
  attempts?: number;
}

/**
 * A request that never reached an answer. The message is ours and names only the origin: Node's
 * own errors are fine, but a proxy or TLS library error could carry request details.
 */
export class TransportError extends Error {
  readonly code: string | undefined;
  constructor(origin: string, code: string | undefined) {
    super(`could not reach ${origin}${code ? ` (${code})` : ''}`);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** One HTTP exchange over node:http(s); every status is a response, only transport failures throw. */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const { url } = request;
  const transport = url.protocol === 'http:' ? http : https;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method,
        headers,
        timeout: request.timeoutMs ?? 30_000,
        ...(request.ca !== undefined && { ca: request.ca }),
        ...(request.rejectUnauthorized !== undefined && { rejectUnauthorized: request.rejectUnauthorized }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => reject(new TransportError(url.origin, error.code)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => reject(new TransportError(url.origin, error.code)));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
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
