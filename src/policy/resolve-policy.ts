import { InputError } from '../errors.js';
import type { Charset, CharsetOptions } from './charset.js';
import { buildCharset } from './charset.js';
import { paramsEntropyBits, paramsFromCharset } from './entropy.js';
import { evaluateStandard, standardsMet } from './evaluate.js';
import { FipsModeRequiredError, NO_FIPS, sourceMeets } from './random-source.js';
import type { RandomSource } from './random-source.js';
import { CHAR_CLASSES, MAX_LENGTH } from './limits.js';
import { MAX_RUN_LIMITED_LENGTH, hasRunLimits } from './run-limits.js';
import { resolveStandard } from './lookup.js';
import { resolveKind, rotationPlan } from './rotation.js';
import type { RotationPlan } from './rotation.js';
import type { CredentialKind, GenerationParams, StandardId, StandardRule, Violation } from './types.js';

/**
 * What a user asks for: a standard, optionally strengthened or adapted to the target system.
 * Front ends pass their options as they are, so an unset one may be undefined.
 */
export interface PolicyRequest extends CharsetOptions {
  standard: string;
  length?: number | undefined;
  /** `service` (the default) or `user`: decides which clauses govern it and its rotation. */
  kind?: string | undefined;
  /**
   * The user's own rotation period in days (their targeted risk analysis): required by nothing,
   * recorded as such; never longer than a period the standard sets for the kind.
   */
  rotateEveryDays?: number | undefined;
  /**
   * The runtime's random source: a standard about the source (FIPS-140-3) is refused without a
   * FIPS one. Absent means unknown, which is not FIPS.
   */
  randomSource?: RandomSource | undefined;
}

/** A request checked against its standard: everything the generator and the issuer need. */
export interface ResolvedPolicy {
  standard: StandardRule;
  kind: CredentialKind;
  rotation: RotationPlan;
  length: number;
  charset: Charset;
  params: GenerationParams;
  entropyBits: number;
  standardsMet: StandardId[];
}

/** The request is weaker than the standard it names. Lists every broken rule, never just the first. */
export class PolicyViolationError extends InputError {
  readonly violations: Violation[];

  constructor(rule: StandardRule, violations: Violation[]) {
    super(
      'POLICY_VIOLATION',
      `The request is weaker than ${rule.id} (${rule.name}); nothing was generated. ${violations.map((v) => v.message).join(' ')} Presets may be strengthened (longer, more classes) but not weakened.`,
      { details: { standard: rule.id, violations } },
    );
    this.violations = violations;
  }
}

export function resolvePolicy(request: PolicyRequest): ResolvedPolicy {
  const standard = resolveStandard(request.standard);
  const kind = resolveKind(request.kind);
  const rotation = rotationPlan(standard, kind, request.rotateEveryDays);
  const source = request.randomSource ?? NO_FIPS;
  if (!sourceMeets(standard, source)) throw new FipsModeRequiredError(standard, source);
  const length = request.length ?? standard.defaultLength;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `The length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}. ${standard.id} needs at least ${standard.minLength}.`,
    );
  }
  const charset = buildCharset(request);

  // Asking for a class and excluding all of it contradicts itself, whatever the standard says.
  // Without `classes`, a class the exclusions empty simply drops out, and the standard decides.
  const emptied = (request.classes ?? []).filter((c) => charset.classes[c] === '');
  if (emptied.length > 0) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `Every character of the requested class${emptied.length > 1 ? 'es' : ''} ${emptied.join(', ')} is excluded. Exclude fewer characters or leave ${emptied.length > 1 ? 'those classes' : 'that class'} out.`,
      { details: { emptied_classes: [...new Set(emptied)] } },
    );
  }
  if (charset.pool === '') {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      'No characters are left to draw from: the exclusions remove every character of the included classes. Exclude fewer characters.',
    );
  }
  const included = CHAR_CLASSES.filter((c) => charset.classes[c] !== '').length;
  if (length < included) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `A ${length}-character credential cannot contain one character of each of the ${included} included classes; ${standard.id} needs at least ${standard.minLength} characters.`,
    );
  }

  const limits = { maxRepeat: standard.maxRepeat, maxClassRepeat: standard.maxClassRepeat };
  if (hasRunLimits(limits) && length > MAX_RUN_LIMITED_LENGTH) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `${standard.id} limits runs of repeated characters, and such credentials are generated up to ${MAX_RUN_LIMITED_LENGTH} characters; got ${length}. Use a length from ${standard.minLength} to ${MAX_RUN_LIMITED_LENGTH}.`,
    );
  }
  const params = paramsFromCharset(length, charset, limits);
  const violations = evaluateStandard(params, standard, kind);
  if (violations.length > 0) throw new PolicyViolationError(standard, violations);
  return {
    standard,
    kind,
    rotation,
    length,
    charset,
    params,
    entropyBits: paramsEntropyBits(params),
    standardsMet: standardsMet(params, kind, rotation.days, source),
  };
}
