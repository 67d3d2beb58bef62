import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { isPassgeniError } from '../../errors.js';
import { httpStatusOf, IssuerServiceError, messageOf } from '../errors.js';
import type { RateLimitState } from '../limits.js';
import type { Issuer } from '../issuer.js';
import type { Caller } from '../types.js';
import { registerLogRoutes } from '../log/routes.js';
import { identityDocument } from './identity.js';
import { PAGE_CSP, renderCertificatePage, renderNotFoundPage } from './page.js';

export interface ServerOptions {
  issuer: Issuer;
  /**
   * Whose X-Forwarded-For to believe for the client address (per-address limits, audit trail).
   * false (default): the socket's peer. true: any proxy (only behind a proxy that overwrites the
   * header). A number: that many proxy hops. A string: comma-separated addresses/CIDRs of trusted
   * proxies. See docs/operations.md.
   */
  trustProxy?: boolean | number | string;
  /** pino options for fastify's logger, or false for none. Secrets are redacted either way. */
  logger?: FastifyServerOptions['logger'];
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/** Never logged, whatever the log level or serializer. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'apiKey',
  'key',
  'token',
];

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

declare module 'fastify' {
  interface FastifyRequest {
    passgeniRoute?: string;
  }
}

/** Builds the issuer's HTTP server (not yet listening). */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { issuer } = options;
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  const app = Fastify({
    // the biggest valid body is under 2 KiB
    bodyLimit: 16 * 1024,
    trustProxy: trustProxySetting(options.trustProxy),
    // one access-log line per request is written below, after the response, with the route
    logController: new LogController({ disableRequestLogging: true }),
    // slow clients must not hold connections (and with them, graceful shutdown) forever
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    logger:
      typeof options.logger === 'object'
        ? { ...options.logger, redact }
        : options.logger === true && { level: 'info', redact },
  });

  const metrics = issuer.metrics;

  // every body is JSON: a text/plain one is the documented 415, not a string the schema then refuses
  app.removeContentTypeParser('text/plain');

  /**
   * A request fastify refused before its handler (unparseable body, wrong type, no such route)
   * still counts against the key it carries and is audited, like any other rejected request; a
   * bad key or an exhausted limit then decides the answer instead.
   */
  async function rejectedWithKey(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
  ): Promise<unknown> {
    if (bearerToken(request.headers.authorization) === '') return undefined;
    try {
      await issuer.recordRejected(
        callerOf(request, reply),
        `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
        code,
      );
      return undefined;
    } catch (error) {
      return error;
    }
  }

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
      },
      'request',
    );
  });

  app.setErrorHandler(async (thrown: unknown, request, reply) => {
    let error = thrown;
    if (!isPassgeniError(error)) {
      const refused = errorResponse(error);
      if (refused.status < 500)
        error = (await rejectedWithKey(request, reply, String(refused.body.code))) ?? error;
    }
    const { status, body, retryAfter } = errorResponse(error);
    if (status >= 500) {
      // the message of an unexpected error may come from a library; log it, never send it
      request.log.error({ err: { message: messageOf(error), code: errorCode(error) } }, 'request failed');
    }
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.code(status).type(JSON_TYPE).send(body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const refused = await rejectedWithKey(request, reply, 'NOT_FOUND');
    if (refused !== undefined) throw refused;
    if (request.method === 'GET' && wantsHtml(request)) {
      return reply
        .code(404)
        .type(HTML_TYPE)
        .header('content-security-policy', PAGE_CSP)
        .send(renderNotFoundPage(issuer));
    }
    return reply
      .code(404)
      .type(JSON_TYPE)
      .send({ error: 'No such endpoint. See docs/protocol.md.', code: 'NOT_FOUND' });
  });

  // ------------------------------------------------------------------------- API v1

  app.post('/api/v1/sessions', async (request, reply) => {
    const result = await issuer.createSession(callerOf(request, reply), request.body);
    return reply.code(201).type(JSON_TYPE).send(result);
  });

  app.post('/api/v1/certificates', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const { replayed, ...result } = await issuer.issueCertificate(
      callerOf(request, reply),
      request.body,
      // repeated, the header arrives as an array: refused as not a valid key
      Array.isArray(key) ? key.join(',') : key,
    );
    return reply
      .code(replayed ? 200 : 201)
      .type(JSON_TYPE)
      .header('location', result.cert_url)
      .send({ ...result, log: issuer.log.pendingEntry(result.cert_id, result.certificate) });
  });

  app.get('/api/v1/certificates', async (request, reply) => {
    const result = await issuer.listCertificates(callerOf(request, reply), queryOf(request));
    return reply.type(JSON_TYPE).send(result);
  });

  app.get('/api/v1/events', async (request, reply) => {
    const result = await issuer.listEvents(callerOf(request, reply), queryOf(request));
    return reply.type(JSON_TYPE).send(result);
  });

  app.get('/api/v1/certificates/:id', async (request, reply) => {
    const result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: 'api' });
    return reply.type(JSON_TYPE).header('access-control-allow-origin', '*').send(result);
  });

  app.post('/api/v1/certificates/:id/activate', async (request, reply) => {
    const result = await issuer.activateCertificate(callerOf(request, reply), paramId(request));
    return reply.type(JSON_TYPE).send(result);
  });

  app.post('/api/v1/certificates/:id/revoke', async (request, reply) => {
    const result = await issuer.revokeCertificate(callerOf(request, reply), paramId(request), request.body);
    return reply.type(JSON_TYPE).send(result);
  });

  // ------------------------------------------------------------------------- public

  app.get('/cert/:id', async (request, reply) => {
    const json = prefersJson(request.headers.accept);
    reply.header('vary', 'Accept');
    let result;
    try {
      result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: json ? 'json' : 'page' });
    } catch (error) {
      if (json || !isPassgeniError(error) || error.code !== 'CERTIFICATE_NOT_FOUND') throw error;
      return reply
        .code(404)
        .type(HTML_TYPE)
        .header('content-security-policy', PAGE_CSP)
        .send(renderNotFoundPage(issuer));
    }
    if (json) return reply.type(JSON_TYPE).header('access-control-allow-origin', '*').send(result);
    return reply
      .type(HTML_TYPE)
      .header('content-security-policy', PAGE_CSP)
      .send(renderCertificatePage(result, issuer, await issuer.log.position(result.cert_id)));
  });

  app.get('/cert/:id/jwt', async (request, reply) => {
    const result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: 'jwt' });
    if (result.status === 'pending') {
      // a JWT file carries no status: handed out now, it would verify offline as valid although
      // no store may ever hold its credential
      throw new IssuerServiceError(
        'CERTIFICATE_PENDING',
        409,
        `This certificate is pending: no store has been confirmed to hold its credential yet. It can be downloaded once activated; unless it is activated by ${result.activate_by ?? 'its deadline'}, the issuer revokes it.`,
        { details: { activate_by: result.activate_by } },
      );
    }
    return reply
      .type('application/jwt')
      .header('content-disposition', `attachment; filename="passgeni-${result.cert_id}.jwt"`)
      .header('access-control-allow-origin', '*')
      .send(`${result.certificate}\n`);
  });

  /** A public document verifiers poll: cacheable for five minutes, revalidated by its ETag. */
  const sendPublicJson = (request: FastifyRequest, reply: FastifyReply, value: unknown) => {
    const body = JSON.stringify(value);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply
      .header('cache-control', 'public, max-age=300')
      .header('etag', etag)
      .header('access-control-allow-origin', '*');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(JSON_TYPE).send(body);
  };

  app.get('/.well-known/jwks.json', async (request, reply) => sendPublicJson(request, reply, issuer.jwks()));

  app.get('/.well-known/passgeni-issuer', async (request, reply) =>
    sendPublicJson(request, reply, await identityDocument(issuer)),
  );

  registerLogRoutes(app, issuer.log);

  app.get('/healthz', async (_request, reply) => {
    const health = await issuer.health();
    return reply
      .code(health.ok ? 200 : 503)
      .type(JSON_TYPE)
      .send({ status: health.ok ? 'ok' : 'unavailable', database: health.database });
  });

  app.get('/metrics', async (request, reply) => {
    if (
      options.metricsToken !== undefined &&
      !bearerMatches(request.headers.authorization, options.metricsToken)
    ) {
      return reply
        .code(401)
        .type(JSON_TYPE)
        .send({ error: 'The metrics endpoint needs its bearer token.', code: 'AUTH_REQUIRED' });
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await issuer.metricsText());
  });

  return app;
}

/** A hop count becomes the function fastify's proxy-addr expects (trust the nearest n proxies). */
function trustProxySetting(
  value: ServerOptions['trustProxy'],
): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value ?? false;
}

function callerOf(request: FastifyRequest, reply: FastifyReply): Caller {
  return {
    apiKey: bearerToken(request.headers.authorization),
    ip: request.ip,
    onRateLimit: (state) => setRateHeaders(reply, state),
  };
}

/** The token of `Authorization: Bearer <token>`; '' when absent or another scheme. */
export function bearerToken(header: string | undefined): string {
  if (typeof header !== 'string') return '';
  // room for an OIDC ID token (GitHub's are 1-2 KB), not only an API key
  const match = /^Bearer[ \t]+(\S{1,8192})[ \t]*$/i.exec(header);
  return match?.[1] ?? '';
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const given = createHash('sha256').update(bearerToken(header)).digest();
  return timingSafeEqual(given, createHash('sha256').update(expected).digest());
}

function setRateHeaders(reply: FastifyReply, state: RateLimitState): void {
  reply.header('x-ratelimit-limit', String(state.limit));
  reply.header('x-ratelimit-remaining', String(state.remaining));
  reply.header('x-ratelimit-reset', String(Math.ceil(state.resetAt.getTime() / 1000)));
  reply.header('x-ratelimit-scope', state.scope);
}

function paramId(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  const query = request.query;
  if (typeof query !== 'object' || query === null) return {};
  // a repeated parameter arrives as an array; the schema then rejects it as not a string
  return query as Record<string, unknown>;
}

/** JSON when the client ranks application/json above text/html; HTML otherwise (browsers, curl). */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let json = 0;
  let html = 0;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.trim().toLowerCase().split(';');
    const type = rawType?.trim() ?? '';
    let q = 1;
    for (const p of params) {
      const [name, value] = p.trim().split('=');
      if (name === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      }
    }
    if (type === 'application/json' || type === 'application/*')
      json = Math.max(json, type === 'application/json' ? q : q * 0.99);
    if (type === 'text/html' || type === 'text/*') html = Math.max(html, type === 'text/html' ? q : q * 0.99);
    if (type === '*/*') {
      json = Math.max(json, q * 0.5);
      html = Math.max(html, q * 0.5);
    }
  }
  return json > html;
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && /text\/html/i.test(accept) && !prefersJson(accept);
}

function errorResponse(error: unknown): {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
} {
  if (isPassgeniError(error)) {
    const status = httpStatusOf(error);
    if (status >= 500 && !(error instanceof IssuerServiceError)) {
      return { status: 500, body: { error: 'The issuer failed to handle the request.', code: 'INTERNAL' } };
    }
    const retryAfter = error instanceof IssuerServiceError ? error.retryAfter : undefined;
    return { status, body: error.toJSON(), ...(retryAfter !== undefined && { retryAfter }) };
  }
  // fastify's own 4xx: unparseable JSON, wrong content type, body too large …
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code =
      statusCode === 413
        ? 'PAYLOAD_TOO_LARGE'
        : statusCode === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : statusCode === 404
            ? 'NOT_FOUND'
            : 'INVALID_REQUEST';
    const message =
      statusCode === 413
        ? 'The request body is too large.'
        : statusCode === 415
          ? 'Send the request body as JSON (Content-Type: application/json).'
          : statusCode === 404
            ? 'No such endpoint.'
            : 'The request body is not valid JSON.';
    return { status: statusCode, body: { error: message, code } };
  }
  return { status: 500, body: { error: 'The issuer failed to handle the request.', code: 'INTERNAL' } };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
