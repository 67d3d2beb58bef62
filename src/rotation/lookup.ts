import type { SecretStore } from '../../adapters/store.js';
import { decodeCertificate } from '../certificate/index.js';
import { errorMessage, isPassgeniError } from '../errors.js';
import { fetchPublicCertificate, parseCertificateUrl } from '../issuer-client/public.js';
import type { TrustStore } from '../trust/index.js';
import type { LogRequirement } from '../trust/transparency.js';
import { verifyCertificate, type VerifyReport } from '../verification.js';

/**
 * Looks up the certificates that stores point at, for rotation and inventory: the shared
 * `verifyCertificate` (signature, claims, live revocation status, optional binding) with the
 * keys of each trusted issuer fetched, and made into a verifier, once per run rather than once per
 * certificate (the trust store caches them).
 */
export interface CertificateLookupOptions {
  /**
   * The issuers trusted: a store's certificate URL is only a pointer, and a certificate is valid
   * only through one of these (its URL under the issuer's base, its `iss` and keys the issuer's).
   * The local issuer is one of them when it is used (src/trust localAnchor), and its certificates
   * are then read in-process: its public URL is usually not being served while it issues.
   */
  trust: TrustStore;
  /**
   * Tests only. Default: the public look-ups' own path over src/lib's HTTP client, with their
   * size caps (not the built-in fetch, whose every response survives young-generation
   * collections: over thousands of look-ups that made peak memory grow with the run).
   */
  fetch?: typeof fetch;
  /** Clock in milliseconds, for the signature/expiry checks. */
  now?: () => number;
  /**
   * Also check each certificate's inclusion in its issuer's transparency log (the inventory's
   * --require-log and friends); its cache makes each checkpoint verified once per run.
   */
  log?: LogRequirement | undefined;
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
  private readonly fetchOptions: { fetch?: typeof fetch };

  constructor(private readonly options: CertificateLookupOptions) {
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
    const { trust, now } = this.options;
    try {
      const report = await verifyCertificate({
        certificate: certUrl,
        trust,
        ...(now !== undefined && { now }),
        ...this.fetchOptions,
        ...(credentialFrom !== undefined && { credentialFrom }),
        ...(this.options.log !== undefined && { log: this.options.log }),
      });
      if (report.status === 'expired' && !report.claims) {
        const expiredClaims = await this.claimsOf(base, parsed.id);
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

  /** Only reached for a certificate whose signature held with a trusted issuer's keys. */
  private async claimsOf(base: string, id: string): Promise<Record<string, unknown> | undefined> {
    try {
      const client = this.options.trust.forBase(base).find((a) => a.client)?.client;
      const record = client
        ? await client.getCertificate(id)
        : await fetchPublicCertificate(base, id, this.fetchOptions);
      return decodeCertificate(record.certificate).claims;
    } catch {
      return undefined;
    }
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
