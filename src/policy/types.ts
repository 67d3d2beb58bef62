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

/**
 * What a credential is for, which decides the clauses that govern it. `service`: a machine uses
 * it (database, API, service account; the default for stores, rotation and the actions). `user`:
 * a person logs in with it (an interactive account, e.g. on an operating system).
 */
export const CREDENTIAL_KINDS = ['service', 'user'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
export const DEFAULT_CREDENTIAL_KIND: CredentialKind = 'service';

/** A clause of a final, published text, with where to read it. */
export interface Citation {
  /** The clause as the text numbers it, e.g. "PCI DSS v4.0.1 Requirement 8.6.3". */
  clause: string;
  /** What the clause says that matters here, in our words (short: read the text itself). */
  says: string;
  /** Where the final text is published. */
  url: string;
}

/** Where a string rule comes from: a clause of the framework, or our own documented baseline. */
export interface RuleBasis {
  kind: 'clause' | 'product-baseline';
  /** One sentence per rule, e.g. "PCI DSS v4.0.1 8.3.6: at least 12 characters". */
  length: string;
  classes: string;
  entropy: string;
  /** The texts the string rules rest on, whatever the kind. */
  sources: readonly Citation[];
}

/** What governs one kind of credential under a standard, and the rotation it sets. */
export interface KindRule {
  /** 'clause': cited clauses govern this kind; 'product-baseline': none does, and the rules are ours. */
  basis: 'clause' | 'product-baseline';
  /** Which clauses govern this kind, or why none does. */
  governs: string;
  /** The period a clause sets for this kind, in days; 0: change on compromise only (no `rotate_by`). */
  rotationDays: number;
  /**
   * The period is the organisation's own targeted risk analysis (PCI DSS 8.6.3): `rotate_by` is
   * written only when the user gives it (`--rotate-every-days`), and any period keeps the standard.
   */
  rotationFromRiskAnalysis?: true;
  rotation: string;
  /** The standard's run limits (maxRepeat, maxClassRepeat) govern only the other kind. */
  runLimitsDoNotApply?: true;
  citations: readonly Citation[];
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
  /**
   * Per kind of credential: the clauses that govern it and the rotation they set. A standard with
   * a period for the kind is met only by a certificate whose `rotate_by` keeps to it.
   */
  kinds: Readonly<Record<CredentialKind, KindRule>>;
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
