import { paramsEntropyBits } from './entropy.js';
import { NO_FIPS, sourceMeets } from './random-source.js';
import type { RandomSource } from './random-source.js';
import { keepsRotation } from './rotation.js';
import { STANDARDS } from './standards.js';
import type {
  ClassRequirement,
  CredentialKind,
  GenerationParams,
  StandardId,
  StandardRule,
  Violation,
} from './types.js';

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

function evaluate(
  params: GenerationParams,
  rule: StandardRule,
  kind: CredentialKind,
  bits: number,
): Violation[] {
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
  // the run limits are the RHEL pwquality rules for interactive OS accounts (STIG user credentials)
  const runRules = rule.kinds[kind].runLimitsDoNotApply ? [] : RUN_RULES;
  for (const [limit, field, ruleName, what] of runRules) {
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
export function evaluateStandard(
  params: GenerationParams,
  rule: StandardRule,
  kind: CredentialKind,
): Violation[] {
  return evaluate(params, rule, kind, paramsEntropyBits(params));
}

/**
 * Every standard in the table that a `kind` credential with these parameters, to be changed every
 * `rotationDays` (0: only on compromise), drawn from `source`, satisfies, in STANDARD_IDS order.
 * A standard that sets a rotation period for the kind is met only when the credential is changed
 * at least that often (PCI DSS service credentials: any period, their own risk analysis sets it),
 * and one about the random source (FIPS-140-3) only when the source is a named FIPS provider in
 * FIPS mode: the string rules alone are not the standard.
 */
export function standardsMet(
  params: GenerationParams,
  kind: CredentialKind,
  rotationDays: number,
  source: RandomSource = NO_FIPS,
): StandardId[] {
  const bits = paramsEntropyBits(params);
  return STANDARDS.filter(
    (rule) =>
      evaluate(params, rule, kind, bits).length === 0 &&
      sourceMeets(rule, source) &&
      keepsRotation(rule, kind, rotationDays),
  ).map((rule) => rule.id);
}
