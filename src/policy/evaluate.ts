import { paramsEntropyBits } from './entropy.js';
import { NO_FIPS, sourceMeets } from './random-source.js';
import type { RandomSource } from './random-source.js';
import { STANDARDS } from './standards.js';
import type { ClassRequirement, GenerationParams, StandardId, StandardRule, Violation } from './types.js';

const CLASS_WORDS: Record<ClassRequirement, string> = {
  upper: 'upper-case letter (A-Z)',
  lower: 'lower-case letter (a-z)',
  letter: 'letter (A-Z or a-z)',
  digit: 'digit (0-9)',
  special: 'special character (punctuation)',
};

const HAS_CLASS: Record<ClassRequirement, (params: GenerationParams) => boolean> = {
  upper: (p) => p.has_upper,
  lower: (p) => p.has_lower,
  letter: (p) => p.has_upper || p.has_lower,
  digit: (p) => p.has_numbers,
  special: (p) => p.has_special,
};

const RUN_RULES = [
  ['maxRepeat', 'max_repeat', 'max-repeat', 'identical characters'],
  ['maxClassRepeat', 'max_class_repeat', 'max-class-repeat', 'characters of one class'],
] as const;

function evaluate(params: GenerationParams, rule: StandardRule, bits: number): Violation[] {
  const violations: Violation[] = [];
  const standard = rule.id;
  if (params.length < rule.minLength) {
    violations.push({
      standard,
      rule: 'min-length',
      required: rule.minLength,
      actual: params.length,
      message: `${rule.id} requires at least ${rule.minLength} characters; the request has ${params.length}. Set the length to ${rule.minLength} or more.`,
    });
  }
  for (const cls of rule.requiredClasses) {
    if (HAS_CLASS[cls](params)) continue;
    violations.push({
      standard,
      rule: 'required-class',
      required: cls,
      message: `${rule.id} requires at least one ${CLASS_WORDS[cls]}; include that class and keep at least one of its characters out of the exclusions.`,
    });
  }
  for (const [limit, field, ruleName, what] of RUN_RULES) {
    const required = rule[limit];
    if (required === undefined) continue;
    const actual = params[field];
    if (actual !== undefined && actual <= required) continue;
    violations.push({
      standard,
      rule: ruleName,
      required,
      ...(actual !== undefined && { actual }),
      message: `${rule.id} allows at most ${required} ${what} in a row; ${actual === undefined ? 'these parameters set no such limit' : `these parameters allow ${actual}`}. Generate for ${rule.id} so the generator applies the limit.`,
    });
  }
  if (bits < rule.minEntropyBits) {
    violations.push({
      standard,
      rule: 'min-entropy',
      required: rule.minEntropyBits,
      actual: bits,
      message: `${rule.id} requires at least ${rule.minEntropyBits} bits of entropy; these parameters give ${bits}. Use a longer length, more classes or fewer exclusions.`,
    });
  }
  return violations;
}

/**
 * Every rule of `rule` these parameters break, all at once, so a request can be fixed in one go.
 * The parameters describe some credential: resolvePolicy and parseGenerationParams see to that.
 */
export function evaluateStandard(params: GenerationParams, rule: StandardRule): Violation[] {
  return evaluate(params, rule, paramsEntropyBits(params));
}

/**
 * Every standard in the table that a credential with these parameters, to be rotated every
 * `rotationDays` (0: only on compromise), drawn from `source`, satisfies, in STANDARD_IDS order.
 * A standard that sets a rotation period is met only when the credential is rotated at least that
 * often, and one about the random source (FIPS-140-3) only when the source is a named FIPS
 * provider in FIPS mode: the string rules alone are not the standard.
 */
export function standardsMet(
  params: GenerationParams,
  rotationDays: number,
  source: RandomSource = NO_FIPS,
): StandardId[] {
  const bits = paramsEntropyBits(params);
  return STANDARDS.filter(
    (rule) =>
      evaluate(params, rule, bits).length === 0 &&
      sourceMeets(rule, source) &&
      (rule.rotationDays === 0 || (rotationDays > 0 && rotationDays <= rule.rotationDays)),
  ).map((rule) => rule.id);
}
