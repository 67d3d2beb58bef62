import type { IssuerContext } from './context.js';

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
