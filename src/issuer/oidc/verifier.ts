import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { WORKLOAD_CLAIMS } from '../../certificate/index.js';
import type { Workload } from '../../certificate/index.js';
import { HttpError, httpRequest, jsonBody } from '../../lib/http.js';
import { IssuerServiceError } from '../errors.js';
import type { IssuerLogger } from '../types.js';
import { isLoopbackHost, matchPolicy } from './config.js';
import type { OidcConfig } from './config.js';

/** Who an OIDC token speaks for, once verified and matched to a policy. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** The rate-limit and audit identity: one per (iss, sub), like one API key. */
  identityKey: string;
  team: string;
  policy: string;
  workload?: Workload;
}

/**
 * Why a token was refused (docs/protocol.md, "OIDC tokens"): the `details.reason` of the 401/403
 * and of its `auth.failed` audit event.
 */
export type OidcRefusalReason =
  | 'malformed'
  | 'untrusted-issuer'
  | 'algorithm-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'missing-claim'
  | 'no-matching-policy'
  | 'provider-unavailable';

export class OidcRefusal extends IssuerServiceError {
  constructor(
    readonly reason: OidcRefusalReason,
    message: string,
  ) {
    const [code, status] =
      reason === 'no-matching-policy'
        ? ['OIDC_POLICY_MISMATCH', 403]
        : reason === 'provider-unavailable'
          ? ['OIDC_PROVIDER_UNAVAILABLE', 503]
          : ['OIDC_TOKEN_INVALID', 401];
    super(code, status, message, {
      details: { reason },
      ...(status === 503 && { retryAfter: 30 }),
    });
  }
}

/** Signature algorithms a provider may use: asymmetric only, so a public JWKS can never be an HMAC secret. */
const ASYMMETRIC = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
const FETCH_TIMEOUT_MS = 5_000;
const MAX_DOCUMENT_BYTES = 256 * 1024;
/** A provider whose discovery failed is asked again after this long, not on every request. */
const DISCOVERY_RETRY_MS = 30_000;
/** Older tokens are refused even if the provider let them live longer (a leaked token's window). */
const MAX_TOKEN_AGE = '1h';
const CLOCK_TOLERANCE_S = 60;

/** A bearer value that is a JWS (three base64url parts, the first a JOSE header), not an API key. */
export function isJwt(bearer: string): boolean {
  if (!/^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(bearer)) return false;
  try {
    decodeProtectedHeader(bearer);
    return true;
  } catch {
    return false;
  }
}

interface Provider {
  jwks: ReturnType<typeof createRemoteJWKSet>;
  algorithms: string[];
}

/**
 * Verifies OIDC ID tokens from the trusted providers: discovery document and JWKS fetched with the
 * product's HTTP client (time and size limits, no cross-host redirects), cached by jose and
 * re-fetched when a token names a key it has not seen (a provider's key rotation).
 */
export class OidcVerifier {
  private readonly providers = new Map<string, { at: number; provider: Promise<Provider> }>();

  constructor(
    readonly config: OidcConfig,
    private readonly logger: IssuerLogger,
  ) {}

  async verify(token: string, now: Date): Promise<OidcIdentity> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new OidcRefusal('malformed', 'The bearer token looks like a JWT but does not decode as one.');
    }
    const iss = typeof unverified.iss === 'string' ? unverified.iss : undefined;
    if (iss === undefined || !this.config.trust.has(iss)) {
      throw new OidcRefusal(
        'untrusted-issuer',
        'The OIDC token comes from a provider this issuer does not trust; the operator adds it with `passgeni serve --trust-oidc ISSUER_URL`.',
      );
    }
    const provider = await this.provider(iss, now);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, provider.jwks, {
        issuer: iss,
        audience: this.config.audience,
        algorithms: provider.algorithms,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: MAX_TOKEN_AGE,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: now,
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    const claims = payload as Record<string, unknown>;
    const policy = matchPolicy(this.config.policies, claims);
    if (policy === undefined) {
      throw new OidcRefusal(
        'no-matching-policy',
        'The OIDC token is valid but no --oidc-policy of this issuer matches its claims; ask the operator for a policy for this repository or workload.',
      );
    }
    const subject = String(payload.sub);
    const workload = workloadOf(iss, claims);
    return {
      issuer: iss,
      subject,
      identityKey: `oidc_${createHash('sha256').update(`${iss}\n${subject}`).digest('hex').slice(0, 32)}`,
      team: policy.team,
      policy: policy.text,
      ...(workload !== undefined && { workload }),
    };
  }

  private refusal(error: unknown): OidcRefusal {
    if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
      return new OidcRefusal(
        'algorithm-not-allowed',
        "The OIDC token's algorithm is not one of the provider's asymmetric signing algorithms.",
      );
    }
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return new OidcRefusal('unknown-key', "The OIDC token names a key the provider's JWKS does not hold.");
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return new OidcRefusal('bad-signature', "The OIDC token's signature does not verify.");
    }
    if (error instanceof errors.JWTExpired) {
      return new OidcRefusal('expired', 'The OIDC token has expired; request a fresh one for each run.');
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') {
        return new OidcRefusal(
          'wrong-audience',
          `The OIDC token's audience is not this issuer's: request the token for audience "${this.config.audience}".`,
        );
      }
      if (error.reason === 'missing') {
        return new OidcRefusal('missing-claim', `The OIDC token has no "${error.claim}" claim.`);
      }
      if (error.claim === 'iat' && error.reason === 'check_failed' && /past/.test(error.message)) {
        return new OidcRefusal('not-yet-valid', 'The OIDC token was issued in the future (check clocks).');
      }
      if (error.claim === 'iat') {
        return new OidcRefusal(
          'expired',
          `The OIDC token is older than ${MAX_TOKEN_AGE}; request a fresh one.`,
        );
      }
      if (error.claim === 'nbf') return new OidcRefusal('not-yet-valid', 'The OIDC token is not valid yet.');
      return new OidcRefusal('malformed', `The OIDC token's "${error.claim}" claim is not acceptable.`);
    }
    if (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      error instanceof HttpError
    ) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'OIDC JWKS fetch failed');
      return new OidcRefusal(
        'provider-unavailable',
        "The OIDC provider's keys could not be fetched; retry shortly.",
      );
    }
    if (error instanceof errors.JOSEError) {
      return new OidcRefusal('malformed', 'The OIDC token is not a well-formed signed JWT.');
    }
    throw error;
  }

  /** The provider's discovery (cached; a failure is retried after DISCOVERY_RETRY_MS). */
  private async provider(iss: string, now: Date): Promise<Provider> {
    const cached = this.providers.get(iss);
    if (cached) {
      try {
        return await cached.provider;
      } catch (error) {
        if (now.getTime() - cached.at < DISCOVERY_RETRY_MS) throw error;
      }
    }
    const provider = this.discover(iss);
    this.providers.set(iss, { at: now.getTime(), provider });
    return provider;
  }

  private async discover(iss: string): Promise<Provider> {
    const unavailable = (why: string) => {
      this.logger.warn({ oidc_issuer: iss, why }, 'OIDC discovery failed');
      return new OidcRefusal(
        'provider-unavailable',
        `The OIDC provider ${iss} could not be used (${why}); retry shortly.`,
      );
    };
    let document: unknown;
    try {
      const response = await httpRequest({
        url: `${iss}/.well-known/openid-configuration`,
        timeoutMs: FETCH_TIMEOUT_MS,
        maxBodyBytes: MAX_DOCUMENT_BYTES,
      });
      if (response.status !== 200) throw unavailable(`discovery answered HTTP ${response.status}`);
      document = jsonBody(response);
    } catch (error) {
      if (error instanceof OidcRefusal) throw error;
      throw unavailable(`discovery failed: ${error instanceof HttpError ? error.code : 'network error'}`);
    }
    const doc = (typeof document === 'object' && document !== null ? document : {}) as Record<
      string,
      unknown
    >;
    // OIDC Discovery §4.3: the document's issuer must be exactly the one asked
    if (doc.issuer !== iss) throw unavailable('its discovery document names another issuer');
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(String(doc.jwks_uri));
    } catch {
      throw unavailable('its discovery document has no jwks_uri');
    }
    if (
      jwksUrl.protocol !== 'https:' &&
      !(jwksUrl.protocol === 'http:' && isLoopbackHost(jwksUrl.hostname))
    ) {
      throw unavailable('its jwks_uri is not https');
    }
    const declared = Array.isArray(doc.id_token_signing_alg_values_supported)
      ? doc.id_token_signing_alg_values_supported.filter((a): a is string => typeof a === 'string')
      : [];
    const algorithms = declared.filter((a) => ASYMMETRIC.has(a));
    if (algorithms.length === 0) throw unavailable('it declares no asymmetric signing algorithm');
    const jwks = createRemoteJWKSet(jwksUrl, {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
      [customFetch]: boundedFetch,
    });
    return { jwks, algorithms };
  }
}

/** jose's JWKS fetch through the product's HTTP client, so its limits apply here too. */
async function boundedFetch(url: string, options: { signal: AbortSignal }): Promise<Response> {
  const response = await httpRequest({
    url,
    headers: { accept: 'application/json' },
    timeoutMs: FETCH_TIMEOUT_MS,
    maxBodyBytes: MAX_DOCUMENT_BYTES,
  });
  options.signal.throwIfAborted();
  return new Response(response.text, {
    status: response.status,
    headers: { 'content-type': 'application/json' },
  });
}

/** The workload claims the token carries (GitHub's names), as strings; undefined when it has none. */
function workloadOf(issuer: string, claims: Record<string, unknown>): Workload | undefined {
  const workload: Record<string, string> = {};
  for (const name of WORKLOAD_CLAIMS) {
    const value = claims[name];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      const text = String(value);
      // a claim the certificate schema would refuse (control characters, very long) is left out
      if (text.length <= 512 && !/[\p{C}\p{Zl}\p{Zp}]/u.test(text)) workload[name] = text;
    }
  }
  return Object.keys(workload).length === 0 ? undefined : ({ issuer, ...workload } as Workload);
}
