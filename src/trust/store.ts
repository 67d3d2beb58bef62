import { createVerifier, loadJwks, type CertificateVerifier, type Jwks } from '../certificate/index.js';
import { fetchJwksAt } from '../issuer-client/public.js';
import { baseOf, type TrustAnchor } from './anchors.js';

/**
 * The issuers a run trusts, with each one's keys fetched (or read) once and a verifier built once
 * per clock: inventories check thousands of certificates of a handful of issuers.
 */
export class TrustStore {
  private readonly keys = new Map<TrustAnchor, Promise<Jwks>>();
  private readonly verifiers = new Map<
    TrustAnchor,
    Map<(() => number) | undefined, Promise<CertificateVerifier>>
  >();
  private readonly refreshed = new Set<TrustAnchor>();

  constructor(
    readonly anchors: readonly TrustAnchor[],
    private readonly options: { fetch?: typeof fetch } = {},
  ) {}

  get empty(): boolean {
    return this.anchors.length === 0;
  }

  /** The anchors a certificate URL's base (`https://host/base`) belongs to. */
  forBase(base: string): TrustAnchor[] {
    const normal = baseOf(base) ?? base;
    return this.anchors.filter((anchor) => anchor.bases.includes(normal));
  }

  /** The anchors pinning this `iss`. */
  forIssuer(issuer: string): TrustAnchor[] {
    return this.anchors.filter((anchor) => anchor.issuer === issuer);
  }

  /** The configured issuers, for messages: `a (…), b (…)`. */
  describe(): string {
    if (this.empty) return 'none';
    // the hosts too: an issuer id (often a URN) does not say where its certificates live
    const at = (a: TrustAnchor) => (a.bases.length > 0 ? ` at ${a.bases.join(' or ')}` : '');
    return [...new Set(this.anchors.map((a) => `${a.issuer}${at(a)} (${a.origin})`))].join(', ');
  }

  /**
   * A verifier for this anchor's keys. `iss` is left to the caller, which reports a mismatch as
   * its own reason (ISSUER_MISMATCH) rather than as a generic wrong issuer.
   */
  verifier(anchor: TrustAnchor, now?: () => number): Promise<CertificateVerifier> {
    let byClock = this.verifiers.get(anchor);
    if (!byClock) this.verifiers.set(anchor, (byClock = new Map()));
    let verifier = byClock.get(now);
    if (!verifier) {
      verifier = this.jwks(anchor).then((jwks) =>
        createVerifier({ jwks, ...(now !== undefined && { now }) }),
      );
      // Handled by whoever awaits it; this only keeps a rejected, not-yet-awaited promise quiet.
      verifier.catch(() => {});
      byClock.set(now, verifier);
    }
    return verifier;
  }

  /**
   * The issuer may have rotated its signing key since its keys were read: read them again, once
   * per anchor per run (a forger's unknown kid must not make every certificate refetch).
   */
  refresh(anchor: TrustAnchor): boolean {
    if (this.refreshed.has(anchor)) return false;
    this.refreshed.add(anchor);
    this.keys.delete(anchor);
    this.verifiers.delete(anchor);
    return true;
  }

  /** One read of the keys per anchor; a failure is cached too, so an unreachable issuer costs one timeout. */
  jwks(anchor: TrustAnchor): Promise<Jwks> {
    let jwks = this.keys.get(anchor);
    if (!jwks) {
      const { keys } = anchor;
      jwks =
        keys.kind === 'url'
          ? fetchJwksAt(keys.url, this.options)
          : keys.kind === 'file'
            ? loadJwks(keys.path)
            : keys.jwks();
      jwks.catch(() => {});
      this.keys.set(anchor, jwks);
    }
    return jwks;
  }
}
