import { randomBytes } from 'node:crypto';
import { generateSigningKey } from '../../../src/certificate/index.js';
import type { EntropySource, SigningKey } from '../../../src/certificate/index.js';
import { isPassgeniError } from '../../../src/errors.js';
import { openIssuer } from '../../../src/issuer/index.js';
import type {
  AbuseLimits,
  Database,
  Issuer,
  IssuerOptions,
  IssuerServiceError,
} from '../../../src/issuer/index.js';
import type { GenerationParams } from '../../../src/policy/index.js';
import { strongParams } from '../../support/claims.js';

export { strongParams };

export const PUBLIC_URL = 'https://issuer.test';

/** A clock the test moves by hand. */
export interface TestClock {
  (): Date;
  set(iso: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start = '2030-01-15T10:00:00.000Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (value) => {
    now = new Date(value).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** No limit gets in the way unless a test turns it on. */
export const NO_LIMITS: Partial<AbuseLimits> = {
  ipCertificatesPerHour: 0,
  keyRequestsPerMinute: 0,
  keyBurst: 0,
  teamFlagThreshold: 0,
};

export const TEST_KEY: SigningKey = generateSigningKey();

export async function testIssuer(
  db: Database,
  options: Partial<IssuerOptions> & { clock?: () => Date } = {},
): Promise<Issuer> {
  return openIssuer({
    database: db,
    publicUrl: PUBLIC_URL,
    signingKey: TEST_KEY,
    limits: NO_LIMITS,
    jwksRefreshSeconds: 0,
    housekeepingSeconds: 0,
    ...options,
  });
}

/** 8 lower-case letters only: below every standard. */
export function weakParams(): GenerationParams {
  return {
    length: 8,
    has_upper: false,
    has_lower: true,
    has_numbers: false,
    has_special: false,
    char_pool_size: 26,
    excluded_characters: 0,
    class_sizes: { upper: 0, lower: 26, digit: 0, special: 0 },
  };
}

export const SOURCE: EntropySource = {
  api: 'crypto.getRandomValues',
  runtime: 'node v24.0.0',
  openssl: '3.0.15',
  fips_mode: false,
};

export function sessionBody(standard = 'HIPAA', params: GenerationParams = strongParams()) {
  return { standard, generation_params: params, entropy_source: SOURCE };
}

/** A team name no other test uses. */
export function uniqueTeam(prefix = 'team'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A documentation-range address no other test uses (per-address limits are per test). */
export function uniqueIp(): string {
  const b = randomBytes(2);
  return `198.51.${b[0] ?? 0}.${b[1] ?? 1}`;
}

export async function countRows(
  db: Database,
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return rows[0]?.n ?? 0;
}

/** The error a call is refused with (its code, status and details); a crash is thrown on. */
export async function rejection(promise: Promise<unknown>): Promise<IssuerServiceError> {
  try {
    await promise;
  } catch (error) {
    if (isPassgeniError(error)) return error as IssuerServiceError;
    throw error;
  }
  throw new Error('expected a refusal');
}
