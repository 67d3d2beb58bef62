import { randomUUID } from 'node:crypto';
import { entropySourceSchema, generationParamsSchema } from '../certificate/index.js';
import type { EntropySource } from '../certificate/index.js';
import {
  DEFAULT_CREDENTIAL_KIND,
  PolicyViolationError,
  evaluateStandard,
  getStandard,
  rotationPlan,
  paramsEntropyBits,
  parseGenerationParams,
  resolveStandard,
  sourceMeets,
  standardsMet,
} from '../policy/index.js';
import type { CredentialKind, GenerationParams, RotationPlan, StandardId } from '../policy/index.js';
import { recordEvent } from './audit.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { guardedSql, parseGuarded, runGuarded } from './guard.js';
import type { Authorized } from './guard.js';
import { parseWith, sessionBodySchema } from './schemas.js';
import type { Caller, SessionResponse } from './types.js';

/**
 * Generation sessions: the issuer's validation of a credential's parameters, before the
 * credential exists. A session lives 60 s (by default) and yields one certificate.
 */

const CREATE_SESSION = {
  name: 'passgeni_session_create',
  sql: guardedSql({
    fields: `, id uuid, standard text, params jsonb, entropy_bits float8, standards_met jsonb,
      entropy_source jsonb, credential_kind text, rotate_every_days integer, expires_at timestamptz`,
    ctes: `, s AS (
    INSERT INTO sessions (id, team_id, api_key_id, standard, params, entropy_bits, standards_met,
      entropy_source, credential_kind, rotate_every_days, ip, created_at, expires_at)
    SELECT r.id, ok.team_id, ok.key_id, r.standard, r.params, r.entropy_bits, r.standards_met,
      r.entropy_source, r.credential_kind, r.rotate_every_days, r.client_ip, r.now, r.expires_at
    FROM ok, r
    RETURNING id
  )`,
    columns: ', EXISTS (SELECT 1 FROM s) AS created',
    joins: '',
  }),
};

/**
 * Single use is the UPDATE's `used_at IS NULL` condition: of two concurrent requests for one
 * session, the second waits for the first's row lock, re-checks the condition and updates nothing.
 */
const CONSUME_SESSION = {
  name: 'passgeni_session_consume',
  sql: guardedSql({
    fields: ', session_id uuid',
    ctes: `, u AS (
    UPDATE sessions AS s SET used_at = r.now
    FROM ok, r
    WHERE s.id = r.session_id AND s.team_id = ok.team_id AND s.used_at IS NULL AND s.expires_at > r.now
    RETURNING s.standard, s.params, s.entropy_bits, s.standards_met, s.entropy_source,
      s.credential_kind, s.rotate_every_days
  )`,
    columns: `, u.standard, u.params, u.entropy_bits, u.standards_met, u.entropy_source,
      u.credential_kind, u.rotate_every_days`,
    joins: ' LEFT JOIN u ON true',
  }),
};

/** What a consumed session says about the credential, as the issuer validated it. */
export interface ValidatedSession {
  standard: StandardId;
  params: GenerationParams;
  entropyBits: number;
  standardsMet: StandardId[];
  entropySource: EntropySource;
  kind: CredentialKind;
  /** The period the certificate records, and on whose word (rotation.ts). */
  rotation: RotationPlan;
}

/**
 * POST /api/v1/sessions. Validates the parameters against the standard on the server: entropy
 * and standards_met are recomputed here from the class sizes, whatever the client believes.
 */
export async function createSession(
  ctx: IssuerContext,
  caller: Caller,
  body: unknown,
): Promise<SessionResponse> {
  const now = ctx.clock();
  const op = 'sessions.create';
  const session = await parseGuarded(
    ctx,
    caller,
    now,
    { op, rejected: 'session.rejected', metric: ctx.metrics.sessionsRejected },
    () => validateSessionRequest(body),
  );
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.sessionTtlMs);
  const { row } = await runGuarded<{ created: boolean }>(
    ctx,
    CREATE_SESSION,
    caller,
    now,
    { op, event: { type: 'session.created', detail: { session_id: id, standard: session.standard } } },
    {
      id,
      standard: session.standard,
      params: session.params,
      entropy_bits: session.entropyBits,
      standards_met: session.standardsMet,
      entropy_source: session.entropySource,
      credential_kind: session.kind,
      rotate_every_days: session.rotation.basis === 'risk-analysis' ? session.rotation.days : null,
      expires_at: expiresAt,
    },
  );
  if (!row.created) throw new Error('session was not stored');
  ctx.metrics.sessionsCreated.inc({ standard: session.standard });
  return {
    generation_session_id: id,
    expires_at: expiresAt.toISOString(),
    entropy_bits: session.entropyBits,
    standards_met: session.standardsMet,
  };
}

function validateSessionRequest(body: unknown): ValidatedSession {
  const parsed = parseWith(sessionBodySchema, body, 'session request');
  const rule = resolveStandard(parsed.standard);
  const params = parseGenerationParams(parsed.generation_params);
  if (!rule.certifiable) {
    throw new IssuerServiceError(
      'STANDARD_NOT_CERTIFIABLE',
      400,
      `${rule.id} is in the standards table for reference but certificates are issued only for the certifiable standards; ask for one of those (see \`passgeni standards\`).`,
      { details: { standard: rule.id } },
    );
  }
  const source = parsed.entropy_source;
  checkFipsAssertion(source);
  if (!sourceMeets(rule, source)) {
    throw new IssuerServiceError(
      'FIPS_MODE_REQUIRED',
      400,
      `${rule.id} is a claim about the random source: it is certified only for a client that reports OpenSSL in FIPS mode (entropy_source.fips_mode true) and names its FIPS provider (entropy_source.fips_provider). Generate in a Node.js runtime with the OpenSSL FIPS provider enabled, or ask for the standard that governs the credential.`,
      { details: { standard: rule.id, fips_mode: source.fips_mode } },
    );
  }
  // the kind decides the clauses, and so the period the certificate's rotate_by keeps
  const kind = parsed.credential_kind ?? DEFAULT_CREDENTIAL_KIND;
  const rotation = rotationPlan(rule, kind, parsed.rotate_every_days);
  const met = standardsMet(params, kind, rotation.days, source);
  if (!met.includes(rule.id)) throw new PolicyViolationError(rule, evaluateStandard(params, rule, kind));
  return {
    standard: rule.id,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: met,
    entropySource: source,
    kind,
    rotation,
  };
}

/**
 * fips_mode and the provider are the client's word (the issuer cannot see its process), but a
 * FIPS claim that names no provider, or a provider without FIPS mode, is not even a coherent one.
 */
function checkFipsAssertion(source: EntropySource): void {
  if (source.fips_mode && source.fips_provider === undefined) {
    throw new IssuerServiceError(
      'FIPS_PROVIDER_REQUIRED',
      400,
      'entropy_source.fips_mode is true but entropy_source.fips_provider is missing: a client in FIPS mode must name the FIPS provider it used ({name, version, source}, as the provider reports itself). Send the provider details, or fips_mode false.',
      { details: { path: 'entropy_source.fips_provider' } },
    );
  }
  if (!source.fips_mode && source.fips_provider !== undefined) {
    throw new IssuerServiceError(
      'FIPS_PROVIDER_WITHOUT_FIPS_MODE',
      400,
      'entropy_source.fips_provider is present but entropy_source.fips_mode is false: a FIPS provider answers for the random bytes only in FIPS mode. Drop fips_provider, or generate in FIPS mode.',
      { details: { path: 'entropy_source.fips_provider' } },
    );
  }
}

/**
 * The first half of POST /api/v1/certificates: passes the guard and uses up the session. The
 * session must belong to the caller's team; another team's session is reported exactly like an
 * unknown one. A refusal is written to the audit trail.
 */
export async function consumeSession(
  ctx: IssuerContext,
  caller: Caller,
  now: Date,
  sessionId: string,
): Promise<{ who: Authorized; session: ValidatedSession }> {
  const op = 'certificates.issue';
  const { who, row } = await runGuarded<SessionRow | { [K in keyof SessionRow]: null }>(
    ctx,
    CONSUME_SESSION,
    caller,
    now,
    { op },
    { session_id: sessionId },
  );
  if (row.standard === null) {
    const error = await sessionRefusal(ctx, who, sessionId, now);
    await recordEvent(ctx, {
      type: 'certificate.rejected',
      teamId: who.teamId,
      keyId: who.keyId,
      ip: caller.ip ?? null,
      at: now,
      detail: { op, code: error.code, session_id: sessionId },
    });
    ctx.metrics.certificatesRejected.inc({ code: error.code });
    throw error;
  }
  return {
    who,
    session: {
      standard: row.standard,
      // the claims' own schemas put members back in the documented order, whatever order the
      // database returned them in
      params: generationParamsSchema.parse(row.params),
      entropyBits: row.entropy_bits,
      standardsMet: row.standards_met,
      entropySource: entropySourceSchema.parse(row.entropy_source),
      kind: row.credential_kind ?? DEFAULT_CREDENTIAL_KIND,
      rotation: rotationPlan(
        getStandard(row.standard),
        row.credential_kind ?? DEFAULT_CREDENTIAL_KIND,
        row.rotate_every_days ?? undefined,
      ),
    },
  };
}

interface SessionRow {
  standard: StandardId;
  params: GenerationParams;
  entropy_bits: number;
  standards_met: StandardId[];
  entropy_source: EntropySource;
  credential_kind: CredentialKind | null;
  rotate_every_days: number | null;
}

/** Why a session could not be used, read after the fact (only refusals pay for this look-up). */
async function sessionRefusal(
  ctx: IssuerContext,
  who: Authorized,
  sessionId: string,
  now: Date,
): Promise<IssuerServiceError> {
  const [row] = await ctx.db.query<{ used_at: Date | null; expires_at: Date; cert_id: string | null }>(
    `SELECT s.used_at, s.expires_at, (SELECT c.id FROM certificates AS c WHERE c.session_id = s.id) AS cert_id
     FROM sessions AS s WHERE s.id = $1::uuid AND s.team_id = $2::text`,
    [sessionId, who.teamId],
  );
  if (!row) {
    return new IssuerServiceError(
      'SESSION_NOT_FOUND',
      404,
      'There is no such generation session for this team. Create one with POST /api/v1/sessions and use it within 60 seconds.',
    );
  }
  if (row.used_at === null && row.expires_at.getTime() <= now.getTime()) {
    return new IssuerServiceError(
      'SESSION_EXPIRED',
      410,
      'This generation session has expired (sessions live 60 seconds). Create a new session and ask for the certificate right away.',
      { details: { expired_at: row.expires_at.toISOString() } },
    );
  }
  return new IssuerServiceError(
    'SESSION_USED',
    409,
    'This generation session has already been used; each session yields one certificate. Create a new session.',
    row.cert_id !== null ? { details: { cert_id: row.cert_id } } : {},
  );
}
