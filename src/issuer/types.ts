import type { CertificateClaims } from '../certificate/index.js';
import type { StandardId } from '../policy/index.js';
import type { RateLimitState } from './limits.js';

/**
 * Who is asking. Over HTTP it is always the bearer API key as presented (hashed and looked up in
 * the same statement that updates the rate counters). The in-process local issuer acts as a team
 * directly: `{ teamId: (await issuer.ensureTeam('local')).id }`; API-key rate limits do not apply
 * to it, since there is no key.
 */
export interface Caller {
  apiKey?: string;
  teamId?: string;
  /** The client's address (for per-address limits and the audit trail); null in-process. */
  ip?: string | null;
  /** Receives the state of the limit closest to refusing, for the X-RateLimit-* headers. */
  onRateLimit?: (state: RateLimitState) => void;
}

export interface SessionResponse {
  generation_session_id: string;
  expires_at: string;
  entropy_bits: number;
  standards_met: StandardId[];
}

export interface IssuedCertificate {
  cert_id: string;
  cert_url: string;
  certificate: string;
  expires_at: string;
  standards_met: StandardId[];
  compliance_standard: StandardId;
  entropy_bits: number;
  /**
   * `pending` until the client activates it (POST …/activate) once a store holds the credential;
   * absent from issuers that predate activation, whose certificates are valid at once.
   */
  status?: 'pending' | 'valid';
  /** When a pending certificate is revoked (`not-stored`) by the issuer unless activated. */
  activate_by?: string;
  /**
   * Where the certificate's transparency-log inclusion proof will be served, and from when (the
   * HTTP answer of an issuer with a log, docs/transparency.md).
   */
  log?: { inclusion_url: string; proof_available_after: string };
}

/**
 * `pending`: issued, but the issuer has not been told that any store holds the credential; not
 * valid, and revoked by the issuer at `activate_by` unless activated before.
 */
export type CertificateStatus = 'valid' | 'pending' | 'expired' | 'revoked';

export interface CertificateStatusResponse {
  cert_id: string;
  cert_url: string;
  status: CertificateStatus;
  certificate: string;
  claims: CertificateClaims;
  issued_at: string;
  expires_at: string;
  /** When a store was confirmed to hold the credential (absent while pending). */
  activated_at?: string;
  /** Only while pending: when the issuer revokes it unless activated. */
  activate_by?: string;
  revoked_at?: string;
  revocation_reason?: string;
}

export interface CertificateSummary {
  cert_id: string;
  cert_url: string;
  /** The name of the team that holds it. */
  team: string | null;
  status: CertificateStatus;
  compliance_standard: StandardId;
  standards_met: StandardId[];
  entropy_bits: number;
  label: string | null;
  issued_at: string;
  expires_at: string;
  activate_by: string | null;
  revoked_at: string | null;
  revocation_reason: string | null;
}

export interface CertificateList {
  certificates: CertificateSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export interface ListQuery {
  /** Another team's certificates (admin keys only). */
  team?: string;
  /** Issued at or after this date or time. */
  since?: string;
  status?: CertificateStatus;
  standard?: string;
  label?: string;
  label_prefix?: string;
  limit?: number | string;
  cursor?: string;
}

/** How a certificate was looked at, for the audit trail. */
export type ViewChannel = 'page' | 'json' | 'api' | 'jwt';

/** The subset of a pino logger the service core writes to. */
export interface IssuerLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Reasons the issuer documents for revocation; any other printable text (≤ 200) is accepted too. */
export const REVOCATION_REASONS = [
  'not-stored',
  'key-compromise',
  'superseded',
  'rotated',
  'issued-in-error',
  'cessation-of-operation',
  'unspecified',
] as const;
