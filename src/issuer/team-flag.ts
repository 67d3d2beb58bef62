import type { IssuerContext } from './context.js';
import { messageOf } from './errors.js';
import { HOUR_MS } from './limits.js';

/**
 * The team flag (DESIGN §6): a team that issues more than the threshold of certificates within
 * the window is flagged for a human to look at; nothing is blocked.
 *
 * It runs after the certificate is committed, as a statement of its own, so that its count sees
 * every issuance committed so far, concurrent ones included: of the requests that take a team
 * over the threshold together, the last to commit sees them all. The count reads at most
 * threshold + 1 index entries whatever the team's volume, and the team row is locked only when
 * it gets flagged; the UPDATE's condition, re-checked under that lock, flags a team once per
 * window however many requests see it over the threshold.
 * $1 team, $2 window start, $3 threshold, $4 now, $5 key, $6 certificate, $7 client address.
 */
const FLAG_TEAM_SQL = `WITH recent AS (
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM certificates WHERE team_id = $1::text AND issued_at > $2::timestamptz LIMIT $3::int + 1
    ) AS x
  ), f AS (
    UPDATE teams SET flagged_at = $4::timestamptz, flag_count = flag_count + 1
    FROM recent
    WHERE teams.id = $1::text AND recent.n > $3::int
      AND (teams.flagged_at IS NULL OR teams.flagged_at <= $2::timestamptz)
    RETURNING recent.n
  ), e AS (
    INSERT INTO usage_events (type, team_id, api_key_id, ip, cert_id, at, detail)
    SELECT 'team.flagged', $1::text, $5::text, $7::text, $6::uuid, $4::timestamptz,
      jsonb_build_object('certificates_in_window', f.n, 'threshold', $3::int)
    FROM f
  )
SELECT n FROM f`;

/** Runs after a certificate is stored; never fails the issuance. */
export async function flagTeamIfOverThreshold(
  ctx: IssuerContext,
  issued: { teamId: string; keyId: string | null; certId: string; ip: string | null; now: Date },
): Promise<void> {
  const threshold = ctx.limits.teamFlagThreshold;
  if (threshold === 0) return;
  const windowStart = new Date(issued.now.getTime() - ctx.limits.teamFlagWindowHours * HOUR_MS);
  let flagged: { n: number } | undefined;
  try {
    [flagged] = await ctx.db.query<{ n: number }>(
      FLAG_TEAM_SQL,
      [issued.teamId, windowStart, threshold, issued.now, issued.keyId, issued.certId, issued.ip],
      { name: 'passgeni_team_flag' },
    );
  } catch (error) {
    // the certificate is already stored: failing the request now would only make the client
    // retry for a second one; the team's next issuance counts this one too
    ctx.logger.warn({ err: { message: messageOf(error) }, team: issued.teamId }, 'team flag check failed');
    return;
  }
  if (!flagged) return;
  ctx.metrics.teamsFlaggedTotal.inc();
  ctx.logger.warn(
    { team: issued.teamId, certificates_in_window: flagged.n, threshold },
    'team flagged: issued more certificates than the threshold within the window',
  );
}
