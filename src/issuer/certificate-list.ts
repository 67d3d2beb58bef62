import { resolveStandard } from '../policy/index.js';
import type { StandardId } from '../policy/index.js';
import { isPending, statusAt } from './certificate-status.js';
import { certUrl } from './context.js';
import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import { guard, parseGuarded } from './guard.js';
import { registryScope } from './registry-scope.js';
import { certificateIdSchema, listQuerySchema, parseWith } from './schemas.js';
import type { Caller, CertificateList, ListQuery } from './types.js';

/**
 * The registry (GET /api/v1/certificates): a team's certificates (every team's for an admin),
 * newest first, filtered and keyset-paginated on (issued_at, id). One statement per scope, so a
 * team's generic plan keeps reading certificates_team_issued (see events.ts). $1 team (all teams:
 * unused), $2 standard, $3 label, $4 label prefix, $5 status, $6 now, $7/$8 cursor, $9 limit,
 * $10 issued since.
 */
function listCertificatesSql(scope: 'team' | 'all'): string {
  return `SELECT c.id, c.standard, c.standards_met, c.entropy_bits, c.label, c.issued_at,
  c.expires_at, c.activated_at, c.activate_by, c.revoked_at, c.revocation_reason, t.name AS team_name
FROM certificates c LEFT JOIN teams t ON t.id = c.team_id
WHERE ${scope === 'team' ? 'c.team_id = $1::text' : '$1::text IS NULL'}
  AND ($10::timestamptz IS NULL OR c.issued_at >= $10::timestamptz)
  AND ($2::text IS NULL OR standard = $2::text)
  AND ($3::text IS NULL OR label = $3::text)
  AND ($4::text IS NULL OR starts_with(label, $4::text))
  AND ($5::text IS NULL
       OR ($5::text = 'revoked' AND revoked_at IS NOT NULL)
       OR ($5::text = 'expired' AND revoked_at IS NULL AND expires_at <= $6::timestamptz)
       OR ($5::text = 'valid' AND revoked_at IS NULL AND expires_at > $6::timestamptz
           AND (activated_at IS NOT NULL OR activate_by IS NULL))
       OR ($5::text = 'pending' AND revoked_at IS NULL AND expires_at > $6::timestamptz
           AND activated_at IS NULL AND activate_by IS NOT NULL))
  AND ($7::timestamptz IS NULL OR (c.issued_at, c.id) < ($7::timestamptz, $8::uuid))
ORDER BY c.issued_at DESC, c.id DESC
LIMIT $9::int`;
}

const LIST_TEAM_CERTIFICATES = { name: 'passgeni_certificate_list', sql: listCertificatesSql('team') };
const LIST_ALL_CERTIFICATES = { name: 'passgeni_certificate_list_all', sql: listCertificatesSql('all') };

interface ListedRow {
  id: string;
  standard: StandardId;
  standards_met: StandardId[];
  entropy_bits: number;
  label: string | null;
  issued_at: Date;
  expires_at: Date;
  activated_at: Date | null;
  activate_by: Date | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
  team_name: string | null;
}

const DEFAULT_PAGE = 50;

export async function listCertificates(
  ctx: IssuerContext,
  caller: Caller,
  query: ListQuery | Record<string, unknown> = {},
): Promise<CertificateList> {
  const now = ctx.clock();
  const op = 'certificates.list';
  // in-process callers may pass numbers; over HTTP every query value is a string
  const stringQuery = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
  );
  const parsed = await parseGuarded(ctx, caller, now, { op, rejected: 'api.rejected' }, () =>
    parseListQuery(stringQuery),
  );
  const who = await guard(ctx, caller, now, { op, event: { type: 'certificates.listed', detail: {} } });
  const scope = await registryScope(ctx, who, parsed.team);
  const limit = parsed.limit ?? DEFAULT_PAGE;
  const statement = scope.teamId === null ? LIST_ALL_CERTIFICATES : LIST_TEAM_CERTIFICATES;
  const rows = await ctx.db.query<ListedRow>(
    statement.sql,
    [
      scope.teamId,
      parsed.standard ?? null,
      parsed.label ?? null,
      parsed.label_prefix ?? null,
      parsed.status ?? null,
      now,
      parsed.cursor?.issuedAt ?? null,
      parsed.cursor?.id ?? null,
      limit + 1,
      parsed.since ?? null,
    ],
    { name: statement.name },
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    certificates: page.map((r) => ({
      cert_id: r.id,
      cert_url: certUrl(ctx, r.id),
      team: r.team_name,
      status: statusAt(r, now),
      compliance_standard: r.standard,
      standards_met: r.standards_met,
      entropy_bits: r.entropy_bits,
      label: r.label,
      issued_at: r.issued_at.toISOString(),
      expires_at: r.expires_at.toISOString(),
      activate_by: isPending(r) && r.activate_by ? r.activate_by.toISOString() : null,
      revoked_at: r.revoked_at ? r.revoked_at.toISOString() : null,
      revocation_reason: r.revocation_reason,
    })),
    next_cursor: rows.length > limit && last ? encodeCursor(last.issued_at, last.id) : null,
  };
}

function parseListQuery(query: Record<string, unknown>) {
  const parsed = parseWith(listQuerySchema, query, 'query');
  const standard = parsed.standard !== undefined ? resolveStandard(parsed.standard).id : undefined;
  const cursor = parsed.cursor !== undefined ? decodeCursor(parsed.cursor) : undefined;
  return { ...parsed, standard, cursor };
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
      if (typeof at === 'string' && isCursorTime(at) && parsedId.success) {
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

// This issuer only writes 4-digit-year UTC times, and PostgreSQL/PGlite cannot hold every date
// JavaScript can (year 300000 fails in the database as a 500), so anything else is a forged cursor.
const CURSOR_TIME_RE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isCursorTime(at: string): boolean {
  const year = CURSOR_TIME_RE.exec(at)?.[1];
  if (year === undefined || Number(year) < 1970) return false;
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at;
}
