/** The four character classes a credential is built from. */
export type CharClass = 'upper' | 'lower' | 'digit' | 'special';

/**
 * A class a standard requires. `letter` is satisfied by either case (PCI DSS 8.3.6 asks for
 * "numeric and alphabetic" characters, nothing about case).
 */
export type ClassRequirement = CharClass | 'letter';

export const STANDARD_IDS = [
  'NIST-800-63B',
  'HIPAA',
  'PCI-DSS',
  'SOC2',
  'ISO-27001',
  'FIPS-140-3',
  'DOD-STIG',
  'CMMC-L2',
] as const;
export type StandardId = (typeof STANDARD_IDS)[number];

/** Where a rule comes from: a clause of the framework, or our own documented baseline. */
export interface RuleBasis {
  kind: 'clause' | 'product-baseline';
  /** One sentence per rule, e.g. "PCI DSS v4.0.1 8.3.6: at least 12 characters". */
  length: string;
  classes: string;
  entropy: string;
  rotation: string;
  /** Public sources (document + section) the entry rests on. */
  sources: readonly string[];
}

export interface StandardRule {
  id: StandardId;
  /** Human name, e.g. "PCI DSS v4.0.1". */
  name: string;
  /** True for the standards a certificate may be requested for (DESIGN §4). */
  certifiable: boolean;
  minLength: number;
  /** The length `generate`/`certify` use when the user gives none; always >= minLength. */
  defaultLength: number;
  requiredClasses: readonly ClassRequirement[];
  /** Minimum exact entropy in bits (log2 of the number of strings the generator can output). */
  minEntropyBits: number;
  /**
   * Recommended rotation in days; 0 = change on compromise only (no `rotate_by`). A standard with a
   * period is met only by a certificate whose `rotate_by` keeps to it.
   */
  rotationDays: number;
  /** The generator must hold runs of identical characters to at most this (pwquality `maxrepeat`). */
  maxRepeat?: number;
  /** The generator must hold runs of one class to at most this (pwquality `maxclassrepeat`). */
  maxClassRepeat?: number;
  /**
   * The claim is about the random source, not the string: met only by credentials whose runtime
   * reported OpenSSL in FIPS mode and named its FIPS provider (see random-source.ts).
   */
  requiresFipsModule?: boolean;
  /** Lower-case aliases accepted on input, besides the id itself. */
  aliases: readonly string[];
  basis: RuleBasis;
}

/**
 * The parameters a credential was generated with: everything the issuer is told, and all a
 * certificate records about the credential. Names follow the hosted PassGeni certificate.
 * `class_sizes` is our addition: the issuer needs it to recompute exact entropy itself.
 */
export interface GenerationParams {
  length: number;
  has_upper: boolean;
  has_lower: boolean;
  has_numbers: boolean;
  has_special: boolean;
  char_pool_size: number;
  /** How many characters of the default sets were excluded (count only, never which). */
  excluded_characters: number;
  class_sizes: Record<CharClass, number>;
  /** At most this many identical characters in a row (pwquality `maxrepeat`), when limited. */
  max_repeat?: number | undefined;
  /** At most this many characters of one class in a row (pwquality `maxclassrepeat`), when limited. */
  max_class_repeat?: number | undefined;
}

/** One rule a set of parameters breaks, e.g. `{ rule: 'min-length', required: 15, actual: 12 }`. */
export interface Violation {
  standard: StandardId;
  rule: 'min-length' | 'required-class' | 'min-entropy' | 'max-repeat' | 'max-class-repeat';
  message: string;
  required?: number | string;
  actual?: number | string;
}
