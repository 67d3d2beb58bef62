import { InputError } from '../errors.js';
import * as z from '../zod.js';
import { DEFAULT_CLASS_SETS } from './charset.js';
import { CHAR_CLASSES, MAX_LENGTH } from './limits.js';
import { MAX_RUN_LIMITED_LENGTH } from './run-limits.js';
import type { CharClass, GenerationParams } from './types.js';

const count = (max: number) => z.int().check(z.minimum(0), z.maximum(max));

const classSizes = z.strictObject({
  upper: count(DEFAULT_CLASS_SETS.upper.length),
  lower: count(DEFAULT_CLASS_SETS.lower.length),
  digit: count(DEFAULT_CLASS_SETS.digit.length),
  special: count(DEFAULT_CLASS_SETS.special.length),
});

const DEFAULT_POOL = CHAR_CLASSES.reduce((n, c) => n + DEFAULT_CLASS_SETS[c].length, 0);

const shape = z.strictObject({
  length: z.int().check(z.minimum(1), z.maximum(MAX_LENGTH)),
  has_upper: z.boolean(),
  has_lower: z.boolean(),
  has_numbers: z.boolean(),
  has_special: z.boolean(),
  char_pool_size: count(DEFAULT_POOL),
  excluded_characters: count(DEFAULT_POOL),
  class_sizes: classSizes,
  max_repeat: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_RUN_LIMITED_LENGTH))),
  max_class_repeat: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_RUN_LIMITED_LENGTH))),
}) satisfies z.ZodMiniType<GenerationParams>;

const FLAG: Record<CharClass, 'has_upper' | 'has_lower' | 'has_numbers' | 'has_special'> = {
  upper: 'has_upper',
  lower: 'has_lower',
  digit: 'has_numbers',
  special: 'has_special',
};

export interface ParamsIssue {
  path: string;
  message: string;
}

/**
 * Validates parameters arriving over the network (the issuer's request bodies). The client's
 * flags and pool size are never trusted on their own: they must agree with the class sizes the
 * issuer recomputes entropy from.
 */
export function parseGenerationParams(input: unknown): GenerationParams {
  const result = shape.safeParse(input);
  const issues: ParamsIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
  issues.push(...consistencyIssues(input));
  if (!result.success || issues.length > 0) {
    throw new InputError(
      'INVALID_PARAMS',
      `Invalid generation parameters: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}.`,
      { details: { issues } },
    );
  }
  return result.data;
}

/**
 * Cross-field rules, checked on the raw input so that one bad field does not hide another:
 * every field of the right type takes part, whatever else is wrong.
 */
function consistencyIssues(input: unknown): ParamsIssue[] {
  if (!isRecord(input)) return [];
  const issues: ParamsIssue[] = [];
  const sizes = isRecord(input.class_sizes) ? input.class_sizes : undefined;
  if (!sizes) return issues;
  let sum = 0;
  let included = 0;
  let allNumbers = true;
  for (const cls of CHAR_CLASSES) {
    const size = sizes[cls];
    const flag = input[FLAG[cls]];
    if (typeof size !== 'number') {
      allNumbers = false;
      continue;
    }
    sum += size;
    if (size > 0) included++;
    if (typeof flag === 'boolean' && flag !== size > 0) {
      issues.push({ path: FLAG[cls], message: `must be ${size > 0} because class_sizes.${cls} is ${size}` });
    }
  }
  if (!allNumbers) return issues;
  if (typeof input.char_pool_size === 'number' && input.char_pool_size !== sum) {
    issues.push({ path: 'char_pool_size', message: `must equal the sum of class_sizes (${sum})` });
  }
  const runLimited = input.max_repeat !== undefined || input.max_class_repeat !== undefined;
  if (runLimited && typeof input.length === 'number' && input.length > MAX_RUN_LIMITED_LENGTH) {
    issues.push({
      path: 'length',
      message: `must be at most ${MAX_RUN_LIMITED_LENGTH} when max_repeat or max_class_repeat is set`,
    });
  }
  if (sum === 0) issues.push({ path: 'class_sizes', message: 'at least one class must be non-empty' });
  if (typeof input.length === 'number' && input.length < included) {
    issues.push({ path: 'length', message: `must be at least the number of included classes (${included})` });
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
