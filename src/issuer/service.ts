import { randomUUID } from 'node:crypto';
import { CERT_VERSION, decodeCertificate, signCertificate } from '../certificate/index.js';
import type { CertificateClaims, EntropySource, Jwks, SigningKey } from '../certificate/index.js';
import { InputError, PassgeniError, isPassgeniError } from '../errors.js';
import {
  PolicyViolationError,
  evaluateStandard,
  getStandard,
  paramsEntropyBits,
  parseGenerationParams,
  resolveStandard,
  standardsMet,
} from '../policy/index.js';
import type { GenerationParams, StandardId } from '../policy/index.js';
import { VERSION } from '../version.js';
import * as admin from './admin.js';
import type { ApiKeyInfo, CreatedApiKey, Team } from './admin.js';
import { StatementBatcher } from './batcher.js';
import { openDatabase } from './db/open.js';
import type { Database } from './db/types.js';
import { IssuerServiceError } from './errors.js';
import { HOUR_MS, MINUTE_MS, evaluateLimits, ipSubject, resolveLimits, windowStart } from './limits.js';
import type { AbuseLimits } from './limits.js';
import { IssuerMetrics } from './metrics.js';
import {
  certificateBodySchema,
  certificateIdSchema,
  listQuerySchema,
  parseWith,
  revokeBodySchema,
  sessionBodySchema,
} from './schemas.js';
import {
  registerSigningKey,
  publishedKeys,
  jwksOf,
  resolveSigningKey,
  retireSigningKey,
  withdrawSigningKey,
} from './signing-keys.js';
import type { ResolvedSigningKey } from './signing-keys.js';
import {
  CONSUME_SESSION_SQL,
  CREATE_SESSION_SQL,
  GUARD_SQL,
  HOUSEKEEPING_SQL,
  INSERT_CERTIFICATE_SQL,
  INSERT_EVENT_SQL,
  LIST_CERTIFICATES_SQL,
  REVOKE_CERTIFICATE_SQL,
  VIEW_CERTIFICATE_SQL,
} from './sql.js';
import { REVOCATION_REASONS } from './types.js';
import type {
  Caller,
  CertificateList,
  CertificateStatus,
  CertificateStatusResponse,
  CertificateSummary,
  IssuedCertificate,
  IssuerLogger,
  ListQuery,
  SessionResponse,
  ViewChannel,
} from './types.js';

export interface IssuerOptions {
  /** Base URL certificates are published under: `<publicUrl>/cert/<id>`. */
  publicUrl: string;
  /** The `iss` claim; defaults to the public URL (without a trailing slash). */
  issuerId?: string;
  /** Embedded database and default key location; `./.passgeni` when neither it nor a database is given. */
  dataDir?: string;
  /** PostgreSQL (several replicas); the data directory then holds no database. */
  databaseUrl?: string;
  /** An in-memory embedded database (tests, benchmarks). */
  memory?: boolean;
  /** An already-open, migrated database; the issuer does not close it. */
  database?: Database;
  /** Connections per pool on PostgreSQL. */
  poolSize?: number;
  signingKey?: SigningKey;
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Generate `<dataDir>/signing-key.jwk` on first start (default true, embedded database only). */
  generateKey?: boolean;
  /** Injected clock; every time the issuer stores or compares comes from it. */
  clock?: () => Date;
  limits?: Partial<AbuseLimits>;
  /** Certificate lifetime (default 365 days). */
  certificateDays?: number;
  /** Session lifetime (default 60 s). */
  sessionTtlSeconds?: number;
  logger?: IssuerLogger;
  /** Told when something the operator must know happens (a key was generated). */
  onNotice?: (message: string) => void;
  /** How often the JWKS is re-read from the database (keys added by other replicas). Default 30 s. */
  jwksRefreshSeconds?: number;
  /** How often expired sessions and idle counters are deleted. Default 600 s; 0 = never. */
  housekeepingSeconds?: number;
}

/** The accepted spread of `generated_at` around the issuer's clock. */
const GENERATED_AT_MAX_AGE_MS = 15 * MINUTE_MS;
const GENERATED_AT_MAX_AHEAD_MS = MINUTE_MS;
const DAY_MS = 86_400_000;

const noopLogger: IssuerLogger = { info() {}, warn() {}, error() {} };

interface GuardRow {
  n: number;
  key_id: string | null;
  team_id: string | null;
  key_hits: number | null;
  key_window_start: Date | null;
  key_tokens: number | null;
  key_burst_ok: boolean | null;
  ip_hits: number | null;
  ip_window_start: Date | null;
  allowed: boolean;
}

interface ConsumeRow extends GuardRow {
  s_standard: string | null;
  s_params: GenerationParams | null;
  s_entropy_bits: number | null;
  s_standards_met: StandardId[] | null;
  s_entropy_source: EntropySource | null;
  s_created_at: Date | null;
  p_found: boolean | null;
  p_used_at: Date | null;
  p_expires_at: Date | null;
  p_cert_id: string | null;
}

interface CertificateRow {
  id: string;
  team_id: string;
  jwt: string;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

/**
 * One request's part of a guarded statement (see sql.ts for the fields). Times are ISO strings,
 * not Dates: JSON.stringify leaves its fast path for every Date it meets, which made building a
 * batch's JSON three times slower.
 */
interface GuardRequest {
  key_hash: string | null;
  team: string | null;
  op: string;
  now: string;
  minute_start: string;
  hour_start: string;
  ip_subject: string | null;
  client_ip: string | null;
  ev_type: string | null;
  ev_detail: Record<string, unknown> | null;
  ev_cert: string | null;
}

interface SessionInsert extends GuardRequest {
  id: string;
  standard: StandardId;
  params: GenerationParams;
  entropy_bits: number;
  standards_met: StandardId[];
  entropy_source: EntropySource;
  expires_at: string;
}

interface SessionConsume extends GuardRequest {
  session_id: string;
}

interface CertificateInsert {
  id: string;
  team_id: string;
  key_id: string | null;
  session_id: string;
  kid: string;
  standard: StandardId;
  standards_met: StandardId[];
  entropy_bits: number;
  label: string | null;
  jwt: string;
  issued_at: string;
  expires_at: string;
  window_start: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

interface CertificateInserted {
  n: number;
  /** The team's certificates in the flag window, this one included (null: not counted). */
  recent: number | null;
  flagged: boolean;
}

interface CertificateView {
  id: string;
  ip: string | null;
  at: string;
  via: ViewChannel;
}

/** A view's row: the certificate's columns, all null when there is no such certificate. */
type CertificateViewRow = { n: number } & (CertificateRow | { [K in keyof CertificateRow]: null });

/** Statements of one kind in flight at once, per issuer (see batcher.ts). */
const BATCH_CONCURRENCY = 2;
const MAX_BATCH = 64;
/** Parameter sets whose assessment is remembered (see Issuer.assess). */
const MAX_ASSESSMENTS = 1024;

interface Authorized {
  teamId: string;
  keyId: string | null;
}

interface GuardEvent {
  type: string;
  detail: Record<string, unknown>;
  certId?: string | null;
}

/**
 * Opens the certificate authority's service core: storage (migrated), signing key (published in
 * the shared JWKS), limits and metrics. The HTTP server and the CLI's in-process local issuer
 * both drive this object; it never sees a credential, only parameters, a binding and a label.
 */
export async function openIssuer(options: IssuerOptions): Promise<Issuer> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? noopLogger;
  const limits = resolveLimits(options.limits);
  const publicUrl = normalisePublicUrl(options.publicUrl);
  const issuerId = options.issuerId ?? publicUrl;
  if (issuerId.trim() === '' || issuerId.length > 256 || /[\p{C}]/u.test(issuerId)) {
    throw new InputError('INVALID_ISSUER_ID', 'The issuer id must be 1-256 printable characters.');
  }
  const certificateDays = options.certificateDays ?? 365;
  if (!Number.isInteger(certificateDays) || certificateDays < 1 || certificateDays > 3650) {
    throw new InputError('INVALID_OPTION', 'certificateDays must be a whole number from 1 to 3650.');
  }
  const sessionTtlSeconds = options.sessionTtlSeconds ?? 60;
  if (!Number.isInteger(sessionTtlSeconds) || sessionTtlSeconds < 1 || sessionTtlSeconds > 3600) {
    throw new InputError('INVALID_OPTION', 'sessionTtlSeconds must be a whole number from 1 to 3600.');
  }

  const usesPostgres = options.databaseUrl !== undefined && options.databaseUrl !== '';
  const dataDir =
    options.dataDir ?? (usesPostgres || options.memory || options.database ? undefined : '.passgeni');

  // the key is resolved before the database is opened: a missing or unreadable key is a
  // configuration error the operator should see without waiting for the database
  const signing = resolveSigningKey({
    ...(options.signingKey !== undefined && { signingKey: options.signingKey }),
    ...(options.keyFile !== undefined && { keyFile: options.keyFile }),
    ...(options.env !== undefined && { env: options.env }),
    // with PostgreSQL, replicas come and go: a key generated per data dir would multiply keys
    ...(dataDir !== undefined && !usesPostgres && { dataDir }),
    generate: options.generateKey ?? true,
    ...(options.onNotice !== undefined && { onNotice: options.onNotice }),
  });

  let db: Database;
  let ownsDatabase: boolean;
  if (options.database) {
    db = options.database;
    ownsDatabase = false;
  } else {
    const opened = await openDatabase({
      ...(usesPostgres && { databaseUrl: options.databaseUrl }),
      ...(dataDir !== undefined && { dataDir }),
      ...(options.memory !== undefined && { memory: options.memory }),
      ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
      onError: (error) => logger.error({ err: { message: error.message } }, 'database connection error'),
    });
    db = opened.db;
    ownsDatabase = true;
    if (opened.migrations.applied.length > 0) {
      logger.info({ applied: opened.migrations.applied }, 'database schema migrated');
    }
  }
  try {
    await registerSigningKey(db, signing.key, clock());
    const issuer = new Issuer({
      db,
      ownsDatabase,
      signing,
      clock,
      logger,
      limits,
      publicUrl,
      issuerId,
      certificateDays,
      sessionTtlSeconds,
      jwksRefreshMs: (options.jwksRefreshSeconds ?? 30) * 1000,
      housekeepingMs: (options.housekeepingSeconds ?? 600) * 1000,
    });
    await issuer.refreshJwks();
    issuer.startTimers();
    return issuer;
  } catch (error) {
    if (ownsDatabase) await db.close().catch(() => undefined);
    throw error;
  }
}

function normalisePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('INVALID_PUBLIC_URL', `The public URL "${value}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('INVALID_PUBLIC_URL', 'The public URL must be http:// or https://.');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      'INVALID_PUBLIC_URL',
      'The public URL must not contain credentials, a query or a fragment.',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

interface IssuerInit {
  db: Database;
  ownsDatabase: boolean;
  signing: ResolvedSigningKey;
  clock: () => Date;
  logger: IssuerLogger;
  limits: AbuseLimits;
  publicUrl: string;
  issuerId: string;
  certificateDays: number;
  sessionTtlSeconds: number;
  jwksRefreshMs: number;
  housekeepingMs: number;
}

export class Issuer {
  readonly publicUrl: string;
  readonly issuerId: string;
  readonly limits: Readonly<AbuseLimits>;
  readonly metrics = new IssuerMetrics();
  readonly database: Database;
  /** The kid of the key this process signs with. */
  readonly kid: string;
  /** Where the signing key came from (for the start-up log; never the key itself). */
  readonly keySource: ResolvedSigningKey['source'];
  private readonly signingKey: SigningKey;
  private readonly clock: () => Date;
  private readonly logger: IssuerLogger;
  private readonly ownsDatabase: boolean;
  private readonly certificateDays: number;
  private readonly sessionTtlMs: number;
  private readonly jwksRefreshMs: number;
  private readonly housekeepingMs: number;
  private jwksCache: Jwks = { keys: [] };
  private jwksJson = '{"keys":[]}';
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly assessments = new Map<string, { met: readonly StandardId[]; bits: number }>();
  private readonly guards: StatementBatcher<GuardRequest, GuardRow>;
  private readonly sessionInserts: StatementBatcher<SessionInsert, GuardRow & { created: boolean }>;
  private readonly sessionConsumes: StatementBatcher<SessionConsume, ConsumeRow>;
  private readonly certificateInserts: StatementBatcher<CertificateInsert, CertificateInserted>;
  private readonly certificateViews: StatementBatcher<CertificateView, CertificateViewRow>;

  constructor(init: IssuerInit) {
    this.database = init.db;
    this.ownsDatabase = init.ownsDatabase;
    this.signingKey = init.signing.key;
    this.kid = init.signing.key.kid;
    this.keySource = init.signing.source;
    this.clock = init.clock;
    this.logger = init.logger;
    this.limits = Object.freeze({ ...init.limits });
    this.publicUrl = init.publicUrl;
    this.issuerId = init.issuerId;
    this.certificateDays = init.certificateDays;
    this.sessionTtlMs = init.sessionTtlSeconds * 1000;
    this.jwksRefreshMs = init.jwksRefreshMs;
    this.housekeepingMs = init.housekeepingMs;
    const limits = [
      this.limits.keyRequestsPerMinute,
      this.limits.keyBurst,
      this.limits.keyRefillPerSecond,
      this.limits.ipCertificatesPerHour,
    ];
    this.guards = this.batcher(GUARD_SQL, 'passgeni_guard', limits, false);
    this.sessionInserts = this.batcher(CREATE_SESSION_SQL, 'passgeni_session_create', limits, false);
    this.sessionConsumes = this.batcher(CONSUME_SESSION_SQL, 'passgeni_session_consume', limits, false);
    this.certificateInserts = this.batcher(
      INSERT_CERTIFICATE_SQL,
      'passgeni_certificate_insert',
      [this.limits.teamFlagThreshold],
      true,
    );
    this.certificateViews = this.batcher(VIEW_CERTIFICATE_SQL, 'passgeni_certificate_view', [], false);
    this.metrics.info.set({ version: VERSION, backend: init.db.kind, kid: this.kid }, 1);
  }

  /** `<publicUrl>/cert/<id>` */
  certUrl(id: string): string {
    return `${this.publicUrl}/cert/${id}`;
  }

  get jwksUrl(): string {
    return `${this.publicUrl}/.well-known/jwks.json`;
  }

  // ---------------------------------------------------------------- teams and API keys

  /** The team with this name, created if needed (the local issuer uses a fixed one). */
  ensureTeam(name: string): Promise<Team> {
    return admin.ensureTeam(this.database, name, this.clock());
  }

  createApiKey(request: { team: string; name?: string }): Promise<CreatedApiKey> {
    return admin.createApiKey(this.database, { ...request, now: this.clock() });
  }

  listApiKeys(filter: { team?: string } = {}): Promise<ApiKeyInfo[]> {
    return admin.listApiKeys(this.database, filter);
  }

  revokeApiKey(id: string): Promise<ApiKeyInfo> {
    return admin.revokeApiKey(this.database, id, this.clock());
  }

  // ---------------------------------------------------------------- sessions

  /**
   * POST /api/v1/sessions. Validates the parameters against the standard on the server: entropy
   * and standards_met are recomputed here from the class sizes, whatever the client believes.
   */
  async createSession(caller: Caller, body: unknown): Promise<SessionResponse> {
    const now = this.clock();
    const op = 'sessions.create';
    let prepared: ReturnType<Issuer['prepareSession']>;
    try {
      prepared = this.prepareSession(body);
    } catch (error) {
      if (!isPassgeniError(error)) throw error;
      // authentication and limits still come first: an unauthenticated caller learns nothing
      // about validation, and invalid requests count against the limits like any other
      await this.guard(caller, now, op, false, { type: 'session.rejected', detail: { code: error.code } });
      this.metrics.sessionsRejected.inc({ code: error.code });
      throw error;
    }
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs);
    const row = await this.sessionInserts.submit({
      ...this.guardRequest(caller, now, op, false, {
        type: 'session.created',
        detail: { session_id: id, standard: prepared.standard },
      }),
      id,
      standard: prepared.standard,
      params: prepared.params,
      entropy_bits: prepared.entropyBits,
      standards_met: prepared.standardsMet,
      entropy_source: prepared.entropySource,
      expires_at: expiresAt.toISOString(),
    });
    this.authorize(row, caller, now);
    if (!row.created) throw new Error('session was not stored');
    this.metrics.sessionsCreated.inc({ standard: prepared.standard });
    return {
      generation_session_id: id,
      expires_at: expiresAt.toISOString(),
      entropy_bits: prepared.entropyBits,
      standards_met: prepared.standardsMet,
    };
  }

  private prepareSession(body: unknown) {
    const parsed = parseWith(sessionBodySchema, body, 'session request');
    const rule = resolveStandard(parsed.standard);
    const params = parseGenerationParams(parsed.generation_params);
    if (!rule.certifiable) {
      throw new IssuerServiceError(
        'STANDARD_NOT_CERTIFIABLE',
        400,
        `${rule.id} is in the standards table for reference but certificates are issued only for the six certifiable standards; ask for one of those (see \`passgeni standards\`).`,
        { details: { standard: rule.id } },
      );
    }
    const canonical = canonicalParams(params);
    const { met, bits } = this.assess(canonical);
    if (!met.includes(rule.id)) throw new PolicyViolationError(rule, evaluateStandard(params, rule));
    return {
      standard: rule.id,
      params: canonical,
      entropyBits: bits,
      standardsMet: [...met],
      entropySource: canonicalSource(parsed.entropy_source),
    };
  }

  /**
   * Exact entropy and the standards met, for one set of parameters. Both are pure functions of the
   * parameters (big-integer counting and every standard's rules, ~30 µs), and clients send the
   * same few sets again and again, so the answers are remembered.
   */
  private assess(params: GenerationParams): { met: readonly StandardId[]; bits: number } {
    const key = JSON.stringify(params);
    let assessed = this.assessments.get(key);
    if (assessed === undefined) {
      // standards_met already evaluates every rule; the violations are listed only when refusing
      assessed = { met: standardsMet(params), bits: paramsEntropyBits(params) };
      if (this.assessments.size >= MAX_ASSESSMENTS) this.assessments.clear();
      this.assessments.set(key, assessed);
    }
    return assessed;
  }

  // ---------------------------------------------------------------- certificates

  /**
   * POST /api/v1/certificates. Consumes the session (single use), signs the claims and stores the
   * certificate. The session must belong to the caller's team; another team's session is
   * reported exactly like an unknown one.
   */
  async issueCertificate(caller: Caller, body: unknown): Promise<IssuedCertificate> {
    const now = this.clock();
    const op = 'certificates.issue';
    let request: ReturnType<Issuer['prepareCertificate']>;
    try {
      request = this.prepareCertificate(body, now);
    } catch (error) {
      if (!isPassgeniError(error)) throw error;
      await this.guard(caller, now, op, true, { type: 'certificate.rejected', detail: { code: error.code } });
      this.metrics.certificatesRejected.inc({ code: error.code });
      throw error;
    }
    const row = await this.sessionConsumes.submit({
      ...this.guardRequest(caller, now, op, true),
      session_id: request.sessionId,
    });
    const who = this.authorize(row, caller, now);
    if (
      row.s_standard === null ||
      row.s_params === null ||
      row.s_entropy_bits === null ||
      row.s_standards_met === null ||
      row.s_entropy_source === null
    ) {
      const error = sessionRefusal(row, now);
      await this.event('certificate.rejected', who, caller, now, {
        op,
        code: error.code,
        session_id: request.sessionId,
      });
      this.metrics.certificatesRejected.inc({ code: error.code });
      throw error;
    }

    const rule = getStandard(row.s_standard as StandardId);
    const certId = randomUUID();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.certificateDays * 86_400;
    const generatedAt = request.generatedAt ?? now;
    const claims: CertificateClaims = {
      jti: certId,
      iss: this.issuerId,
      sub: who.teamId,
      iat,
      exp,
      cert_version: CERT_VERSION,
      compliance_standard: rule.id,
      standards_met: row.s_standards_met,
      generation_params: canonicalParams(row.s_params),
      entropy_bits: row.s_entropy_bits,
      entropy_source: canonicalSource(row.s_entropy_source),
      generation_session_id: request.sessionId,
      generated_at: generatedAt.toISOString(),
      ...(rule.rotationDays > 0 && {
        rotate_by: new Date(generatedAt.getTime() + rule.rotationDays * DAY_MS).toISOString(),
      }),
      ...(request.binding !== undefined && { credential_binding: request.binding }),
      ...(request.label !== undefined && { label: request.label }),
    };
    const jwt = await signCertificate(claims, this.signingKey);
    const expiresAt = new Date(exp * 1000);
    const windowMs = this.limits.teamFlagWindowHours * HOUR_MS;
    const result = await this.certificateInserts.submit({
      id: certId,
      team_id: who.teamId,
      key_id: who.keyId,
      session_id: request.sessionId,
      kid: this.kid,
      standard: rule.id,
      standards_met: claims.standards_met,
      entropy_bits: claims.entropy_bits,
      label: request.label ?? null,
      jwt,
      issued_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      window_start: new Date(now.getTime() - windowMs).toISOString(),
      ip: caller.ip ?? null,
      detail: { op, standard: rule.id, session_id: request.sessionId, kid: this.kid },
    });
    this.metrics.certificatesIssued.inc({ standard: rule.id });
    if (result.flagged) {
      this.metrics.teamsFlaggedTotal.inc();
      this.logger.warn(
        { team: who.teamId, certificates_in_window: result.recent, threshold: this.limits.teamFlagThreshold },
        'team flagged: issued more certificates than the threshold within the window',
      );
    }
    return {
      cert_id: certId,
      cert_url: this.certUrl(certId),
      certificate: jwt,
      expires_at: expiresAt.toISOString(),
      standards_met: claims.standards_met,
      compliance_standard: rule.id,
      entropy_bits: claims.entropy_bits,
    };
  }

  private prepareCertificate(body: unknown, now: Date) {
    const parsed = parseWith(certificateBodySchema, body, 'certificate request');
    let generatedAt: Date | undefined;
    if (parsed.generated_at !== undefined) {
      generatedAt = new Date(parsed.generated_at);
      const age = now.getTime() - generatedAt.getTime();
      if (age > GENERATED_AT_MAX_AGE_MS || -age > GENERATED_AT_MAX_AHEAD_MS) {
        throw new IssuerServiceError(
          'GENERATED_AT_OUT_OF_RANGE',
          400,
          "generated_at must be within the last 15 minutes and at most 60 s ahead of the issuer's clock; generate the credential just before asking for its certificate, and check the client's clock.",
          { details: { issuer_time: now.toISOString() } },
        );
      }
    }
    return {
      sessionId: parsed.generation_session_id,
      generatedAt,
      binding: parsed.credential_binding,
      label: parsed.label,
    };
  }

  /**
   * A certificate's status, for anyone (no authentication: certificates are public by design).
   * Unknown and malformed ids are both CERTIFICATE_NOT_FOUND.
   */
  async getCertificate(
    id: string,
    view: { ip?: string | null; via?: ViewChannel } = {},
  ): Promise<CertificateStatusResponse> {
    const parsedId = certificateIdSchema.safeParse(id);
    if (!parsedId.success) {
      this.metrics.certificateViews.inc({ found: 'false' });
      throw certificateNotFound();
    }
    const now = this.clock();
    const row = await this.certificateViews.submit({
      id: parsedId.data,
      ip: view.ip ?? null,
      at: now.toISOString(),
      via: view.via ?? 'api',
    });
    this.metrics.certificateViews.inc({ found: row.id ? 'true' : 'false' });
    if (!row.id) throw certificateNotFound();
    return this.statusOf(row, now);
  }

  /** GET /api/v1/certificates: the caller's team's certificates, newest first. */
  async listCertificates(
    caller: Caller,
    query: ListQuery | Record<string, unknown> = {},
  ): Promise<CertificateList> {
    const now = this.clock();
    const op = 'certificates.list';
    const stringQuery = Object.fromEntries(
      Object.entries(query).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
    );
    let parsed: ReturnType<Issuer['prepareList']>;
    try {
      parsed = this.prepareList(stringQuery);
    } catch (error) {
      if (!isPassgeniError(error)) throw error;
      await this.guard(caller, now, op, false, { type: 'api.rejected', detail: { code: error.code } });
      throw error;
    }
    const who = await this.guard(caller, now, op, false, { type: 'certificates.listed', detail: {} });
    const limit = parsed.limit ?? 50;
    const rows = await this.database.query<
      Omit<CertificateRow, 'jwt' | 'team_id'> & {
        standard: StandardId;
        standards_met: StandardId[];
        entropy_bits: number;
        label: string | null;
      }
    >(
      LIST_CERTIFICATES_SQL,
      [
        who.teamId,
        parsed.standard ?? null,
        parsed.label ?? null,
        parsed.label_prefix ?? null,
        parsed.status ?? null,
        now,
        parsed.cursor?.issuedAt ?? null,
        parsed.cursor?.id ?? null,
        limit + 1,
      ],
      { name: 'passgeni_certificate_list' },
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const certificates: CertificateSummary[] = page.map((r) => ({
      cert_id: r.id,
      cert_url: this.certUrl(r.id),
      status: statusAt(r, now),
      compliance_standard: r.standard,
      standards_met: r.standards_met,
      entropy_bits: r.entropy_bits,
      label: r.label,
      issued_at: r.issued_at.toISOString(),
      expires_at: r.expires_at.toISOString(),
      revoked_at: r.revoked_at ? r.revoked_at.toISOString() : null,
      revocation_reason: r.revocation_reason,
    }));
    return {
      certificates,
      next_cursor: rows.length > limit && last ? encodeCursor(last.issued_at, last.id) : null,
    };
  }

  private prepareList(query: Record<string, unknown>) {
    const parsed = parseWith(listQuerySchema, query, 'query');
    const standard = parsed.standard !== undefined ? resolveStandard(parsed.standard).id : undefined;
    const cursor = parsed.cursor !== undefined ? decodeCursor(parsed.cursor) : undefined;
    return { ...parsed, standard, cursor };
  }

  /**
   * POST /api/v1/certificates/:id/revoke. Only the owning team may revoke; the record stays and
   * its status becomes revoked. Revoking a revoked certificate changes nothing and answers with
   * the original revocation (so retries are safe).
   */
  async revokeCertificate(caller: Caller, id: string, body: unknown): Promise<CertificateStatusResponse> {
    const now = this.clock();
    const op = 'certificates.revoke';
    const who = await this.guard(caller, now, op, false);
    const parsedId = certificateIdSchema.safeParse(id);
    let reason: string;
    try {
      if (!parsedId.success) throw certificateNotFound();
      reason = parseWith(revokeBodySchema, body, 'revocation request').reason.trim();
      if (reason === '')
        throw new IssuerServiceError('INVALID_REQUEST', 400, 'The revocation reason must not be blank.');
    } catch (error) {
      if (isPassgeniError(error))
        await this.event('certificate.revoke_rejected', who, caller, now, { op, code: error.code });
      throw error;
    }
    const rows = await this.database.query<
      Partial<CertificateRow> & { new_revoked_at: Date | null; new_reason: string | null }
    >(REVOKE_CERTIFICATE_SQL, [parsedId.data, who.teamId, now, reason, who.keyId, caller.ip ?? null], {
      name: 'passgeni_certificate_revoke',
    });
    const row = rows[0];
    if (!row || row.id === null || row.id === undefined) throw certificateNotFound();
    if (row.team_id !== who.teamId) {
      throw new IssuerServiceError(
        'CERTIFICATE_NOT_OWNED',
        403,
        'This certificate belongs to another team; only the team that obtained it can revoke it.',
      );
    }
    if (row.new_revoked_at) {
      this.metrics.certificatesRevoked.inc({ reason: reasonLabel(reason) });
      this.logger.info({ cert_id: row.id, team: who.teamId, reason }, 'certificate revoked');
      return this.statusOf(
        { ...(row as CertificateRow), revoked_at: row.new_revoked_at, revocation_reason: row.new_reason },
        now,
      );
    }
    if (row.revoked_at) return this.statusOf(row as CertificateRow, now);
    // revoked concurrently by another request after this statement's snapshot: read it again
    const [fresh] = await this.database.query<CertificateRow>(
      'SELECT id, team_id, jwt, issued_at, expires_at, revoked_at, revocation_reason FROM certificates WHERE id = $1::uuid',
      [parsedId.data],
    );
    if (!fresh) throw certificateNotFound();
    return this.statusOf(fresh, now);
  }

  private statusOf(row: CertificateRow, now: Date): CertificateStatusResponse {
    const claims = decodeCertificate(row.jwt).claims as unknown as CertificateClaims;
    return {
      cert_id: row.id,
      cert_url: this.certUrl(row.id),
      status: statusAt(row, now),
      certificate: row.jwt,
      claims,
      issued_at: row.issued_at.toISOString(),
      expires_at: row.expires_at.toISOString(),
      ...(row.revoked_at && { revoked_at: row.revoked_at.toISOString() }),
      ...(row.revoked_at && row.revocation_reason !== null && { revocation_reason: row.revocation_reason }),
    };
  }

  // ---------------------------------------------------------------- keys, health, metrics

  /** The public keys of every signing key not withdrawn: current and retired. */
  jwks(): Jwks {
    return this.jwksCache;
  }

  /** The JWKS serialised once per refresh, for the HTTP hot path. */
  jwksBody(): string {
    return this.jwksJson;
  }

  async refreshJwks(): Promise<Jwks> {
    const keys = await publishedKeys(this.database);
    const jwks = jwksOf(keys);
    // this process's own key is published even if the read raced a rotation elsewhere
    if (!jwks.keys.some((k) => k.kid === this.kid)) jwks.keys.unshift(this.signingKey.publicJwk);
    this.jwksCache = jwks;
    this.jwksJson = JSON.stringify(jwks);
    return jwks;
  }

  /** Marks a key retired (it keeps verifying, stops being current); see `passgeni serve --rotate-key`. */
  async retireSigningKey(kid: string): Promise<void> {
    await retireSigningKey(this.database, kid, this.clock());
    await this.refreshJwks();
  }

  /** Removes a compromised key from the JWKS: its certificates stop verifying everywhere. */
  async withdrawSigningKey(kid: string): Promise<boolean> {
    if (kid === this.kid) {
      throw new IssuerServiceError(
        'SIGNING_KEY_IN_USE',
        409,
        'This issuer signs with that key; rotate to a new key first.',
      );
    }
    const changed = await withdrawSigningKey(this.database, kid, this.clock());
    await this.refreshJwks();
    return changed;
  }

  async health(): Promise<{ ok: boolean; database: 'ok' | 'unavailable' }> {
    try {
      await this.database.query('SELECT 1', [], { name: 'passgeni_health' });
      return { ok: true, database: 'ok' };
    } catch {
      return { ok: false, database: 'unavailable' };
    }
  }

  /** Prometheus text format: this process's counters plus the shared gauges read now. */
  async metricsText(): Promise<string> {
    try {
      const since = new Date(this.clock().getTime() - this.limits.teamFlagWindowHours * HOUR_MS);
      const [row] = await this.database.query<{ flagged: number; keys: number }>(
        `SELECT (SELECT count(*)::int FROM teams WHERE flagged_at > $1::timestamptz) AS flagged,
                (SELECT count(*)::int FROM signing_keys WHERE withdrawn_at IS NULL) AS keys`,
        [since],
      );
      this.metrics.teamsFlagged.set({}, row?.flagged ?? 0);
      this.metrics.signingKeys.set({}, row?.keys ?? 0);
      this.metrics.databaseUp.set({}, 1);
    } catch {
      this.metrics.databaseUp.set({}, 0);
    }
    return this.metrics.render();
  }

  /** Deletes sessions and counters no request can need any more (expired over a day ago). */
  async housekeeping(): Promise<void> {
    const cutoff = new Date(this.clock().getTime() - DAY_MS);
    for (const statement of HOUSEKEEPING_SQL) await this.database.query(statement, [cutoff]);
  }

  startTimers(): void {
    if (this.jwksRefreshMs > 0) {
      const timer = setInterval(() => {
        this.refreshJwks().catch((error: unknown) =>
          this.logger.warn(
            { err: { message: errorText(error) } },
            'JWKS refresh failed; serving the previous key set',
          ),
        );
      }, this.jwksRefreshMs);
      timer.unref();
      this.timers.push(timer);
    }
    if (this.housekeepingMs > 0) {
      const timer = setInterval(() => {
        this.housekeeping().catch((error: unknown) =>
          this.logger.warn({ err: { message: errorText(error) } }, 'housekeeping failed'),
        );
      }, this.housekeepingMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.ownsDatabase) await this.database.close();
  }

  // ---------------------------------------------------------------- guard

  private guardRequest(
    caller: Caller,
    now: Date,
    op: string,
    perAddress: boolean,
    event?: GuardEvent,
  ): GuardRequest {
    const byKey = caller.apiKey !== undefined;
    if (!byKey && caller.teamId === undefined) {
      throw new IssuerServiceError('AUTH_REQUIRED', 401, 'An API key is required.');
    }
    const ip = caller.ip ?? null;
    return {
      key_hash: byKey ? admin.hashApiKey(caller.apiKey ?? '') : null,
      team: byKey ? null : (caller.teamId ?? null),
      op,
      now: now.toISOString(),
      minute_start: windowStart(now, MINUTE_MS).toISOString(),
      hour_start: windowStart(now, HOUR_MS).toISOString(),
      ip_subject: perAddress && ip !== null && this.limits.ipCertificatesPerHour > 0 ? ipSubject(ip) : null,
      client_ip: ip,
      ev_type: event?.type ?? null,
      ev_detail: event?.detail ?? null,
      ev_cert: event?.certId ?? null,
    };
  }

  /** Authentication + limits as one statement, for operations whose action is a separate one. */
  private async guard(
    caller: Caller,
    now: Date,
    op: string,
    perAddress: boolean,
    event?: GuardEvent,
  ): Promise<Authorized> {
    const row = await this.guards.submit(this.guardRequest(caller, now, op, perAddress, event));
    return this.authorize(row, caller, now);
  }

  /**
   * A batcher for one of the batched statements: $1 is the requests as a JSON array (each with
   * its index `n`), then `scalars`; the statement returns one row per request, ordered by `n`.
   */
  private batcher<T extends object, R extends { n: number }>(
    sql: string,
    name: string,
    scalars: readonly unknown[],
    durable: boolean,
  ): StatementBatcher<T, R> {
    return new StatementBatcher<T, R>(
      async (items) => {
        const json = JSON.stringify(items.map((item, n) => ({ ...item, n })));
        const rows = await this.database.query<R>(sql, [json, ...scalars], { name, durable });
        if (rows.some((row, i) => row.n !== i)) throw new Error(`${name} returned rows out of order`);
        return rows;
      },
      {
        maxConcurrent: BATCH_CONCURRENCY,
        maxBatch: MAX_BATCH,
        // a failed statement changed nothing, so its requests can be retried alone; not when
        // the database is unreachable, which would only fail each of them again
        retrySingly: (error) => !(error instanceof IssuerServiceError),
        onBatch: (size) => this.metrics.statementBatchSize.observe({ statement: name }, size),
      },
    );
  }

  private authorize(row: GuardRow, caller: Caller, now: Date): Authorized {
    if (row.team_id === null) {
      this.metrics.authFailures.inc();
      if (caller.apiKey === undefined) {
        throw new IssuerServiceError(
          'TEAM_NOT_FOUND',
          401,
          'The team this issuer was asked to act for does not exist.',
        );
      }
      if (caller.apiKey === '') {
        throw new IssuerServiceError(
          'AUTH_REQUIRED',
          401,
          'This endpoint needs an API key: send "Authorization: Bearer <key>" (create one with `passgeni api-key create --team NAME`).',
        );
      }
      throw new IssuerServiceError('API_KEY_INVALID', 401, 'The API key is not valid (unknown or revoked).');
    }
    const { allowed: allowedByCounters, state } = evaluateLimits(
      this.limits,
      {
        keyHits: row.key_hits,
        keyWindowStart: row.key_window_start,
        keyTokens: row.key_tokens,
        keyBurstOk: row.key_burst_ok,
        ipHits: row.ip_hits,
        ipWindowStart: row.ip_window_start,
      },
      now,
    );
    if (state) caller.onRateLimit?.(state);
    if (!row.allowed || !allowedByCounters) {
      const scope = state?.scope ?? 'key-minute';
      this.metrics.rateLimited.inc({ limit: scope });
      const retryAfter = state?.retryAfter ?? 1;
      throw new IssuerServiceError(
        'RATE_LIMITED',
        429,
        rateLimitMessage(scope, state?.limit ?? 0, retryAfter),
        {
          retryAfter,
          details: { limit: scope, retry_after: retryAfter },
        },
      );
    }
    return { teamId: row.team_id, keyId: row.key_id };
  }

  private async event(
    type: string,
    who: Authorized,
    caller: Caller,
    now: Date,
    detail: Record<string, unknown>,
    certId: string | null = null,
  ): Promise<void> {
    await this.database.query(
      INSERT_EVENT_SQL,
      [type, who.teamId, who.keyId, caller.ip ?? null, certId, now, JSON.stringify(detail)],
      { name: 'passgeni_event', durable: false },
    );
  }
}

function sessionRefusal(row: ConsumeRow, now: Date): IssuerServiceError {
  if (!row.p_found) {
    return new IssuerServiceError(
      'SESSION_NOT_FOUND',
      404,
      'There is no such generation session for this team. Create one with POST /api/v1/sessions and use it within 60 seconds.',
    );
  }
  if (row.p_used_at !== null) {
    return new IssuerServiceError(
      'SESSION_USED',
      409,
      'This generation session has already been used; each session yields one certificate. Create a new session.',
      row.p_cert_id !== null ? { details: { cert_id: row.p_cert_id } } : {},
    );
  }
  if (row.p_expires_at !== null && row.p_expires_at.getTime() <= now.getTime()) {
    return new IssuerServiceError(
      'SESSION_EXPIRED',
      410,
      'This generation session has expired (sessions live 60 seconds). Create a new session and ask for the certificate right away.',
      { details: { expired_at: row.p_expires_at.toISOString() } },
    );
  }
  // unused and live in this statement's snapshot, yet not updated: a concurrent request took it
  return new IssuerServiceError(
    'SESSION_USED',
    409,
    'This generation session has already been used; each session yields one certificate. Create a new session.',
  );
}

function certificateNotFound(): IssuerServiceError {
  return new IssuerServiceError(
    'CERTIFICATE_NOT_FOUND',
    404,
    'There is no certificate with this id on this issuer.',
  );
}

function statusAt(row: { expires_at: Date; revoked_at: Date | null }, now: Date): CertificateStatus {
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now.getTime() ? 'expired' : 'valid';
}

function reasonLabel(reason: string): string {
  return (REVOCATION_REASONS as readonly string[]).includes(reason) ? reason : 'other';
}

function rateLimitMessage(scope: string, limit: number, retryAfter: number): string {
  const what =
    scope === 'ip-hour'
      ? `more than ${limit} certificate requests from this address in one hour`
      : scope === 'key-minute'
        ? `more than ${limit} requests with this API key in one minute`
        : `requests with this API key faster than the burst limit (${limit} at once, then a steady rate)`;
  return `Rate limit: ${what}. Retry after ${retryAfter} s.`;
}

/** Claims are written in the documented member order, whatever order the database returned. */
function canonicalParams(p: GenerationParams): GenerationParams {
  return {
    length: p.length,
    has_upper: p.has_upper,
    has_lower: p.has_lower,
    has_numbers: p.has_numbers,
    has_special: p.has_special,
    char_pool_size: p.char_pool_size,
    excluded_characters: p.excluded_characters,
    class_sizes: {
      upper: p.class_sizes.upper,
      lower: p.class_sizes.lower,
      digit: p.class_sizes.digit,
      special: p.class_sizes.special,
    },
  };
}

function canonicalSource(s: EntropySource): EntropySource {
  return { api: s.api, runtime: s.runtime, openssl: s.openssl, fips_mode: s.fips_mode };
}

function encodeCursor(issuedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([issuedAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { issuedAt: Date; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value as unknown[];
      const parsedId = certificateIdSchema.safeParse(id);
      if (typeof at === 'string' && Number.isFinite(Date.parse(at)) && parsedId.success) {
        return { issuedAt: new Date(at), id: parsedId.data };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new IssuerServiceError(
    'INVALID_CURSOR',
    400,
    'The cursor is not one this issuer returned; start again without it.',
  );
}

function errorText(error: unknown): string {
  return error instanceof PassgeniError || error instanceof Error ? error.message : String(error);
}
