import { InputError } from '../errors.js';
import type { Jwks } from '../certificate/index.js';
import { VERSION } from '../version.js';
import * as admin from './admin.js';
import type { CreatedApiKey, Team } from './admin.js';
import { activateCertificate, revokeExpiredPending } from './activation.js';
import { listCertificates } from './certificate-list.js';
import { listEvents } from './events.js';
import type { EventList } from './events.js';
import { getCertificate, issueCertificate } from './certificates.js';
import type { IssuerContext } from './context.js';
import { openDatabase } from './db/open.js';
import { guard } from './guard.js';
import type { Database } from './db/types.js';
import { PublishedJwks } from './jwks.js';
import { resolveLimits } from './limits.js';
import { every, health, housekeeping, metricsText } from './maintenance.js';
import { IssuerMetrics } from './metrics.js';
import { derivedIssuerId } from './identity.js';
import { resolveSettings } from './options.js';
import { OidcVerifier } from './oidc/verifier.js';
import type { IssuerOptions } from './options.js';
import { revokeCertificate } from './revocation.js';
import { createSession } from './sessions.js';
import { registerSigningKey, resolveSigningKey } from './signing-keys.js';
import type { ResolvedSigningKey } from './signing-keys.js';
import { parseWitnessKey } from '../certificate/transparency/cosignature.js';
import { resolveLogKey } from './log/key.js';
import { SEQUENCE_INTERVAL_MS, TransparencyLog } from './log/log.js';
import type {
  Caller,
  CertificateList,
  CertificateStatusResponse,
  IssuedCertificate,
  IssuerLogger,
  ListQuery,
  SessionResponse,
  ViewChannel,
} from './types.js';

export type { IssuerOptions } from './options.js';

const noopLogger: IssuerLogger = { info() {}, warn() {}, error() {} };

/**
 * Opens the certificate authority: storage (migrated), signing key (published in the shared
 * JWKS), limits and metrics. The HTTP server and the CLI's in-process local issuer both drive the
 * returned object; it never sees a credential, only parameters, a binding and a label.
 */
export async function openIssuer(options: IssuerOptions): Promise<Issuer> {
  const logger = options.logger ?? noopLogger;
  const limits = resolveLimits(options.limits);
  const { oidc: oidcConfig, ...settings } = resolveSettings(options);
  // checked before any key is generated or the database migrated: bad input changes nothing
  const tsaUrl = options.tsaUrl === undefined ? undefined : tsaUrlOf(options.tsaUrl);
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
  let ownsDatabase = false;
  if (options.database) {
    db = options.database;
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
    const clock = options.clock ?? (() => new Date());
    await registerSigningKey(db, signing.key, clock());
    // a policy's team exists from the start, so a token mapped to it never meets a missing team
    for (const policy of oidcConfig?.policies ?? []) await admin.ensureTeam(db, policy.team, clock());
    const issuerId = settings.issuerId ?? (await derivedIssuerId(db));
    const ctx: IssuerContext = {
      ...settings,
      issuerId,
      db,
      clock,
      logger,
      limits: Object.freeze(limits),
      metrics: new IssuerMetrics(),
      signingKey: signing.key,
      ...(oidcConfig !== undefined && {
        oidc: new OidcVerifier({ ...oidcConfig, audience: oidcConfig.audience ?? issuerId }, logger),
      }),
    };
    const keys = new PublishedJwks(db, signing.key, clock);
    await keys.refresh();
    const logKey = await resolveLogKey(
      {
        ...(options.logKey !== undefined && { logKey: options.logKey }),
        ...(options.logKeyFile !== undefined && { logKeyFile: options.logKeyFile }),
        ...(options.env !== undefined && { env: options.env }),
        ...(dataDir !== undefined && !usesPostgres && { dataDir }),
        ...(options.onNotice !== undefined && { onNotice: options.onNotice }),
      },
      db,
    );
    const log = new TransparencyLog(
      db,
      issuerId,
      logKey.key,
      clock,
      settings.publicUrl,
      (options.logWitnesses ?? []).map((w) => ({ url: w.url, key: parseWitnessKey(w.verifierKey) })),
      (message) => logger.warn({}, message),
      tsaUrl,
    );
    await log.init();
    // the in-process local issuer runs no timers: each run sweeps what earlier runs left pending
    await revokeExpiredPending(ctx);
    // re-reads the JWKS (keys added by other replicas) and runs housekeeping, each on its own timer
    const timers = [
      every(
        options.logSequenceMs ?? SEQUENCE_INTERVAL_MS,
        () => log.append(),
        logger,
        'appending queued entries to the transparency log failed; retrying',
      ),
      every(
        (options.jwksRefreshSeconds ?? 30) * 1000,
        () => keys.refresh(),
        logger,
        'JWKS refresh failed; serving the previous key set',
      ),
      // a pending certificate is not valid, so a late sweep is harmless, but its revocation should
      // show within a minute of the deadline
      every(
        Math.min(60, options.housekeepingSeconds ?? 600) * 1000,
        () => revokeExpiredPending(ctx),
        logger,
        'revoking pending certificates past their deadline failed',
      ),
      every(
        (options.housekeepingSeconds ?? 600) * 1000,
        () => housekeeping(ctx),
        logger,
        'housekeeping failed',
      ),
    ];
    return new Issuer(ctx, keys, log, signing.source, async () => {
      for (const stop of timers) stop();
      // what this process issued or revoked is logged before it lets go (the CLI's local issuer
      // lives for one run); anything left stays queued for the next sequencer
      await log
        .sequence()
        .catch((error: unknown) =>
          logger.warn({ err: { message: String(error) } }, 'final log append failed'),
        );
      if (ownsDatabase) await db.close();
    });
  } catch (error) {
    if (ownsDatabase) await db.close().catch(() => undefined);
    throw error;
  }
}

/**
 * One open issuer: the single entry point its callers use. Each method hands the request to the
 * module whose job it is (sessions, certificates, the registry, revocation, keys, maintenance).
 */
export class Issuer {
  readonly publicUrl: string;
  readonly issuerId: string;
  readonly jwksUrl: string;
  readonly metrics: IssuerMetrics;
  readonly database: Database;
  /** The kid of the key this process signs with. */
  readonly kid: string;
  /** The audience OIDC tokens must carry; undefined when no OIDC provider is trusted. */
  readonly oidcAudience: string | undefined;
  /** The OIDC providers whose tokens are accepted (for the start-up summary). */
  readonly oidcProviders: readonly string[];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: IssuerContext,
    private readonly keys: PublishedJwks,
    /** The transparency log of every issuance and revocation (docs/transparency.md). */
    readonly log: TransparencyLog,
    /** Where the signing key came from (for the start-up log; never the key itself). */
    readonly keySource: ResolvedSigningKey['source'],
    private readonly release: () => Promise<void>,
  ) {
    this.publicUrl = ctx.publicUrl;
    this.issuerId = ctx.issuerId;
    this.jwksUrl = `${ctx.publicUrl}/.well-known/jwks.json`;
    this.oidcAudience = ctx.oidc?.config.audience;
    this.oidcProviders = [...(ctx.oidc?.config.trust ?? [])];
    this.metrics = ctx.metrics;
    this.database = ctx.db;
    this.kid = ctx.signingKey.kid;
    this.metrics.info.set({ version: VERSION, backend: ctx.db.kind, kid: this.kid }, 1);
  }

  /** The team with this name, created if needed (the local issuer uses a fixed one). */
  ensureTeam(name: string): Promise<Team> {
    return admin.ensureTeam(this.database, name, this.ctx.clock());
  }

  createApiKey(
    request: { team: string; name?: string; admin?: boolean } & admin.KeyLimits,
  ): Promise<CreatedApiKey> {
    return admin.createApiKey(this.database, { ...request, now: this.ctx.clock() });
  }

  // the protocol (docs/protocol.md)

  createSession(caller: Caller, body: unknown): Promise<SessionResponse> {
    return createSession(this.ctx, caller, body);
  }

  /** `replayed`: answered with the certificate an earlier request with this key obtained. */
  issueCertificate(
    caller: Caller,
    body: unknown,
    idempotencyKey?: string,
  ): Promise<IssuedCertificate & { replayed: boolean }> {
    return issueCertificate(this.ctx, caller, body, idempotencyKey);
  }

  activateCertificate(caller: Caller, id: string): Promise<CertificateStatusResponse> {
    return activateCertificate(this.ctx, caller, id);
  }

  /** Revokes the pending certificates past their deadline now (housekeeping does it on its timer). */
  revokeExpiredPending(): Promise<number> {
    return revokeExpiredPending(this.ctx);
  }

  getCertificate(
    id: string,
    view: { ip?: string | null; via?: ViewChannel } = {},
  ): Promise<CertificateStatusResponse> {
    return getCertificate(this.ctx, id, view);
  }

  listCertificates(
    caller: Caller,
    query: ListQuery | Record<string, unknown> = {},
  ): Promise<CertificateList> {
    return listCertificates(this.ctx, caller, query);
  }

  /** The audit trail: the caller's team's events, or (admin) every team's. */
  listEvents(caller: Caller, query: Record<string, unknown> = {}): Promise<EventList> {
    return listEvents(this.ctx, caller, query);
  }

  revokeCertificate(caller: Caller, id: string, body: unknown): Promise<CertificateStatusResponse> {
    return revokeCertificate(this.ctx, caller, id, body);
  }

  /**
   * A request refused before it reached an operation (bad JSON, wrong content type, no such route):
   * counted against the caller's key and audited as `api.rejected` with `code`. Throws 401/429 like
   * any guarded request.
   */
  async recordRejected(caller: Caller, op: string, code: string): Promise<void> {
    await guard(this.ctx, caller, this.ctx.clock(), {
      op,
      event: { type: 'api.rejected', detail: { code } },
    });
  }

  // keys

  /** The public keys of every signing key not withdrawn: current and retired. */
  jwks(): Jwks {
    return this.keys.jwks;
  }

  retireSigningKey(kid: string): Promise<void> {
    return this.keys.retire(kid);
  }

  withdrawSigningKey(kid: string): Promise<boolean> {
    return this.keys.withdraw(kid);
  }

  // maintenance

  health(): Promise<{ ok: boolean; database: 'ok' | 'unavailable' }> {
    return health(this.ctx);
  }

  metricsText(): Promise<string> {
    return metricsText(this.ctx);
  }

  housekeeping(): Promise<void> {
    return housekeeping(this.ctx);
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }
}

/** `--tsa-url` is checked at start-up: a typo would otherwise only show as a warning per checkpoint. */
function tsaUrlOf(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new InputError(
      'INVALID_TSA_URL',
      `--tsa-url must be the http(s) URL an RFC 3161 time-stamping authority takes requests at, without credentials; got ${JSON.stringify(value.slice(0, 200))}.`,
    );
  }
  return url.href;
}
