export * from './types.js';
export { MAX_LENGTH, CHAR_CLASSES } from './limits.js';
export { STANDARDS } from './standards.js';
export { getStandard, resolveStandard } from './lookup.js';
export { DEFAULT_CLASS_SETS, buildCharset } from './charset.js';
export type { Charset, CharsetOptions } from './charset.js';
export {
  countStrings,
  exactEntropyBits,
  log2BigInt,
  paramsEntropyBits,
  paramsFromCharset,
  runLimitsOf,
} from './entropy.js';
export { MAX_RUN_LIMITED_LENGTH, breaksRunLimits, countRunLimited, hasRunLimits } from './run-limits.js';
export type { RunLimits } from './run-limits.js';
export { evaluateStandard, standardsMet } from './evaluate.js';
export { MAX_ROTATION_DAYS, keepsRotation, resolveKind, rotationPlan } from './rotation.js';
export type { RotationPlan } from './rotation.js';
export { FIPS_HOWTO, FipsModeRequiredError, isFipsSource, sourceMeets } from './random-source.js';
export type { RandomSource } from './random-source.js';
export { parseGenerationParams } from './params-schema.js';
export { credentialMisfit } from './fits.js';
export type { ParamsIssue } from './params-schema.js';
export { PolicyViolationError, resolvePolicy } from './resolve-policy.js';
export type { PolicyRequest, ResolvedPolicy } from './resolve-policy.js';
export { renderPolicy } from './render.js';
export type { RenderPolicyOptions } from './render.js';
