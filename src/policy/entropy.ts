import { InputError } from '../errors.js';
import type { Charset } from './charset.js';
import { CHAR_CLASSES } from './limits.js';
import { countRunLimited, hasRunLimits, type RunLimits } from './run-limits.js';
import type { GenerationParams } from './types.js';

/**
 * Number of strings of `length` characters over the union of the disjoint classes in which every
 * non-empty class occurs at least once (and, given run limits, no run exceeds them). Without run
 * limits, by inclusion–exclusion over the subsets S of classes left out:
 * Σ (-1)^|S| (N - Σ_{k∈S} n_k)^length. Exact, in BigInt. The length and sizes are already
 * bounded (resolvePolicy, parseGenerationParams), which keeps this in the milliseconds.
 */
export function countStrings(length: number, classSizes: readonly number[], limits: RunLimits = {}): bigint {
  if (hasRunLimits(limits)) return countRunLimited(length, classSizes, limits);
  const sizes = classSizes.filter((n) => n > 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  const exponent = BigInt(length);
  let count = 0n;
  for (let subset = 0; subset < 1 << sizes.length; subset++) {
    let left = total;
    let parity = 0;
    for (let k = 0; k < sizes.length; k++) {
      if (subset & (1 << k)) {
        left -= sizes[k] as number;
        parity ^= 1;
      }
    }
    // 0^0 = 1 is right here: the empty string is the one string over an empty alphabet.
    const term = BigInt(left) ** exponent;
    count += parity ? -term : term;
  }
  return count;
}

/**
 * log2(countStrings), floored to 2 decimals. Never rounded up: a certificate must not claim a
 * bit it does not have, so values that land within float error of a 0.01 boundary are settled
 * exactly in BigInt.
 */
export function exactEntropyBits(
  length: number,
  classSizes: readonly number[],
  limits: RunLimits = {},
): number {
  const count = countStrings(length, classSizes, limits);
  if (count === 0n) {
    const classes = classSizes.filter((n) => n > 0).length;
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      classes === 0
        ? 'No characters to draw from: include at least one character class.'
        : length < classes
          ? `A ${length}-character string cannot contain one character of each of ${classes} classes. Use a length of at least ${classes}.`
          : `No ${length}-character string over these classes keeps within the run limits (at most ${limits.maxRepeat ?? 'any number of'} identical and ${limits.maxClassRepeat ?? 'any number of'} same-class characters in a row). Include more classes or characters.`,
    );
  }
  const scaled = log2BigInt(count) * 100;
  const nearest = Math.round(scaled);
  // The float estimate is off by far less than 1e-6 hundredths (see log2BigInt); only when it
  // sits that close to an integer can flooring it go the wrong way, so settle those exactly:
  // floor(100·log2 c) ≥ k  ⇔  c^100 ≥ 2^k.
  if (Math.abs(scaled - nearest) < 1e-6) {
    return (count ** 100n >= 1n << BigInt(nearest) ? nearest : nearest - 1) / 100;
  }
  return Math.floor(scaled) / 100;
}

/**
 * log2 of a positive BigInt from its bit length and top 53 bits. The truncated low bits move the
 * result by less than log2(1 + 2^-52) ≈ 3.2e-16; Math.log2 adds a few ulps.
 */
export function log2BigInt(value: bigint): number {
  const bits = value.toString(2).length;
  const shift = bits > 53 ? bits - 53 : 0;
  return shift + Math.log2(Number(value >> BigInt(shift)));
}

/** The parameters a credential drawn from `charset` has: what the issuer is told and certifies. */
export function paramsFromCharset(
  length: number,
  charset: Charset,
  limits: RunLimits = {},
): GenerationParams {
  const sizes = {
    upper: charset.classes.upper.length,
    lower: charset.classes.lower.length,
    digit: charset.classes.digit.length,
    special: charset.classes.special.length,
  };
  return {
    length,
    has_upper: sizes.upper > 0,
    has_lower: sizes.lower > 0,
    has_numbers: sizes.digit > 0,
    has_special: sizes.special > 0,
    char_pool_size: sizes.upper + sizes.lower + sizes.digit + sizes.special,
    excluded_characters: charset.excludedCount,
    class_sizes: sizes,
    ...(limits.maxRepeat !== undefined && { max_repeat: limits.maxRepeat }),
    ...(limits.maxClassRepeat !== undefined && { max_class_repeat: limits.maxClassRepeat }),
  };
}

export function runLimitsOf(params: GenerationParams): RunLimits {
  return { maxRepeat: params.max_repeat, maxClassRepeat: params.max_class_repeat };
}

/** Exact entropy of parameters, recomputed from the class sizes (the issuer does this server-side). */
export function paramsEntropyBits(params: GenerationParams): number {
  return exactEntropyBits(
    params.length,
    CHAR_CLASSES.map((c) => params.class_sizes[c]),
    runLimitsOf(params),
  );
}
