import type { SecretStore } from '../../adapters/store.js';
import { createVerifier, decodeCertificate, type CertificateVerifier } from '../certificate/index.js';
import { errorMessage, isPassgeniError } from '../errors.js';
import type { IssuerClient } from '../issuer-client/types.js';
import { fetchPublicCertificate, fetchPublicJwks, parseCertificateUrl } from '../issuer-client/public.js';
import { verifyCertificate, type VerifyReport } from '../verification.js';

/**
 * Looks up the certificates that stores point at, for rotation and inventory: the shared
 * `verifyCertificate` (signature, claims, live revocation status, optional binding) with the
 * issuer's keys fetched, and made into a verifier, once per issuer rather than once per
 * certificate.
 */
export interface CertificateLookupOptions {
  /**
   * An issuer client, and the public URL its certificates are published under. Certificates under
   * that URL are looked up through the client: the local issuer's public URL is usually not being
   * served while it issues in-process.
   */
  issuer?: IssuerClient;
  issuerPublicUrl?: string;
  /**
   * Tests only. Default: the public look-ups' own path over src/lib's HTTP client, with their
   * size caps (not the built-in fetch, whose every response survives young-generation
   * collections: over thousands of look-ups that made peak memory grow with the run).
   */
  fetch?: typeof fetch;
  /** Clock in milliseconds, for the signature/expiry checks. */
  now?: () => number;
}

export type LookupOutcome =
  | {
      kind: 'verified';
      report: VerifyReport;
      /**
       * What an expired certificate claims (its signature checked out; only time failed), which
       * the verify report leaves out. For display only: expiry, standard, label.
       */
      expiredClaims?: Record<string, unknown>;
    }
  /** The store holds something that is not a certificate URL. */
  | { kind: 'malformed'; message: string }
  /** The issuer answered that it has no such certificate. */
  | { kind: 'not-found'; message: string }
  /** The certificate could not be checked (issuer unreachable, refused, bad answer). */
  | { kind: 'error'; code: string; message: string };

export class CertificateLookup {
  private readonly verifiers = new Map<string, Promise<CertificateVerifier>>();
  private readonly refreshed = new Set<string>();
  private readonly issuerBase: string | undefined;
  private readonly fetchOptions: { fetch?: typeof fetch };

  constructor(private readonly options: CertificateLookupOptions = {}) {
    this.issuerBase = options.issuerPublicUrl ? trimBase(options.issuerPublicUrl) : undefined;
    this.fetchOptions = options.fetch ? { fetch: options.fetch } : {};
  }

  async check(certUrl: string, credentialFrom?: SecretStore): Promise<LookupOutcome> {
    const parsed = parseCertificateUrl(certUrl);
    if (!parsed) {
      return {
        kind: 'malformed',
        message: `The stored certificate reference "${shorten(certUrl)}" is not a certificate URL (https://…/cert/<id>).`,
      };
    }
    const base = trimBase(parsed.base);
    const issuer = this.options.issuer && this.issuerBase === base ? this.options.issuer : undefined;
    const verify = async (): Promise<VerifyReport> =>
      verifyCertificate({
        ...(issuer ? { certificate: parsed.id, issuer } : { certificate: certUrl }),
        verifier: await this.verifierOf(base, issuer),
        ...this.fetchOptions,
        ...(credentialFrom !== undefined && { credentialFrom }),
      });
    try {
      let report = await verify();
      // The issuer may have rotated its signing key since the keys were cached: refetch once.
      if (report.reasons.some((r) => r.code === 'UNKNOWN_KID') && !this.refreshed.has(base)) {
        this.refreshed.add(base);
        this.verifiers.delete(base);
        report = await verify();
      }
      if (report.status === 'expired' && !report.claims) {
        const expiredClaims = await this.claimsOf(base, parsed.id, issuer);
        return { kind: 'verified', report, ...(expiredClaims !== undefined && { expiredClaims }) };
      }
      return { kind: 'verified', report };
    } catch (error) {
      if (isPassgeniError(error) && error.code === 'CERTIFICATE_NOT_FOUND') {
        return { kind: 'not-found', message: `The issuer at ${base} has no certificate ${parsed.id}.` };
      }
      return {
        kind: 'error',
        code: isPassgeniError(error) ? error.code : 'LOOKUP_FAILED',
        message: errorMessage(error),
      };
    }
  }

  private async claimsOf(
    base: string,
    id: string,
    issuer: IssuerClient | undefined,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const record = issuer
        ? await issuer.getCertificate(id)
        : await fetchPublicCertificate(base, id, this.fetchOptions);
      return decodeCertificate(record.certificate).claims;
    } catch {
      return undefined;
    }
  }

  /**
   * One JWKS request per issuer per run, shared by every concurrent lookup, and one verifier built
   * from it: building a verifier turns each key into a key object, which done per certificate was
   * about 4.5 of the 58 KiB an inventory allocated per secret. A failure is cached too: an
   * unreachable issuer then costs one timeout, not one per certificate.
   */
  private verifierOf(base: string, issuer: IssuerClient | undefined): Promise<CertificateVerifier> {
    let verifier = this.verifiers.get(base);
    if (!verifier) {
      const now = this.options.now;
      verifier = (issuer ? issuer.jwks() : fetchPublicJwks(base, this.fetchOptions)).then((jwks) =>
        createVerifier({ jwks, ...(now !== undefined && { now }) }),
      );
      // Handled by whoever awaits it; this only keeps a rejected, not-yet-awaited promise quiet.
      verifier.catch(() => {});
      this.verifiers.set(base, verifier);
    }
    return verifier;
  }
}

/**
 * What a verified certificate amounts to, for rotation and the registry alike. Expiry is judged
 * on our clock (the one due-ness and the registry are "as of"), whatever the issuer's says.
 */
export function certificateState(
  report: VerifyReport,
  hasClaims: boolean,
  expMs: number | undefined,
  now: number,
): 'revoked' | 'pending' | 'invalid' | 'expired' | 'sound' {
  if (report.status === 'revoked') return 'revoked';
  // issued, but no store was confirmed to hold its credential: not valid (yet)
  if (report.status === 'pending' && hasClaims) return 'pending';
  if (!hasClaims || (report.status !== 'valid' && report.status !== 'expired')) return 'invalid';
  const expired =
    report.status === 'expired' ||
    report.reasons.some((r) => r.code === 'EXPIRED') ||
    (expMs !== undefined && expMs <= now);
  return expired ? 'expired' : 'sound';
}

function trimBase(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function shorten(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
