import { paramsEntropyBits } from './entropy.js';
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

/** Every standard in the table these parameters satisfy, in STANDARD_IDS order. */
export function standardsMet(params: GenerationParams): StandardId[] {
  const bits = paramsEntropyBits(params);
  return STANDARDS.filter((rule) => evaluate(params, rule, bits).length === 0).map((rule) => rule.id);
}
