import { parseJwks, type Jwks } from '../certificate/index.js';
import * as z from '../zod.js';
import { httpFetch } from '../lib/fetch.js';
import { IssuerError, issuerUnreachable } from './errors.js';

/**
 * The public side of an issuer, which needs no API key: the certificate page (as JSON) and the
 * JWKS. This is what an auditor's `passgeni verify <cert-url>` uses.
 */
export interface PublicCertificate {
  status: 'valid' | 'expired' | 'revoked';
  certificate: string;
  revoked_at?: string;
  revocation_reason?: string;
}

const publicCertificate = z.looseObject({
  status: z.enum(['valid', 'expired', 'revoked']),
  certificate: z.string().check(z.minLength(1), z.maxLength(20_000)),
  revoked_at: z.optional(z.string().check(z.maxLength(64))),
  revocation_reason: z.optional(z.string().check(z.maxLength(500))),
});

/** Splits `https://host/base/cert/<id>` into the issuer's base URL and the certificate id. */
export function parseCertificateUrl(input: string): { base: string; id: string } | undefined {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^(.*)\/cert\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  return { base: `${url.origin}${match[1] ?? ''}`, id: decodeURIComponent(match[2] ?? '') };
}

export async function fetchPublicCertificate(
  base: string,
  id: string,
  options: { fetch?: typeof fetch } = {},
): Promise<PublicCertificate> {
  const body = await getJson(`${base}/cert/${encodeURIComponent(id)}`, base, options);
  const parsed = publicCertificate.safeParse(body);
  if (!parsed.success) {
    throw new IssuerError(
      'ISSUER_BAD_RESPONSE',
      `The issuer at ${base} answered with something that is not a certificate record.`,
    );
  }
  const { status, certificate, revoked_at, revocation_reason } = parsed.data;
  return {
    status,
    certificate,
    ...(revoked_at !== undefined && { revoked_at }),
    ...(revocation_reason !== undefined && { revocation_reason }),
  };
}

export async function fetchPublicJwks(base: string, options: { fetch?: typeof fetch } = {}): Promise<Jwks> {
  return parseJwks(await getJson(`${base}/.well-known/jwks.json`, base, options));
}

/** Any `fetch` may be given (tests count requests); the default is the project's HTTP client. */
async function getJson(url: string, base: string, options: { fetch?: typeof fetch }): Promise<unknown> {
  let response: Response;
  try {
    response = await (options.fetch ?? httpFetch)(url, { headers: { accept: 'application/json' } });
  } catch (cause) {
    throw issuerUnreachable(base, cause);
  }
  if (response.status === 404) {
    throw new IssuerError(
      'CERTIFICATE_NOT_FOUND',
      `The issuer at ${base} has no such certificate (${url}).`,
      { status: 404, exitCode: 1 },
    );
  }
  if (!response.ok) {
    throw new IssuerError(
      `HTTP_${response.status}`,
      `The issuer at ${base} answered HTTP ${response.status} for ${url}.`,
      { status: response.status },
    );
  }
  try {
    return await response.json();
  } catch {
    throw new IssuerError(
      'ISSUER_BAD_RESPONSE',
      `The issuer at ${base} did not answer with JSON for ${url}.`,
    );
  }
}
