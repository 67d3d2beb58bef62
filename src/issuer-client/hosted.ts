import type { CertificateClaims, Jwks } from '../certificate/index.js';
import { jsonBody, type HttpResponse } from '../lib/http.js';
import { DEFAULT_RETRY, httpRequestWithRetry, type RetryPolicy } from '../lib/retry.js';
import { paramsEntropyBits } from '../policy/entropy.js';
import { IssuerError, issuerUnreachable } from './errors.js';
import {
  gapText,
  parseHostedCertificate,
  parseHostedError,
  parseHostedRevocation,
  parseHostedSession,
} from './hosted-responses.js';
import type {
  CertificateRequest,
  CertificateStatusResponse,
  IssuedCertificate,
  IssuerClient,
  IssuerRegistry,
  Page,
  SessionRequest,
  SessionResponse,
} from './types.js';
import type { AuditTrailEvent, CertificateSummary } from './types.js';

/** API keys of the hosted service: `pk_live_…` (and `pk_test_…` for its test mode). */
export const HOSTED_KEY = /^pk_(live|test)_[A-Za-z0-9_-]{8,256}$/;

export interface HostedIssuerOptions {
  /** Base URL of the service, e.g. https://passgeni.ai */
  url: string;
  apiKey: string;
  /** Attempts per request for 429 and (where safe) 5xx and network failures. Default 4. */
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  userAgent?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Client for the hosted PassGeni service's public API, behind the same interface the engine uses
 * for `passgeni serve`. The hosted protocol is smaller: a session is opened without
 * authentication from the parameters alone, a certificate is valid as soon as it is issued (no
 * activation), and there is no status, registry or audit API. Nothing sent carries the
 * credential: the parameters, their entropy, the session token and the API key.
 */
export class HostedIssuerClient implements IssuerClient, IssuerRegistry {
  readonly description: string;
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  /** JWTs this client was given, by certificate id, for the answers that need one later. */
  private readonly issued = new Map<string, string>();

  constructor(private readonly config: HostedIssuerOptions) {
    let base: URL;
    try {
      base = new URL(config.url.endsWith('/') ? config.url : `${config.url}/`);
    } catch {
      throw new IssuerError('ISSUER_URL_INVALID', `The issuer URL "${config.url}" is not a valid URL.`, {
        exitCode: 2,
        hint: { option: 'issuer-url', fix: 'check' },
      });
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopback(base.hostname))) {
      throw new IssuerError(
        'ISSUER_URL_INVALID',
        'The hosted issuer URL must start with https:// (the API key travels with each certificate request).',
        { exitCode: 2, hint: { option: 'issuer-url', fix: 'check' } },
      );
    }
    if (!HOSTED_KEY.test(config.apiKey)) {
      throw new IssuerError(
        'ISSUER_API_KEY_MISSING',
        'The hosted PassGeni service needs an API key of the form pk_live_… (from the account dashboard).',
        { exitCode: 2, hint: { option: 'api-key' } },
      );
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
    const params = request.generation_params;
    const entropyBits = Math.floor(paramsEntropyBits(params) * 100) / 100;
    const body = await this.request(
      'POST',
      'api/issue-session',
      {
        compliance_standard: request.standard,
        length: params.length,
        has_upper: params.has_upper,
        has_lower: params.has_lower,
        has_numbers: params.has_numbers,
        has_special: params.has_special,
        entropy_bits: entropyBits,
        char_pool_size: params.char_pool_size,
      },
      [200, 201],
      { auth: false, retry5xx: true },
    );
    const session = parseHostedSession(body, this.description);
    if (!session.compliance_valid) {
      const gaps = (session.gaps ?? []).map(gapText);
      throw new IssuerError(
        'POLICY_VIOLATION',
        `The hosted issuer at ${this.description} says the parameters do not meet ${request.standard}${gaps.length > 0 ? `: ${gaps.join('; ')}` : ''}.`,
        { exitCode: 2, body: { violations: gaps } },
      );
    }
    return {
      generation_session_id: session.session_token,
      expires_at: new Date(Date.now() + session.expires_in * 1000).toISOString(),
      entropy_bits: entropyBits,
      standards_met: (session.standards_met ?? [request.standard]) as SessionResponse['standards_met'],
    };
  }

  /**
   * The hosted API takes only the session token: a label or a credential binding cannot be sent,
   * and its certificates carry neither. A lost answer is not retried (the session is single use,
   * so a retry could only fail); 429 is, since the service refused the request.
   */
  async issueCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
    if (request.credential_binding !== undefined || request.label !== undefined) {
      throw new IssuerError(
        'ISSUER_UNSUPPORTED',
        `The hosted PassGeni service at ${this.description} cannot record a ${request.credential_binding !== undefined ? 'credential binding' : 'label'} in its certificates; certify without it, or use a passgeni serve issuer. Nothing was stored.`,
        { exitCode: 2 },
      );
    }
    const body = await this.request(
      'POST',
      'api/generate-certificate',
      { session_token: request.generation_session_id },
      [200, 201],
      { auth: true, retry5xx: false },
    );
    const cert = parseHostedCertificate(body, this.description);
    const jwt = cert.certificate ?? cert.jwt ?? cert.token ?? '';
    if (jwt !== '') this.issued.set(cert.cert_id, jwt);
    return {
      cert_id: cert.cert_id,
      cert_url: cert.cert_url,
      certificate: jwt,
      expires_at: cert.expires_at,
      standards_met: cert.standards_met as IssuedCertificate['standards_met'],
      compliance_standard: cert.compliance_standard as IssuedCertificate['compliance_standard'],
      entropy_bits: cert.entropy_bits,
    };
  }

  activateCertificate(): Promise<CertificateStatusResponse> {
    return Promise.reject(
      unsupported(this.description, 'activate certificates (they are valid when issued)'),
    );
  }

  getCertificate(): Promise<CertificateStatusResponse> {
    return Promise.reject(
      unsupported(this.description, 'report a certificate’s status (open its certificate page instead)'),
    );
  }

  /** The hosted API records no reason: it is not sent. */
  async revokeCertificate(id: string, _reason?: string): Promise<CertificateStatusResponse> {
    const body = await this.request('POST', `api/revoke/${encodeURIComponent(id)}`, undefined, [200], {
      auth: true,
      retry5xx: true,
    });
    const answer = parseHostedRevocation(body, this.description);
    const jwt = this.issued.get(id) ?? '';
    return {
      status: 'revoked',
      certificate: jwt,
      claims: (jwt === '' ? { jti: answer.cert_id } : decodePayload(jwt)) as CertificateClaims,
      ...(answer.revoked_at !== undefined && { revoked_at: answer.revoked_at }),
    };
  }

  /** `/.well-known/jwks.json`, else the service's `/api/.well-known/jwks.json`. */
  async jwks(): Promise<Jwks> {
    const { parseJwks } = await import('../certificate/jwks.js');
    try {
      return parseJwks(await this.request('GET', '.well-known/jwks.json', undefined, [200], { auth: false }));
    } catch (error) {
      if (!(error instanceof IssuerError) || error.status !== 404) throw error;
      return parseJwks(
        await this.request('GET', 'api/.well-known/jwks.json', undefined, [200], { auth: false }),
      );
    }
  }

  listCertificates(): Promise<Page<'certificates', CertificateSummary>> {
    return Promise.reject(unsupported(this.description, 'list certificates'));
  }

  listEvents(): Promise<Page<'events', AuditTrailEvent>> {
    return Promise.reject(unsupported(this.description, 'list audit events'));
  }

  async close(): Promise<void> {}

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    ok: number[],
    options: { auth: boolean; retry5xx?: boolean },
  ): Promise<unknown> {
    let response: HttpResponse & { attempts: number };
    try {
      response = await httpRequestWithRetry(
        this.retry,
        {
          url: new URL(path, this.base),
          method,
          headers: {
            accept: 'application/json',
            'user-agent': this.config.userAgent ?? 'passgeni',
            ...(options.auth && { authorization: `Bearer ${this.config.apiKey}` }),
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          ...(this.config.timeoutMs !== undefined && { timeoutMs: this.config.timeoutMs }),
          maxBodyBytes: MAX_BODY_BYTES,
        },
        (answer) => answer.status === 429 || (options.retry5xx === true && answer.status >= 500),
      );
    } catch (cause) {
      throw issuerUnreachable(this.description, cause, method === 'POST');
    }
    const payload = jsonBody(response);
    if (ok.includes(response.status)) return payload;
    throw hostedError(response.status, payload, this.description, response.attempts > 1);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function decodePayload(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

function unsupported(issuer: string, what: string): IssuerError {
  return new IssuerError(
    'ISSUER_UNSUPPORTED',
    `The hosted PassGeni service at ${issuer} cannot ${what}: its API has no such call.`,
    { exitCode: 2 },
  );
}

/**
 * The hosted service's errors in the product's codes, with the service's own message: a 400 on a
 * certificate request is an expired or invalid session (SESSION_EXPIRED), 401 a bad key
 * (API_KEY_INVALID), 402 a plan that does not include this or a used-up allowance, 422 a
 * compliance failure with its gaps (POLICY_VIOLATION), 429 a rate limit that outlasted the retries.
 */
export function hostedError(status: number, payload: unknown, issuer: string, retried: boolean): IssuerError {
  const body = parseHostedError(payload);
  const said = (body?.error ?? body?.message ?? `HTTP ${status}`).slice(0, 500).replace(/\.$/, '');
  const refused = `The hosted issuer at ${issuer} refused the request: ${said}`;
  const common = {
    status,
    retried,
    ...(payload !== null && typeof payload === 'object' && { body: payload as Record<string, unknown> }),
  };
  if (status === 400) {
    return new IssuerError(
      'SESSION_EXPIRED',
      `${refused}. The session expired or is not valid (the hosted service allows a short time between the two calls); nothing was stored. Run certify again.`,
      { ...common, exitCode: 3 },
    );
  }
  if (status === 401) {
    return new IssuerError('API_KEY_INVALID', `${refused}. Check the pk_live_… API key.`, {
      ...common,
      exitCode: 2,
      hint: { option: 'api-key', fix: 'check' },
    });
  }
  if (status === 402) {
    const limit = body?.code === 'LIMIT_REACHED';
    return new IssuerError(
      limit ? 'QUOTA_EXCEEDED' : 'PLAN_UPGRADE_REQUIRED',
      limit
        ? `${refused}. The account's certificate allowance is used up; it renews with the billing period, or upgrade the plan.`
        : `${refused}. The account's plan does not include certificates through the API; upgrade it (the Authority tier).`,
      { ...common, exitCode: 2 },
    );
  }
  if (status === 422) {
    const gaps = (body?.gaps ?? []).map(gapText);
    return new IssuerError(
      'POLICY_VIOLATION',
      `${refused}${gaps.length > 0 ? `: ${gaps.join('; ')}` : ''}.`,
      { ...common, exitCode: 2, body: { ...common.body, violations: gaps } },
    );
  }
  if (status === 404) {
    return new IssuerError(
      'CERTIFICATE_NOT_FOUND',
      `${refused}. The certificate is unknown to the service or already revoked.`,
      { ...common, exitCode: 1 },
    );
  }
  if (status === 429) {
    return new IssuerError(
      'RATE_LIMITED',
      `${refused}. The service is rate-limiting this key; try again later.`,
      {
        ...common,
        exitCode: 3,
      },
    );
  }
  return new IssuerError(body?.code ?? `HTTP_${status}`, `${refused}.`, {
    ...common,
    exitCode: 3,
    mayHaveArrived: status >= 500,
  });
}
