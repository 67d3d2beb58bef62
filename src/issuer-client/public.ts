import { parseJwks, type Jwks } from '../certificate/index.js';
import * as z from '../zod.js';
import { HttpError, httpRequest } from '../lib/http.js';
import { IssuerError, issuerUnreachable } from './errors.js';

/**
 * The public side of an issuer, which needs no API key: the certificate page (as JSON) and the
 * JWKS. This is what an auditor's `passgeni verify <cert-url>` uses.
 */
export interface PublicCertificate {
  status: 'valid' | 'pending' | 'expired' | 'revoked';
  certificate: string;
  /** While pending: when the issuer revokes it unless activated. */
  activate_by?: string;
  revoked_at?: string;
  revocation_reason?: string;
}

const publicCertificate = z.looseObject({
  status: z.enum(['valid', 'pending', 'expired', 'revoked']),
  certificate: z.string().check(z.minLength(1), z.maxLength(20_000)),
  activate_by: z.optional(z.string().check(z.maxLength(64))),
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
  const body = await getJson(`${base}/cert/${encodeURIComponent(id)}`, base, MAX_RECORD_BYTES, options);
  const parsed = publicCertificate.safeParse(body);
  if (!parsed.success) {
    throw new IssuerError(
      'ISSUER_BAD_RESPONSE',
      `The issuer at ${base} answered with something that is not a certificate record.`,
    );
  }
  const { status, certificate, activate_by, revoked_at, revocation_reason } = parsed.data;
  return {
    status,
    certificate,
    ...(activate_by !== undefined && { activate_by }),
    ...(revoked_at !== undefined && { revoked_at }),
    ...(revocation_reason !== undefined && { revocation_reason }),
  };
}

export async function fetchPublicJwks(base: string, options: { fetch?: typeof fetch } = {}): Promise<Jwks> {
  return fetchJwksAt(`${base}/.well-known/jwks.json`, options);
}

/** A JWKS at any URL (a trust anchor's pinned key source), under the same caps as the rest. */
export async function fetchJwksAt(url: string, options: { fetch?: typeof fetch } = {}): Promise<Jwks> {
  return parseJwks(await getJson(url, new URL(url).origin, MAX_JWKS_BYTES, options));
}

/**
 * The issuer's identity document (`/.well-known/passgeni-issuer`), as untrusted JSON: the trust
 * module checks its shape. Undefined when the issuer has none (an older issuer answers 404).
 */
export async function fetchIssuerIdentity(
  base: string,
  options: { fetch?: typeof fetch } = {},
): Promise<unknown> {
  try {
    return await getJson(`${base}/.well-known/passgeni-issuer`, base, MAX_RECORD_BYTES, options);
  } catch (error) {
    if (error instanceof IssuerError && error.code === 'CERTIFICATE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * A certificate's inclusion proof in the issuer's transparency log (`/api/v1/certificates/:id/inclusion`),
 * as untrusted JSON: the caller checks its shape and verifies it.
 */
export async function fetchInclusionProof(
  base: string,
  id: string,
  options: { fetch?: typeof fetch } = {},
): Promise<unknown> {
  return getJson(
    `${base}/api/v1/certificates/${encodeURIComponent(id)}/inclusion`,
    base,
    MAX_RECORD_BYTES,
    options,
  );
}

/**
 * These answers come from whatever host a certificate URL names, so they are bounded well below
 * the HTTP client's general 8 MiB: a record holds one certificate (at most 20,000 characters by
 * the schema above), and a JWKS of over 1 MiB is refused from a file too (loadJwks).
 */
const MAX_RECORD_BYTES = 64 * 1024;
const MAX_JWKS_BYTES = 1024 * 1024;

/** Any `fetch` may be given (tests count requests); the default is the project's HTTP client. */
async function getJson(
  url: string,
  base: string,
  maxBodyBytes: number,
  options: { fetch?: typeof fetch },
): Promise<unknown> {
  const headers = { accept: 'application/json' };
  let response: { status: number; ok: boolean; text: string };
  try {
    if (options.fetch) {
      const answer = await options.fetch(url, { headers });
      response = { status: answer.status, ok: answer.ok, text: await answer.text() };
    } else {
      const answer = await httpRequest({ url, headers, maxBodyBytes });
      response = {
        status: answer.status,
        ok: answer.status >= 200 && answer.status < 300,
        text: answer.text,
      };
    }
  } catch (cause) {
    throw refused(cause, url, base, maxBodyBytes) ?? issuerUnreachable(base, cause);
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
    return JSON.parse(response.text);
  } catch {
    throw new IssuerError(
      'ISSUER_BAD_RESPONSE',
      `The issuer at ${base} did not answer with JSON for ${url}.`,
    );
  }
}

/** The client's own refusals, which "could not reach the issuer" would misdescribe. */
function refused(cause: unknown, url: string, base: string, limit: number): IssuerError | undefined {
  if (!(cause instanceof HttpError)) return undefined;
  if (cause.code === 'TOO_LARGE') {
    return new IssuerError(
      'ISSUER_RESPONSE_TOO_LARGE',
      `The issuer at ${base} answered ${url} with more than ${limit} bytes, far more than a certificate record or key set; it was not read further. Check that the URL names a PassGeni issuer.`,
    );
  }
  if (cause.code === 'REDIRECT') {
    return new IssuerError(
      'ISSUER_REDIRECT_REFUSED',
      `${cause.message} A certificate is checked only against the host its URL names: use the URL on the issuer's own host.`,
    );
  }
  return undefined;
}
