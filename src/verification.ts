import type { SecretStore } from '../adapters/store.js';
import {
  checkCredentialBinding,
  createVerifier,
  decodeCertificate,
  parseClaims,
  type CertificateClaims,
  type CertificateVerifier,
  type Jwks,
  type VerifyChecks,
} from './certificate/index.js';
import { InputError, type ErrorHint } from './errors.js';
import type { IssuerClient } from './issuer-client/types.js';
import { fetchPublicCertificate, fetchPublicJwks, parseCertificateUrl } from './issuer-client/public.js';
import { isIdAnyCase } from './lib/ids.js';

/**
 * The verification every front end shares (CLI `verify`, the verify action, rotation, inventory):
 * resolve a certificate given as a URL, an id or a JWT; check its signature and claims offline;
 * ask the issuer for its live status (revocation); and, when asked, check that a stored
 * credential is the one the certificate's binding was computed over.
 */
/** Front ends pass their options as they are, so an unset one may be undefined. */
export interface VerifyTarget {
  /** A certificate URL (…/cert/<id>), a certificate id, or a JWT. */
  certificate: string;
  /**
   * Base URL of the issuer to ask for live status and keys when given an id or a JWT, through its
   * public endpoints (no API key needed). URL inputs use their own issuer.
   */
  issuerBase?: string | undefined;
  /** An in-process issuer (the local one) to ask instead, when there is no issuer URL. */
  issuer?: IssuerClient | undefined;
  /** Public keys to verify against; default: the issuer's JWKS. */
  jwks?: Jwks | undefined;
  /**
   * A verifier already built for the issuer's keys (`createVerifier`), used instead of `jwks`,
   * `issuerId` and `now`, and no JWKS is fetched. Building one turns every key of the JWKS into a
   * key object, so callers checking many certificates of one issuer build it once and pass it.
   */
  verifier?: CertificateVerifier;
  /** Require this `iss`; default: none (a URL input is still checked against its own issuer's keys). */
  issuerId?: string | undefined;
  checks?: VerifyChecks;
  /** Check the credential in this store against the certificate's binding. */
  credentialFrom?: SecretStore | undefined;
  now?: () => number;
  fetch?: typeof fetch;
}

export type BindingOutcome = 'match' | 'mismatch' | 'not-bound' | 'not-found' | 'not-checked';

export interface VerifyReason {
  code: string;
  message: string;
  /** What would make the check possible; each front end words it. */
  hint?: ErrorHint;
}

export interface VerifyReport {
  valid: boolean;
  /** `invalid` when the signature or claims fail, whatever the issuer says. */
  status: 'valid' | 'pending' | 'expired' | 'revoked' | 'invalid' | 'unknown';
  reasons: VerifyReason[];
  cert_id?: string;
  cert_url?: string;
  claims?: CertificateClaims;
  revoked_at?: string;
  revocation_reason?: string;
  /** Whether the live status was obtained from the issuer. */
  live: boolean;
  binding: BindingOutcome;
}

/** Failures that leave the signature and claims sound: time, and the caller's own requirements. */
const CHECK_ONLY = new Set(['EXPIRED', 'EXPIRES_SOON', 'STANDARD_NOT_MET']);

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export async function verifyCertificate(target: VerifyTarget): Promise<VerifyReport> {
  const input = target.certificate.trim();
  const fetchOptions = target.fetch ? { fetch: target.fetch } : {};
  let jwt: string;
  let jwks = target.jwks;
  // A prepared verifier holds the keys already: nothing to fetch.
  const needKeys = target.verifier === undefined;
  let live:
    | {
        status: 'valid' | 'pending' | 'expired' | 'revoked';
        activate_by?: string;
        revoked_at?: string;
        revocation_reason?: string;
      }
    | undefined;
  let certUrl: string | undefined;

  const url = parseCertificateUrl(input);
  if (url) {
    const record = await fetchPublicCertificate(url.base, url.id, fetchOptions);
    jwt = record.certificate;
    live = record;
    certUrl = `${url.base}/cert/${encodeURIComponent(url.id)}`;
    if (needKeys) jwks ??= await fetchPublicJwks(url.base, fetchOptions);
  } else if (isIdAnyCase(input) || JWT.test(input)) {
    const isJwt = JWT.test(input);
    const id = isJwt ? idOf(input) : input;
    if (target.issuerBase) {
      const base = target.issuerBase.replace(/\/+$/, '');
      if (id) {
        const record = await fetchPublicCertificate(base, id, fetchOptions);
        live = record;
        certUrl = `${base}/cert/${encodeURIComponent(id)}`;
        jwt = isJwt ? input : record.certificate;
      } else {
        jwt = input;
      }
      if (needKeys) jwks ??= await fetchPublicJwks(base, fetchOptions);
    } else if (target.issuer) {
      const record = id ? await target.issuer.getCertificate(id) : undefined;
      live = record;
      jwt = isJwt ? input : (record?.certificate ?? input);
    } else if (isJwt) {
      jwt = input;
    } else {
      throw new InputError(
        'ISSUER_REQUIRED',
        'A certificate id needs an issuer to look it up; give the certificate URL instead of its id, or name the issuer.',
        { hint: { option: 'issuer-url' } },
      );
    }
  } else {
    throw new InputError(
      'CERTIFICATE_INPUT_INVALID',
      'Give a certificate URL (https://…/cert/<id>), a certificate id, or the certificate itself (a JWT).',
    );
  }
  let verifier = target.verifier;
  if (!verifier) {
    if (!jwks) {
      if (!target.issuer) {
        throw new InputError(
          'JWKS_REQUIRED',
          "Verifying a certificate offline needs the issuer's public keys.",
          { hint: { option: 'jwks', or: 'issuer-url' } },
        );
      }
      jwks = await target.issuer.jwks();
    }
    verifier = createVerifier({ jwks, issuer: target.issuerId, now: target.now });
  }
  const result = await verifier.verify(jwt, target.checks);
  const reasons: VerifyReason[] = result.valid ? [] : [...result.reasons];
  // When only the caller's extra checks (or time) fail, the signature and claims are sound: keep
  // the claims and report the certificate's real status beside the failed checks.
  const soundButFailing = !result.valid && result.reasons.every((r) => CHECK_ONLY.has(r.code));
  const claims = result.valid ? result.claims : soundButFailing ? trustedClaims(result.claims) : undefined;

  if (live?.status === 'revoked') {
    reasons.push({
      code: 'REVOKED',
      message: `The issuer revoked this certificate${live.revoked_at ? ` on ${live.revoked_at}` : ''}${live.revocation_reason ? ` (reason: ${live.revocation_reason})` : ''}.`,
    });
  }

  if (live?.status === 'pending') {
    reasons.push({
      code: 'PENDING',
      message: `The issuer has not been told that any store holds this credential, so the certificate is not valid yet${live.activate_by ? `; unless it is activated by ${live.activate_by}, the issuer revokes it` : ''}.`,
    });
  }

  let binding: BindingOutcome = 'not-checked';
  if (target.credentialFrom && claims) {
    binding = await checkBinding(claims, target.credentialFrom);
    if (binding === 'mismatch') {
      reasons.push({
        code: 'BINDING_MISMATCH',
        message: `The credential in ${target.credentialFrom.uri} is not the one this certificate was issued for.`,
      });
    } else if (binding === 'not-bound') {
      reasons.push({
        code: 'NOT_BOUND',
        message:
          'This certificate has no credential binding, so the stored credential cannot be checked against it.',
        hint: { option: 'bind', certify: true },
      });
    } else if (binding === 'not-found') {
      reasons.push({
        code: 'CREDENTIAL_NOT_FOUND',
        message: `No credential was found at ${target.credentialFrom.uri}.`,
      });
    }
  }

  // Revocation wins; then our own clock's verdict on expiry; then what the issuer says.
  const expired = !result.valid && result.reasons.some((r) => r.code === 'EXPIRED');
  const status: VerifyReport['status'] =
    !result.valid && !soundButFailing
      ? 'invalid'
      : live?.status === 'revoked'
        ? 'revoked'
        : expired
          ? 'expired'
          : (live?.status ?? 'valid');
  const certId = claims?.jti ?? idOf(jwt);
  return {
    valid: reasons.length === 0,
    status,
    reasons,
    ...(certId !== undefined && { cert_id: certId }),
    ...(certUrl !== undefined && { cert_url: certUrl }),
    ...(claims !== undefined && { claims }),
    ...(live?.revoked_at !== undefined && { revoked_at: live.revoked_at }),
    ...(live?.revocation_reason !== undefined && { revocation_reason: live.revocation_reason }),
    live: live !== undefined,
    binding,
  };
}

async function checkBinding(claims: CertificateClaims, store: SecretStore): Promise<BindingOutcome> {
  if (!claims.credential_binding) return 'not-bound';
  const credential = await store.readCredential();
  if (credential === undefined) return 'not-found';
  return (await checkCredentialBinding(credential, claims.credential_binding)) ? 'match' : 'mismatch';
}

function trustedClaims(decoded: Record<string, unknown> | undefined): CertificateClaims | undefined {
  if (!decoded) return undefined;
  try {
    return parseClaims(decoded);
  } catch {
    return undefined;
  }
}

function idOf(jwt: string): string | undefined {
  try {
    const { claims } = decodeCertificate(jwt);
    return typeof claims.jti === 'string' ? claims.jti : undefined;
  } catch {
    return undefined;
  }
}
