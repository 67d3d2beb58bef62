import { InputError } from '../errors.js';

/**
 * Abuse controls (DESIGN §6). They live in the database, not in memory, so they hold across
 * every replica that shares it. A value of 0 turns a rule off.
 */
export interface AbuseLimits {
  /**
   * Attempts without a valid API key (none, unknown or revoked) per client address per clock hour.
   * Requests with a valid key never count here: keys have their own limits below.
   */
  ipCertificatesPerHour: number;
  /** API requests per API key per clock minute, for keys created without their own. */
  keyRequestsPerMinute: number;
  /** Token bucket per API key: this many requests at once … (keys without their own) */
  keyBurst: number;
  /** … then this many per second (a key with its own per-minute rate refills at that rate / 60). */
  keyRefillPerSecond: number;
  /** A team that issues more than this many certificates within the window is flagged (not blocked). */
  teamFlagThreshold: number;
  teamFlagWindowHours: number;
}

export const DEFAULT_LIMITS: Readonly<AbuseLimits> = Object.freeze({
  ipCertificatesPerHour: 10,
  keyRequestsPerMinute: 60,
  keyBurst: 5,
  keyRefillPerSecond: 1,
  teamFlagThreshold: 50,
  teamFlagWindowHours: 24,
});

/**
 * The flag check reads up to `teamFlagThreshold` + 1 index entries per issuance, so the threshold
 * is capped to keep that read small.
 */
const MAX_FLAG_THRESHOLD = 100_000;
const INT_MAX = 2_147_483_647;

export function resolveLimits(overrides: Partial<AbuseLimits> = {}): AbuseLimits {
  const limits: AbuseLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as Array<[keyof AbuseLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) throw new InputError('INVALID_LIMITS', `Unknown limit "${name}".`);
    const integer = name !== 'keyRefillPerSecond';
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      (integer && !Number.isInteger(value)) ||
      value > INT_MAX
    ) {
      throw new InputError(
        'INVALID_LIMITS',
        `Limit ${name} must be ${integer ? 'a whole number' : 'a number'} from 0 to ${INT_MAX}.`,
      );
    }
    limits[name] = value;
  }
  if (limits.teamFlagThreshold > MAX_FLAG_THRESHOLD) {
    throw new InputError('INVALID_LIMITS', `teamFlagThreshold is at most ${MAX_FLAG_THRESHOLD}.`);
  }
  if (limits.teamFlagWindowHours === 0) limits.teamFlagThreshold = 0;
  if (limits.keyBurst > 0 && limits.keyRefillPerSecond === 0) {
    throw new InputError(
      'INVALID_LIMITS',
      'keyRefillPerSecond must be above 0 while keyBurst is on (or set keyBurst to 0).',
    );
  }
  return limits;
}

export type LimitScope = 'ip-hour' | 'key-minute' | 'key-burst';

/** What the X-RateLimit-* headers report: one limit, the one closest to refusing. */
export interface RateLimitState {
  scope: LimitScope;
  limit: number;
  remaining: number;
  /** When the limit is fully available again. */
  resetAt: Date;
  /** Seconds until a refused request may be retried; set only when refused. */
  retryAfter?: number;
  /**
   * The same wait in milliseconds: Retry-After is whole seconds, and a bucket refilling 10 a
   * second would otherwise make a pacing client wait ten times too long.
   */
  retryAfterMs?: number;
  /** A bucket's time between tokens, when a bucket refused: the pace a client should keep. */
  refillIntervalMs?: number;
}

/** Counters as the guard statement returned them (null when a rule did not apply). */
export interface LimitCounters {
  keyHits: number | null;
  keyWindowStart: Date | null;
  keyTokens: number | null;
  keyBurstOk: boolean | null;
  ipHits: number | null;
  ipWindowStart: Date | null;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export function windowStart(now: Date, lengthMs: number): Date {
  return new Date(Math.floor(now.getTime() / lengthMs) * lengthMs);
}

interface Evaluated {
  state: RateLimitState;
  refused: boolean;
  windowMs: number;
}

/**
 * Turns the counters into allow/refuse and the header values. When several rules refuse, the
 * answer names the one with the longest wait, so a client that honours Retry-After does not come
 * back only to be refused by the next rule.
 */
export function evaluateLimits(
  limits: AbuseLimits,
  counters: LimitCounters,
  now: Date,
): { allowed: boolean; state: RateLimitState | undefined } {
  const nowMs = now.getTime();
  const all: Evaluated[] = [];
  if (limits.ipCertificatesPerHour > 0 && counters.ipHits !== null && counters.ipWindowStart !== null) {
    const resetMs = counters.ipWindowStart.getTime() + HOUR_MS;
    all.push(windowRule('ip-hour', limits.ipCertificatesPerHour, counters.ipHits, resetMs, nowMs, HOUR_MS));
  }
  if (limits.keyRequestsPerMinute > 0 && counters.keyHits !== null && counters.keyWindowStart !== null) {
    const resetMs = counters.keyWindowStart.getTime() + MINUTE_MS;
    all.push(
      windowRule('key-minute', limits.keyRequestsPerMinute, counters.keyHits, resetMs, nowMs, MINUTE_MS),
    );
  }
  if (limits.keyBurst > 0 && counters.keyTokens !== null) {
    const tokens = Math.max(0, counters.keyTokens);
    const refused = counters.keyBurstOk === false;
    const rate = limits.keyRefillPerSecond;
    const fullMs = nowMs + Math.ceil(((limits.keyBurst - tokens) / rate) * 1000);
    const state: RateLimitState = {
      scope: 'key-burst',
      limit: limits.keyBurst,
      remaining: Math.floor(tokens),
      resetAt: new Date(fullMs),
    };
    if (refused) {
      state.refillIntervalMs = Math.ceil(1000 / rate);
      state.retryAfterMs = Math.max(1, Math.ceil(((1 - tokens) / rate) * 1000));
      state.retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
    }
    all.push({ state, refused, windowMs: 1000 });
  }
  if (all.length === 0) return { allowed: true, state: undefined };
  const refused = all.filter((e) => e.refused);
  if (refused.length > 0) {
    const worst = refused.reduce((a, b) => ((b.state.retryAfter ?? 0) > (a.state.retryAfter ?? 0) ? b : a));
    return { allowed: false, state: worst.state };
  }
  const closest = all.reduce((a, b) =>
    b.state.remaining < a.state.remaining ||
    (b.state.remaining === a.state.remaining && b.windowMs > a.windowMs)
      ? b
      : a,
  );
  return { allowed: true, state: closest.state };
}

function windowRule(
  scope: LimitScope,
  limit: number,
  hits: number,
  resetMs: number,
  nowMs: number,
  windowMs: number,
): Evaluated {
  const refused = hits > limit;
  const state: RateLimitState = {
    scope,
    limit,
    remaining: Math.max(0, limit - hits),
    resetAt: new Date(resetMs),
  };
  if (refused) {
    state.retryAfterMs = Math.max(1, resetMs - nowMs);
    state.retryAfter = Math.max(1, Math.ceil((resetMs - nowMs) / 1000));
  }
  return { state, refused, windowMs };
}

/**
 * The subject an address is limited under. IPv6 clients usually hold a whole /64, so an address
 * inside one counts as that /64; IPv4 (and IPv4-mapped IPv6) counts per address.
 */
export function ipSubject(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const expanded = expandIpv6(ip);
  return expanded === undefined ? ip : `${expanded.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] | undefined {
  const address = ip.split('%')[0] ?? ip;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array.from({ length: missing }, () => '0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
