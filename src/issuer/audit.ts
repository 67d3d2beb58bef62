import type { IssuerContext } from './context.js';
import { MINUTE_MS, ipSubject, windowStart } from './limits.js';

/**
 * The audit trail (`usage_events`). Most events are written by the statement that does the thing
 * they record, so the two cannot disagree; this writes the ones decided afterwards (a request that
 * passed the guard and was then refused).
 */
export interface AuditEvent {
  type: string;
  teamId: string | null;
  keyId: string | null;
  ip: string | null;
  certId?: string | null;
  at: Date;
  detail: Record<string, unknown>;
}

export async function recordEvent(ctx: IssuerContext, event: AuditEvent): Promise<void> {
  await ctx.db.query(
    `INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
     VALUES ($1::text, $2::text, $3::text, $4::text, $5::uuid, $6::timestamptz, $7::jsonb)`,
    [
      event.type,
      event.teamId,
      event.keyId,
      event.ip,
      event.certId ?? null,
      event.at,
      JSON.stringify(event.detail),
    ],
    { name: 'passgeni_event', durable: false },
  );
}

/**
 * The part of an aggregated event's key that is not its type: the source (an IPv6 /64 counts as
 * one) and the minute. Events anyone can cause without a key (failed authentication, look-ups of
 * unknown certificates) and refusals are counted into one row per type, key, source and minute.
 */
export function aggregateWindow(ip: string | null, at: Date): string {
  return `${ip === null ? '-' : ipSubject(ip)} ${windowStart(at, MINUTE_MS).toISOString()}`;
}

/** Writes `event` as one more of its source's events this minute (see aggregateWindow). */
export async function recordAggregated(ctx: IssuerContext, event: AuditEvent): Promise<void> {
  await ctx.db.query(
    `INSERT INTO usage_events AS u (type, team_id, api_key_id, ip, cert_id, at, detail, aggregate_key)
     VALUES ($1::text, $2::text, $3::text, $4::text, NULL, $5::timestamptz, $6::jsonb, $7::text)
     ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL DO UPDATE SET count = u.count + 1`,
    [
      event.type,
      event.teamId,
      event.keyId,
      event.ip,
      event.at,
      JSON.stringify(event.detail),
      `${event.type} ${event.keyId ?? '-'} ${aggregateWindow(event.ip, event.at)}`,
    ],
    { name: 'passgeni_event_aggregated', durable: false },
  );
}
