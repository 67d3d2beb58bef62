import type { Jwks } from '../certificate/index.js';
import { jsonBody, type HttpResponse } from '../lib/http.js';
import { randomUUID } from 'node:crypto';
import { AdaptivePacer } from '../lib/pacer.js';
import { DEFAULT_RETRY, httpRequestWithRetry, parseRetryAfter, type RetryPolicy } from '../lib/retry.js';
import { IssuerError, answerLost, issuerUnreachable } from './errors.js';
import type * as Responses from './responses.js';
import type {
  AuditTrailEvent,
  CertificateListQuery,
  CertificateRequest,
  CertificateSummary,
  EventListQuery,
  IssuerRegistry,
  Page,
  CertificateStatusResponse,
  IssuedCertificate,
  IssuerClient,
  IssueOptions,
  SessionRequest,
  SessionResponse,
} from './types.js';

export interface HttpIssuerOptions {
  /** Base URL of the issuer, e.g. https://certs.example.com */
  url: string;
  apiKey: string;
  /** Attempts per request for retryable failures (429, 5xx, network). Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt with full jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Longest wait for one whole exchange. Default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /**
   * A 429 is waited out for as long as its Retry-After says, up to this long (default 60 s: the
   * longest a key's own limits ever ask for); a longer wait is reported instead.
   */
  maxRateLimitWaitMs?: number;
  /** How many 429s one request waits out before it is reported. Default 8. */
  maxRateLimitRetries?: number;
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const DEFAULT_RATE_LIMIT_RETRIES = 8;
/** Requests in flight at once before the issuer has refused any. */
const MAX_IN_FLIGHT = 16;

/** Issuer answers are small JSON documents; anything larger is not an issuer speaking. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The response schemas, loaded with the first answer (see responses.ts). */
let responses: Promise<typeof Responses> | undefined;
function loadResponses(): Promise<typeof Responses> {
  responses ??= import('./responses.js');
  return responses;
}

/**
 * Client for the issuer's HTTP protocol (docs/protocol.md). Every response is validated before
 * it is used, since it comes from the network. Retries cover what is transient — 5xx and
 * connection failures, with backoff — and never 4xx answers that would fail again. A 429 is the
 * issuer pacing this key: the client's authenticated requests share an adaptive pacer (halve
 * what is in flight, hold everything for the Retry-After, grow back slowly; src/lib/pacer.ts), the
 * refused request goes again first once the wait is over, and waits have a budget of their own so
 * pacing never uses up the retries meant for failures.
 *
 * Issuing a certificate consumes a single-use session, so a retry after a lost response meets
 * SESSION_USED; the issuer then names the certificate it already issued for that session and the
 * client returns that one instead of leaving it orphaned.
 */
export class HttpIssuerClient implements IssuerClient, IssuerRegistry {
  readonly description: string;
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  /** One per client, i.e. per API key: the issuer limits the key, so its requests share one pace. */
  private readonly pacer = new AdaptivePacer(MAX_IN_FLIGHT);

  constructor(private readonly config: HttpIssuerOptions) {
    let base: URL;
    try {
      base = new URL(config.url.endsWith('/') ? config.url : `${config.url}/`);
    } catch {
      throw new IssuerError('ISSUER_URL_INVALID', `The issuer URL "${config.url}" is not a valid URL.`, {
        exitCode: 2,
        hint: { option: 'issuer-url', fix: 'check' },
      });
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new IssuerError(
        'ISSUER_URL_INVALID',
        'The issuer URL must start with https:// (or http:// for a local issuer).',
        { exitCode: 2, hint: { option: 'issuer-url', fix: 'check' } },
      );
    }
    if (!config.apiKey) {
      throw new IssuerError('ISSUER_API_KEY_MISSING', 'An API key is needed for the issuer.', {
        exitCode: 2,
        hint: { option: 'api-key' },
      });
    }
    this.base = base;
    this.description = base.origin + base.pathname.replace(/\/$/, '');
    this.retry = {
      ...DEFAULT_RETRY,
      ...(config.maxAttempts !== undefined && { maxAttempts: config.maxAttempts }),
      ...(config.baseDelayMs !== undefined && { baseDelayMs: config.baseDelayMs }),
    };
  }

  async createSession(request: SessionRequest): Promise<SessionResponse> {
    const body = await this.request('POST', 'api/v1/sessions', request, [201]);
    return (await loadResponses()).parseSessionResponse(body, this.description);
  }

  async issueCertificate(
    request: CertificateRequest,
    options: IssueOptions = {},
  ): Promise<IssuedCertificate> {
    // every attempt carries the same key, so the issuer answers a retry with the certificate an
    // attempt whose answer was lost obtained, instead of consuming anything again
    const idempotencyKey = options.idempotencyKey ?? randomUUID();
    try {
      const body = await this.request('POST', 'api/v1/certificates', request, [200, 201], true, {
        urgent: true,
        headers: { 'idempotency-key': idempotencyKey },
      });
      return (await loadResponses()).parseIssuedCertificate(body, this.description);
    } catch (error) {
      if (error instanceof IssuerError && error.mayHaveArrived) throw answerLost(this.description, error);
      // A retry after a lost 201 finds the session used; the issuer tells its owner which
      // certificate that session produced, so the run can use (or revoke) it.
      if (
        error instanceof IssuerError &&
        error.code === 'SESSION_USED' &&
        error.retried &&
        typeof error.body?.cert_id === 'string'
      ) {
        const existing = await this.getCertificate(error.body.cert_id);
        const claims = existing.claims;
        return {
          cert_id: claims.jti,
          cert_url: new URL(`cert/${encodeURIComponent(claims.jti)}`, this.base).toString(),
          certificate: existing.certificate,
          expires_at: new Date(claims.exp * 1000).toISOString(),
          standards_met: claims.standards_met,
          compliance_standard: claims.compliance_standard,
          entropy_bits: claims.entropy_bits,
        };
      }
      throw error;
    }
  }

  async activateCertificate(id: string): Promise<CertificateStatusResponse> {
    return this.toStatus(
      await this.request('POST', `api/v1/certificates/${encodeURIComponent(id)}/activate`, undefined, [200]),
    );
  }

  async getCertificate(id: string): Promise<CertificateStatusResponse> {
    return this.toStatus(
      await this.request('GET', `api/v1/certificates/${encodeURIComponent(id)}`, undefined, [200]),
    );
  }

  async revokeCertificate(id: string, reason: string): Promise<CertificateStatusResponse> {
    return this.toStatus(
      await this.request('POST', `api/v1/certificates/${encodeURIComponent(id)}/revoke`, { reason }, [200]),
    );
  }

  async listCertificates(query: CertificateListQuery): Promise<Page<'certificates', CertificateSummary>> {
    const { team, since, status, standard, limit, cursor } = query;
    const path = withQuery('api/v1/certificates', { team, since, status, standard, limit, cursor });
    return (await loadResponses()).parseCertificatePage(
      await this.request('GET', path, undefined, [200]),
      this.description,
    );
  }

  async listEvents(query: EventListQuery): Promise<Page<'events', AuditTrailEvent>> {
    const { team, since, until, types, limit, cursor } = query;
    const type = types && types.length > 0 ? types.join(',') : undefined;
    const path = withQuery('api/v1/events', { team, type, since, until, limit, cursor });
    return (await loadResponses()).parseEventPage(
      await this.request('GET', path, undefined, [200]),
      this.description,
    );
  }

  async jwks(): Promise<Jwks> {
    const body = await this.request('GET', '.well-known/jwks.json', undefined, [200], false);
    return (await loadResponses()).parseJwks(body);
  }

  /** Public (no API key): the same proof an auditor fetches; a 404 while it is not logged yet. */
  async inclusionProof(id: string): Promise<unknown> {
    const path = `api/v1/certificates/${encodeURIComponent(id)}/inclusion`;
    return this.request('GET', path, undefined, [200], false);
  }

  async close(): Promise<void> {}

  private async toStatus(body: unknown): Promise<CertificateStatusResponse> {
    return (await loadResponses()).parseStatusResponse(body, this.description);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    ok: number[],
    auth = true,
    // urgent: a certificate request redeems a session that expires, so it goes before new ones
    options: { urgent?: boolean; headers?: Record<string, string> } = {},
  ): Promise<unknown> {
    let response: HttpResponse & { attempts: number };
    let retried = false;
    const maxWait = this.config.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    const maxRetries = this.config.maxRateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
    for (let limited = 0; ; limited++) {
      // a retry has waited its turn already
      const release = await this.pacer.acquire(options.urgent === true || limited > 0);
      try {
        response = await httpRequestWithRetry(
          this.retry,
          {
            url: new URL(path, this.base),
            method,
            headers: {
              accept: 'application/json',
              'user-agent': this.config.userAgent ?? 'passgeni',
              ...(auth && { authorization: `Bearer ${this.config.apiKey}` }),
              ...(body !== undefined && { 'content-type': 'application/json' }),
              ...options.headers,
            },
            ...(body !== undefined && { body: JSON.stringify(body) }),
            ...(this.config.timeoutMs !== undefined && { timeoutMs: this.config.timeoutMs }),
            maxBodyBytes: MAX_BODY_BYTES,
          },
          (answer) => !ok.includes(answer.status) && answer.status >= 500,
        );
      } catch (cause) {
        release(true);
        throw issuerUnreachable(this.description, cause, method === 'POST');
      }
      retried ||= response.attempts > 1;
      if (response.status !== 429) {
        release(true);
        break;
      }
      const waitMs =
        preciseWait(response) ??
        parseRetryAfter(response.headers['retry-after']) ??
        // an issuer that names no wait gets the plain backoff of a transient failure
        Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** limited);
      // a wait beyond the bound is reported, not imposed on the client's other requests
      const reported = limited >= maxRetries || waitMs > maxWait;
      if (!reported) this.pacer.refused(waitMs, refillInterval(response));
      release(false);
      if (reported) break;
      // no sleep here: the pacer holds every request, this one first, until the wait is over
      retried = true;
    }
    const payload = jsonBody(response);
    if (ok.includes(response.status)) return payload;
    const { parseErrorBody } = await loadResponses();
    throw fromErrorResponse(response.status, parseErrorBody(payload), this.description, retried);
  }
}

/**
 * The issuer's wait to the millisecond (`retry_after_ms`, docs/protocol.md), where it sent one
 * that agrees with Retry-After: whole seconds are ten times too long for a bucket refilling ten a
 * second.
 */
function preciseWait(response: HttpResponse): number | undefined {
  const ms = bodyNumber(response, 'retry_after_ms');
  const header = parseRetryAfter(response.headers['retry-after']);
  return ms !== undefined && (header === undefined || ms <= header) ? ms : undefined;
}

/** The refusing bucket's time between tokens (`refill_interval_ms`): the pace to keep. */
function refillInterval(response: HttpResponse): number {
  return Math.min(bodyNumber(response, 'refill_interval_ms') ?? 0, DEFAULT_RATE_LIMIT_WAIT_MS);
}

function bodyNumber(response: HttpResponse, name: string): number | undefined {
  const value = (jsonBody(response) as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

function fromErrorResponse(
  status: number,
  body: ({ error: string; code: string } & Record<string, unknown>) | undefined,
  issuer: string,
  retried: boolean,
): IssuerError {
  const code = body ? body.code : `HTTP_${status}`;
  // The issuer's message is shown (it is ours and holds no secret), trimmed so a hostile or
  // broken server cannot flood the terminal.
  const serverMessage = body ? body.error.slice(0, 500).replace(/\.$/, '') : `HTTP ${status}`;
  const retryAfter = typeof body?.retry_after === 'number' ? ` in ${body.retry_after} s` : ' later';
  const advice =
    status === 429
      ? ` The issuer is rate-limiting this key or address; try again${retryAfter}, or ask its operator for a key with a higher per-minute limit.`
      : '';
  return new IssuerError(code, `The issuer at ${issuer} refused the request: ${serverMessage}.${advice}`, {
    status,
    retried,
    // a server error may come after the request took effect (or from a proxy in front of it)
    mayHaveArrived: status >= 500,
    // a certificate that does not exist is the same answer whichever command asked: exit 1
    // a request the issuer refuses as it stands (bad input, a key that may not do this) is the
    // user's to fix, as the local issuer says too (exit 2)
    exitCode:
      code === 'CERTIFICATE_NOT_FOUND' ? 1 : status === 422 || status === 400 || status === 403 ? 2 : 3,
    ...(body && { body }),
    ...(status === 401 && { hint: { option: 'api-key', fix: 'check' } }),
  });
}
