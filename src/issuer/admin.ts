import { hash, randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { IssuerServiceError } from './errors.js';
import type { Queryable } from './db/types.js';

/**
 * Teams and API keys: what `passgeni api-key` manages directly on the database, and what the
 * issuer authenticates requests with.
 */

/** Recognisable by secret scanners and by people: `passgeni_` followed by 43 base64url characters. */
export const API_KEY_PREFIX = 'passgeni_';
export const TEAM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY_ID_RE = /^key_[0-9a-f]{16}$/;

export interface Team {
  id: string;
  name: string;
  created_at: string;
  flagged_at: string | null;
}

export interface ApiKeyInfo {
  id: string;
  team_id: string;
  team_name: string;
  /** The first characters of the key, to tell keys apart; never enough to use it. */
  hint: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
  /** Start of the last minute the key was used in (from the rate counters), if known. */
  last_used_at: string | null;
  /** The key's own requests per minute; null = the issuer's default (`serve --key-minute-limit`). */
  per_minute: number | null;
  /** The key's own burst size; null = the issuer's default (`serve --key-burst`). */
  burst: number | null;
  /** Reads every team's certificates and audit events (docs/operations.md, "Admin keys"). */
  admin: boolean;
}

/** Bounds of a key's own limits: a key that may not make one request is a revoked key. */
export const KEY_LIMIT_BOUNDS = { perMinute: 100_000, burst: 10_000 } as const;

export interface CreatedApiKey extends ApiKeyInfo {
  /** The key itself: shown once, stored nowhere (only its SHA-256). */
  key: string;
}

/**
 * SHA-256, not a password hash, is the right tool here: an API key is 256 bits from the CSPRNG, so
 * there is no dictionary to try and 2^256 guesses to make. Slow hashes (scrypt, argon2) exist to
 * stretch low-entropy human passwords; on a random key they would add milliseconds of CPU to every
 * request and no security. A stolen table of hashes cannot be turned back into keys either way.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

export function validateTeamName(name: string): string {
  if (typeof name !== 'string' || !TEAM_NAME_RE.test(name)) {
    throw new InputError(
      'INVALID_TEAM_NAME',
      'A team name is 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit.',
    );
  }
  return name;
}

interface TeamRow {
  id: string;
  name: string;
  created_at: Date;
  flagged_at: Date | null;
}

function toTeam(row: TeamRow): Team {
  return { ...row, created_at: row.created_at.toISOString(), flagged_at: iso(row.flagged_at) };
}

/**
 * The team with this name, created if it does not exist. The id is random and opaque: it is what
 * certificates carry as `sub`, so the name (which may identify a person or customer) never
 * appears in a public certificate.
 */
export async function ensureTeam(db: Queryable, name: string, now: Date): Promise<Team> {
  validateTeamName(name);
  const id = `team_${randomBytes(8).toString('hex')}`;
  await db.query(
    'INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [id, name, now],
  );
  const team = await findTeam(db, name);
  if (!team) throw new Error('team row missing after insert');
  return team;
}

export async function findTeam(db: Queryable, name: string): Promise<Team | undefined> {
  const rows = await db.query<TeamRow>('SELECT id, name, created_at, flagged_at FROM teams WHERE name = $1', [
    name,
  ]);
  return rows[0] ? toTeam(rows[0]) : undefined;
}

interface KeyRow {
  id: string;
  team_id: string;
  team_name: string;
  hint: string;
  name: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  per_minute: number | null;
  burst: number | null;
  admin: boolean;
}

const KEY_COLUMNS = `k.id, k.team_id, t.name AS team_name, k.hint, k.name, k.created_at, k.revoked_at,
  k.per_minute, k.burst, k.admin,
  (SELECT l.window_start FROM key_limits l WHERE l.key_id = k.id) AS last_used_at`;

function toKeyInfo(row: KeyRow): ApiKeyInfo {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}

export interface KeyLimits {
  /** Requests per minute (and, spread evenly, the bucket's refill rate). */
  perMinute?: number;
  /** Requests at once before the steady rate applies. */
  burst?: number;
}

function validateKeyLimits(limits: KeyLimits): void {
  const check = (value: number | undefined, max: number, what: string, flag: string) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw new InputError(
        'INVALID_KEY_LIMITS',
        `A key's ${what} is a whole number from 1 to ${max} (${flag}); leave it out for the issuer's default.`,
      );
    }
  };
  check(limits.perMinute, KEY_LIMIT_BOUNDS.perMinute, 'requests per minute', '--per-minute');
  check(limits.burst, KEY_LIMIT_BOUNDS.burst, 'burst', '--burst');
}

export async function createApiKey(
  db: Queryable,
  request: { team: string; name?: string; admin?: boolean; now: Date; ip?: string | null } & KeyLimits,
): Promise<CreatedApiKey> {
  if (request.name !== undefined && (request.name.length > 128 || /[\p{C}]/u.test(request.name))) {
    throw new InputError('INVALID_KEY_NAME', 'A key name is at most 128 printable characters.');
  }
  validateKeyLimits(request);
  const team = await ensureTeam(db, request.team, request.now);
  const key = newApiKey();
  const id = `key_${randomBytes(8).toString('hex')}`;
  const hint = `${key.slice(0, API_KEY_PREFIX.length + 4)}…`;
  const perMinute = request.perMinute ?? null;
  const burst = request.burst ?? null;
  const admin = request.admin === true;
  await db.query(
    `WITH k AS (
       INSERT INTO api_keys (id, team_id, token_hash, hint, name, created_at, per_minute, burst, admin)
       VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $10)
       RETURNING id, team_id
     )
     INSERT INTO usage_events (type, team_id, api_key_id, ip, at, detail)
     SELECT 'api_key.created', team_id, id, $7, $6,
       jsonb_strip_nulls(jsonb_build_object('per_minute', $8::int, 'burst', $9::int, 'admin', $10::boolean)) FROM k`,
    [
      id,
      team.id,
      hashApiKey(key),
      hint,
      request.name ?? null,
      request.now,
      request.ip ?? null,
      perMinute,
      burst,
      admin,
    ],
  );
  return {
    id,
    key,
    team_id: team.id,
    team_name: team.name,
    hint,
    name: request.name ?? null,
    created_at: request.now.toISOString(),
    revoked_at: null,
    last_used_at: null,
    per_minute: perMinute,
    burst,
    admin,
  };
}

export async function listApiKeys(db: Queryable, filter: { team?: string } = {}): Promise<ApiKeyInfo[]> {
  const rows = await db.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys k JOIN teams t ON t.id = k.team_id
     WHERE $1::text IS NULL OR t.name = $1::text
     ORDER BY t.name, k.created_at, k.id`,
    [filter.team ?? null],
  );
  return rows.map(toKeyInfo);
}

/** Revokes a key by id; the next request made with it is refused, on every replica. */
export async function revokeApiKey(db: Queryable, id: string, now: Date): Promise<ApiKeyInfo> {
  if (!KEY_ID_RE.test(id)) {
    throw new InputError(
      'INVALID_KEY_ID',
      `"${id.slice(0, 40)}" is not an API key id (key_ and 16 hex digits; see \`passgeni api-key list\`).`,
    );
  }
  const rows = await db.query<KeyRow>(
    `WITH u AS (
       UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id, team_id
     ), e AS (
       INSERT INTO usage_events (type, team_id, api_key_id, at, detail)
       SELECT 'api_key.revoked', team_id, id, $2, '{}'::jsonb FROM u
     )
     SELECT ${KEY_COLUMNS}
     FROM api_keys k JOIN teams t ON t.id = k.team_id WHERE k.id = $1`,
    [id, now],
  );
  const row = rows[0];
  if (!row) throw new IssuerServiceError('API_KEY_NOT_FOUND', 404, `There is no API key ${id}.`);
  // the SELECT saw the snapshot before the UPDATE; report the time it was revoked at
  return toKeyInfo({ ...row, revoked_at: row.revoked_at ?? now });
}
