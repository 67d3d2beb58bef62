import { DAY_MS } from '../lib/time.js';
import { countPending, revokeExpiredPending } from './activation.js';
import type { IssuerContext } from './context.js';
import { messageOf } from './errors.js';
import { HOUR_MS } from './limits.js';
import type { IssuerLogger } from './types.js';

/**
 * What keeps an issuer healthy and observable, apart from serving requests: deleting rows no
 * request can need, the health check, the metrics that describe shared state, and the timers
 * that run periodic work.
 */

/**
 * Revokes pending certificates past their activation deadline, and deletes sessions and counters
 * no request can need any more (expired over a day ago) and audit events past their retention.
 */
export async function housekeeping(ctx: IssuerContext): Promise<void> {
  await revokeExpiredPending(ctx);
  const now = ctx.clock().getTime();
  const cutoff = new Date(now - DAY_MS);
  await ctx.db.query('DELETE FROM sessions WHERE expires_at < $1::timestamptz', [cutoff]);
  await ctx.db.query('DELETE FROM rate_windows WHERE window_start < $1::timestamptz', [cutoff]);
  await ctx.db.query('DELETE FROM key_limits WHERE updated_at < $1::timestamptz', [cutoff]);
  if (ctx.auditRetentionDays > 0) {
    const kept = new Date(now - ctx.auditRetentionDays * DAY_MS);
    await ctx.db.query('DELETE FROM usage_events WHERE at < $1::timestamptz', [kept]);
  }
}

export async function health(ctx: IssuerContext): Promise<{ ok: boolean; database: 'ok' | 'unavailable' }> {
  try {
    await ctx.db.query('SELECT 1', [], { name: 'passgeni_health' });
    return { ok: true, database: 'ok' };
  } catch {
    return { ok: false, database: 'unavailable' };
  }
}

/**
 * Prometheus text format: this process's counters plus the gauges of shared state, read from the
 * database now so that every replica reports the same values.
 */
export async function metricsText(ctx: IssuerContext): Promise<string> {
  const { metrics } = ctx;
  try {
    const since = new Date(ctx.clock().getTime() - ctx.limits.teamFlagWindowHours * HOUR_MS);
    const [row] = await ctx.db.query<{ flagged: number; keys: number }>(
      `SELECT (SELECT count(*)::int FROM teams WHERE flagged_at > $1::timestamptz) AS flagged,
              (SELECT count(*)::int FROM signing_keys WHERE withdrawn_at IS NULL) AS keys`,
      [since],
    );
    metrics.teamsFlagged.set({}, row?.flagged ?? 0);
    metrics.signingKeys.set({}, row?.keys ?? 0);
    metrics.certificatesPending.set({}, await countPending(ctx));
    metrics.databaseUp.set({}, 1);
  } catch {
    metrics.databaseUp.set({}, 0);
  }
  return metrics.render();
}

/**
 * Runs `task` every `ms` (never when 0) without keeping the process alive; a failure is logged
 * and the next run tries again. Returns the function that stops it.
 */
export function every(
  ms: number,
  task: () => Promise<unknown>,
  logger: IssuerLogger,
  failure: string,
): () => void {
  if (ms <= 0) return () => undefined;
  const timer = setInterval(() => {
    task().catch((error: unknown) => logger.warn({ err: { message: messageOf(error) } }, failure));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
