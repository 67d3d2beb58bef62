import type { SigningKey } from '../certificate/index.js';
import type { Database } from './db/types.js';
import type { AbuseLimits } from './limits.js';
import type { IssuerMetrics } from './metrics.js';
import type { OidcVerifier } from './oidc/verifier.js';
import type { IssuerLogger } from './types.js';

/**
 * What every part of the issuer (sessions, certificates, revocation, keys, maintenance) works
 * with: one open issuer's storage, clock, settings and counters. `openIssuer` builds it once.
 */
export interface IssuerContext {
  readonly db: Database;
  /** Every time the issuer stores or compares comes from it (tests move it by hand). */
  readonly clock: () => Date;
  readonly logger: IssuerLogger;
  readonly limits: Readonly<AbuseLimits>;
  readonly metrics: IssuerMetrics;
  /** Base URL certificates are published under, without a trailing slash. */
  readonly publicUrl: string;
  /** The `iss` claim. */
  readonly issuerId: string;
  readonly signingKey: SigningKey;
  readonly certificateDays: number;
  readonly sessionTtlMs: number;
  /** Audit events older than this many days are pruned by housekeeping; 0 = never. */
  readonly auditRetentionDays: number;
  /** How long a certificate may stay pending before the issuer revokes it (not-stored). */
  readonly activationTimeoutMs: number;
  /** Verifies OIDC ID tokens presented instead of API keys; undefined when no provider is trusted. */
  readonly oidc?: OidcVerifier;
}

/** `<publicUrl>/cert/<id>` */
export function certUrl(ctx: Pick<IssuerContext, 'publicUrl'>, id: string): string {
  return `${ctx.publicUrl}/cert/${id}`;
}
