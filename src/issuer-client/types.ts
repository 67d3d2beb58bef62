import type { CertificateClaims, CredentialBinding, EntropySource, Jwks } from '../certificate/index.js';
import type { AuditTrailEvent } from '../issuer/events.js';
import type {
  CertificateStatus,
  CertificateSummary,
  IssuedCertificate,
  SessionResponse,
} from '../issuer/types.js';
import type { CredentialKind, GenerationParams, StandardId } from '../policy/types.js';

// The protocol's answers are the issuer's own types (type-only: nothing of the issuer is bundled).
export type { AuditTrailEvent, CertificateStatus, CertificateSummary, IssuedCertificate, SessionResponse };

/**
 * What the certify-and-store engine needs from a certificate authority. Two implementations:
 * the HTTP client for any `passgeni serve` (or another issuer speaking the same protocol), and
 * the local issuer running the same service core in-process. Neither ever sees a credential:
 * these requests carry parameters, an optional scrypt binding, and a label.
 */
export interface IssuerClient {
  /** Where certificates are published (`<publicUrl>/cert/<id>`), for messages and verification. */
  readonly description: string;
  /** The `iss` it signs, when known without asking (the local issuer); remote ones publish it. */
  readonly issuerId?: string;
  createSession(request: SessionRequest): Promise<SessionResponse>;
  /**
   * Issues a pending certificate. `idempotencyKey` (one new UUID per certificate request) lets a
   * retry after a lost answer get the same certificate back instead of another.
   */
  issueCertificate(request: CertificateRequest, options?: IssueOptions): Promise<IssuedCertificate>;
  /** Makes a pending certificate valid: call once a store holds its credential. Idempotent. */
  activateCertificate(id: string): Promise<CertificateStatusResponse>;
  getCertificate(id: string): Promise<CertificateStatusResponse>;
  revokeCertificate(id: string, reason: string): Promise<CertificateStatusResponse>;
  jwks(): Promise<Jwks>;
  /**
   * The certificate's inclusion proof in the issuer's transparency log, as untrusted JSON (the
   * answer of GET /api/v1/certificates/:id/inclusion); throws while it is not logged yet.
   */
  inclusionProof?(id: string): Promise<unknown>;
  /**
   * The transparency log's verifier key (`name+hexkeyid+base64key`) when the client holds the
   * issuer in-process (the local issuer): trusted as its signing keys are, with no URL to ask.
   */
  readonly logVerifierKey?: string;
  close(): Promise<void>;
}

export interface SessionRequest {
  standard: StandardId;
  /** Absent: service. */
  credential_kind?: CredentialKind;
  /** The user's own rotation period (their risk analysis), in days. */
  rotate_every_days?: number;
  generation_params: GenerationParams;
  entropy_source: EntropySource;
}

export interface CertificateRequest {
  generation_session_id: string;
  generated_at: string;
  credential_binding?: CredentialBinding;
  label?: string;
}

export interface IssueOptions {
  idempotencyKey?: string;
}

export interface CertificateStatusResponse {
  status: CertificateStatus;
  certificate: string;
  claims: CertificateClaims;
  /** While pending: when the issuer revokes it unless activated. */
  activate_by?: string;
  revoked_at?: string;
  revocation_reason?: string;
}

/**
 * Reading the issuer's registry and audit trail (`passgeni certificates list`, `passgeni events`):
 * one page per call, `next_cursor` naming the next. A team key reads its team; an admin key (or
 * the local issuer, whose operator holds the database) reads every team, or the one in `team`.
 */
export interface IssuerRegistry {
  listCertificates(query: CertificateListQuery): Promise<Page<'certificates', CertificateSummary>>;
  listEvents(query: EventListQuery): Promise<Page<'events', AuditTrailEvent>>;
}

export type Page<K extends string, T> = { [key in K]: T[] } & { next_cursor: string | null };

interface PageQuery {
  team?: string;
  since?: string;
  /** Page size, 1-200 (the issuer's default is 50). */
  limit?: number;
  cursor?: string;
}

export interface CertificateListQuery extends PageQuery {
  status?: string;
  standard?: string;
}

export interface EventListQuery extends PageQuery {
  types?: string[];
  until?: string;
}
