import { paramsEntropyBits } from './entropy.js';
import { MAX_LENGTH } from './limits.js';
import { STANDARDS } from './standards.js';
import type { ClassRequirement, GenerationParams, StandardId, StandardRule, Violation } from './types.js';

const CLASS_WORDS: Record<ClassRequirement, string> = {
  upper: 'upper-case letter (A-Z)',
  lower: 'lower-case letter (a-z)',
  letter: 'letter (A-Z or a-z)',
  digit: 'digit (0-9)',
  special: 'special character (punctuation)',
};

function hasClass(params: GenerationParams, cls: ClassRequirement): boolean {
  switch (cls) {
    case 'upper':
      return params.has_upper;
    case 'lower':
      return params.has_lower;
    case 'letter':
      return params.has_upper || params.has_lower;
    case 'digit':
      return params.has_numbers;
    case 'special':
      return params.has_special;
  }
}

/** Why these parameters describe no credential at all, or undefined when they describe some. */
function impossibility(params: GenerationParams): string | undefined {
  const sizes = Object.values(params.class_sizes);
  if (!sizes.every((n) => Number.isSafeInteger(n) && n >= 0 && n <= 256) || sizes.every((n) => n === 0)) {
    return 'No characters are left to draw from; include at least one class and do not exclude all of its characters.';
  }
  if (!Number.isSafeInteger(params.length) || params.length < 1 || params.length > MAX_LENGTH) {
    return `The length must be a whole number from 1 to ${MAX_LENGTH}.`;
  }
  const classes = sizes.filter((n) => n > 0).length;
  if (params.length < classes) {
    return `A ${params.length}-character credential cannot contain one character of each of the ${classes} included classes.`;
  }
  return undefined;
}

/** The exact entropy of well-formed parameters, or undefined when they describe no credential. */
function entropyOf(params: GenerationParams): number | undefined {
  return impossibility(params) === undefined ? paramsEntropyBits(params) : undefined;
}

function evaluate(params: GenerationParams, rule: StandardRule, bits: number | undefined): Violation[] {
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
  if (params.length > MAX_LENGTH) {
    violations.push({
      standard,
      rule: 'max-length',
      required: MAX_LENGTH,
      actual: params.length,
      message: `Credentials are at most ${MAX_LENGTH} characters; the request has ${params.length}.`,
    });
  }
  for (const cls of rule.requiredClasses) {
    if (hasClass(params, cls)) continue;
    violations.push({
      standard,
      rule: 'required-class',
      required: cls,
      message: `${rule.id} requires at least one ${CLASS_WORDS[cls]}; include that class and keep at least one of its characters out of the exclusions.`,
    });
  }
  const impossible = impossibility(params);
  if (impossible !== undefined) {
    violations.push({ standard, rule: 'pool', message: impossible });
  } else if (bits !== undefined && bits < rule.minEntropyBits) {
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
 * Never throws: parameters that describe no credential at all yield a 'pool' violation.
 */
export function evaluateStandard(params: GenerationParams, rule: StandardRule): Violation[] {
  return evaluate(params, rule, entropyOf(params));
}

/** Every standard in the table these parameters satisfy, in STANDARD_IDS order. */
export function standardsMet(params: GenerationParams): StandardId[] {
  const bits = entropyOf(params);
  return STANDARDS.filter((rule) => evaluate(params, rule, bits).length === 0).map((rule) => rule.id);
}
