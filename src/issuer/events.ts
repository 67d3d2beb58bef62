import type { IssuerContext } from './context.js';
import { IssuerServiceError, invalidRequest } from './errors.js';
import { guard, parseGuarded } from './guard.js';
import { registryScope } from './registry-scope.js';
import { eventsQuerySchema, parseWith } from './schemas.js';
import type { Caller } from './types.js';

/**
 * The audit trail (GET /api/v1/events): `usage_events`, newest first, in the order the issuer
 * recorded them. Paged on the row id, which only grows, so a page never repeats or skips a row
 * while new events arrive. Two statements, one per scope: a prepared statement's generic plan
 * cannot use an index through `$1 IS NULL OR team_id = $1`, and a team's page must read its own
 * rows (usage_events_team_id), not walk every team's. $1 team id (all teams: unused), $2 types as
 * a JSON array (null: all), $3 since, $4 until, $5 cursor id, $6 limit.
 */
function listEventsSql(scope: 'team' | 'all'): string {
  return `SELECT e.id::text AS id, e.type, e.at, e.team_id, t.name AS team_name, e.api_key_id, e.ip,
  e.cert_id, e.count, e.detail
FROM usage_events e LEFT JOIN teams t ON t.id = e.team_id
WHERE ${scope === 'team' ? 'e.team_id = $1::text' : '$1::text IS NULL'}
  AND e.id < COALESCE($5::bigint, 9223372036854775807)
  AND ($2::jsonb IS NULL OR e.type IN (SELECT jsonb_array_elements_text($2::jsonb)))
  AND ($3::timestamptz IS NULL OR e.at >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR e.at < $4::timestamptz)
ORDER BY e.id DESC
LIMIT $6::int`;
}

const LIST_TEAM_EVENTS = { name: 'passgeni_event_list', sql: listEventsSql('team') };
const LIST_ALL_EVENTS = { name: 'passgeni_event_list_all', sql: listEventsSql('all') };

interface EventRow {
  id: string;
  type: string;
  at: Date;
  team_id: string | null;
  team_name: string | null;
  api_key_id: string | null;
  ip: string | null;
  cert_id: string | null;
  count: number;
  detail: Record<string, unknown> | string;
}

/** One entry of the audit trail, as the API returns it (docs/protocol.md). */
export interface AuditTrailEvent {
  id: string;
  type: string;
  /** When it happened; for an aggregated row, the first of its `count` events in that minute. */
  at: string;
  team: string | null;
  team_id: string | null;
  api_key_id: string | null;
  /** The client address the request came from (null in-process). */
  ip: string | null;
  cert_id: string | null;
  /** How many events this row stands for (more than 1 only for aggregated refusals and look-ups). */
  count: number;
  detail: Record<string, unknown>;
}

export interface EventList {
  events: AuditTrailEvent[];
  next_cursor: string | null;
}

const DEFAULT_PAGE = 50;

export async function listEvents(
  ctx: IssuerContext,
  caller: Caller,
  query: Record<string, unknown> = {},
): Promise<EventList> {
  const now = ctx.clock();
  const op = 'events.list';
  const stringQuery = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
  );
  const parsed = await parseGuarded(ctx, caller, now, { op, rejected: 'api.rejected' }, () => {
    const q = parseWith(eventsQuerySchema, stringQuery, 'query');
    if (q.since && q.until && q.since >= q.until) {
      throw invalidRequest('The query is not valid (since: must be before until). See "issues".', [
        { path: 'since', message: 'must be before until' },
      ]);
    }
    return { ...q, cursor: q.cursor !== undefined ? decodeEventCursor(q.cursor) : undefined };
  });
  const who = await guard(ctx, caller, now, {
    op,
    event: { type: 'events.listed', detail: parsed.team !== undefined ? { team: parsed.team } : {} },
  });
  const scope = await registryScope(ctx, who, parsed.team);
  const limit = parsed.limit ?? DEFAULT_PAGE;
  const statement = scope.teamId === null ? LIST_ALL_EVENTS : LIST_TEAM_EVENTS;
  const rows = await ctx.db.query<EventRow>(
    statement.sql,
    [
      scope.teamId,
      parsed.type ? JSON.stringify(parsed.type) : null,
      parsed.since ?? null,
      parsed.until ?? null,
      parsed.cursor ?? null,
      limit + 1,
    ],
    { name: statement.name },
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map((r) => ({
      id: r.id,
      type: r.type,
      at: r.at.toISOString(),
      team: r.team_name,
      team_id: r.team_id,
      api_key_id: r.api_key_id,
      ip: r.ip,
      cert_id: r.cert_id,
      count: Number(r.count),
      detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
    })),
    next_cursor: rows.length > limit && last ? encodeEventCursor(last.id) : null,
  };
}

// opaque to clients (they pass it back as is), so its form can change without a protocol change
function encodeEventCursor(id: string): string {
  return Buffer.from(JSON.stringify(['e', id])).toString('base64url');
}

function decodeEventCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value[0] === 'e') {
      const id: unknown = value[1];
      // a bigint: at most 19 digits, below 2^63
      if (typeof id === 'string' && /^[1-9]\d{0,18}$/.test(id) && BigInt(id) < 2n ** 63n) return id;
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
