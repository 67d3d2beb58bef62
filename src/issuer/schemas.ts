import { assertedSchema } from '../certificate/index.js';
import { isIdAnyCase } from '../lib/ids.js';
import { CREDENTIAL_KINDS } from '../policy/types.js';
import { MAX_ROTATION_DAYS } from '../policy/rotation.js';
import * as z from '../zod.js';
import { TEAM_NAME_RE } from './admin.js';
import { invalidRequest } from './errors.js';

/**
 * Request bodies and queries of the issuer's API. The pieces that end up in a certificate
 * (entropy_source, credential_binding, label) are taken from the certificate's own claims schema,
 * so the issuer accepts exactly what it can sign. Unknown top-level fields are ignored (in
 * particular any entropy or standards the client claims: the issuer computes its own); nested
 * objects are strict.
 */
const claimShape = assertedSchema.shape;
const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const NOT_PRINTABLE_RE = /[\p{C}\p{Zl}\p{Zp}]/u;

const uuid = z.pipe(
  z.string().check(z.refine(isIdAnyCase, { error: 'must be a UUID' })),
  z.transform((v: string) => v.toLowerCase()),
);

const printable = (max: number) =>
  z.string().check(
    z.minLength(1, { error: 'must not be empty' }),
    z.refine((v) => [...v].length <= max && !NOT_PRINTABLE_RE.test(v), {
      error: `must be 1-${max} printable characters`,
    }),
  );

export const sessionBodySchema = z.object({
  standard: z.string().check(z.minLength(1), z.maxLength(64)),
  // validated by the policy module (parseGenerationParams), which owns those rules
  generation_params: z.unknown().check(z.refine((v) => v !== undefined, { error: 'is required' })),
  entropy_source: claimShape.entropy_source,
  credential_kind: z.optional(z.enum(CREDENTIAL_KINDS, { error: 'must be service or user' })),
  rotate_every_days: z.optional(
    z.int().check(
      z.minimum(1, { error: `must be a whole number of days from 1 to ${MAX_ROTATION_DAYS}` }),
      z.maximum(MAX_ROTATION_DAYS, {
        error: `must be a whole number of days from 1 to ${MAX_ROTATION_DAYS}`,
      }),
    ),
  ),
});

export const certificateBodySchema = z.object({
  generation_session_id: uuid,
  generated_at: z.optional(
    z.string().check(
      z.regex(ISO_UTC_RE, { error: 'must be an ISO 8601 UTC time, e.g. 2025-01-31T12:00:00.000Z' }),
      z.refine((v) => Number.isFinite(Date.parse(v)), { error: 'is not a real date' }),
    ),
  ),
  credential_binding: claimShape.credential_binding,
  label: claimShape.label,
});

export const revokeBodySchema = z.object({
  reason: printable(200),
});

export const certificateIdSchema = uuid;

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A date or time in a registry query (`since`, `until`): `2025-01-31` (midnight UTC) or an ISO 8601
 * time with its offset. Like the cursors' times, only years 1970-9999 and real calendar dates:
 * JavaScript would roll 2025-02-30 over to March, and the databases cannot hold every year.
 */
export function parseRegistryDate(value: string): Date | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    v === undefined ? 0 : Number(v),
  ) as [number, number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const at = m[4] === undefined ? calendar : new Date(value);
  return Number.isFinite(at.getTime()) ? at : undefined;
}

const registryDate = z.pipe(
  z.string().check(
    z.maxLength(40),
    z.refine((v) => parseRegistryDate(v) !== undefined, {
      error: 'must be a date (2025-01-31) or an ISO 8601 time (2025-01-31T12:00:00Z), years 1970-9999',
    }),
  ),
  z.transform((v: string) => parseRegistryDate(v) as Date),
);

const teamName = z
  .string()
  .check(z.refine((v) => TEAM_NAME_RE.test(v), { error: 'must be a team name (letters, digits, . _ -)' }));

const pageLimit = z.optional(
  z
    .pipe(
      z.string().check(z.regex(/^\d{1,4}$/, { error: 'must be a whole number from 1 to 200' })),
      z.transform(Number),
    )
    .check(z.refine((n) => n >= 1 && n <= 200, { error: 'must be a whole number from 1 to 200' })),
);

const EVENT_TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;

/** `type=a&type=b` or `type=a,b`: up to 20 event types. */
const eventTypes = z
  .pipe(
    z.union([z.string(), z.array(z.string())]),
    z.transform((v: string | string[]) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((t) => t.split(','))
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  )
  .check(
    z.refine((types) => types.length >= 1 && types.length <= 20, { error: 'must name 1 to 20 event types' }),
    z.refine((types) => types.every((t) => EVENT_TYPE_RE.test(t)), {
      error: 'must be event types such as certificate.issued (lower case, digits, ".", "_" and "-")',
    }),
  );

export const eventsQuerySchema = z.object({
  type: z.optional(eventTypes),
  team: z.optional(teamName),
  since: z.optional(registryDate),
  until: z.optional(registryDate),
  limit: pageLimit,
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

export const listQuerySchema = z.object({
  team: z.optional(teamName),
  since: z.optional(registryDate),
  status: z.optional(z.enum(['valid', 'pending', 'expired', 'revoked'])),
  standard: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  label: z.optional(printable(128)),
  label_prefix: z.optional(printable(128)),
  limit: pageLimit,
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

/** Parses with a schema, turning every zod issue into INVALID_REQUEST's `issues`. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? ` (${first.path ? `${first.path}: ` : ''}${first.message})` : '';
  throw invalidRequest(`The ${what} is not valid${summary}. See "issues".`, issues);
}
