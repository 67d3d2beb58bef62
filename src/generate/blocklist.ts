/**
 * The common-password list shipped with zxcvbn-ts (49,233 entries, all lower-case ASCII, at most
 * 20 characters). NIST SP 800-63B-4 checks the whole password, not substrings, so a candidate is
 * common when its lower-case form is an entry.
 */

let entries: Promise<ReadonlySet<string>> | undefined;

/**
 * Per length (index), bit m set when some entry of that length, lower-cased, has exactly the
 * character kinds m (KIND_* bits). Precomputed from the list so that deciding whether a generator
 * needs the list at all does not load it; test/generate/generator.test.ts recomputes it from the
 * shipped list and fails, printing the new table, when a package update changes it.
 */
export const COMMON_PASSWORD_KINDS: readonly number[] = [
  0, 0, 0, 14, 46, 174, 238, 238, 238, 238, 110, 46, 174, 14, 14, 174, 14, 14, 12, 4, 12,
];

/** Character kinds, with case folded because the comparison ignores case. */
export const KIND_LETTER = 1;
export const KIND_DIGIT = 2;
export const KIND_SPECIAL = 4;
/** Anything the generator never emits (space, non-ASCII): such entries can never match. */
const KIND_OTHER = 8;

export function kindOf(code: number): number {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return KIND_LETTER;
  if (code >= 0x30 && code <= 0x39) return KIND_DIGIT;
  if (code > 0x20 && code < 0x7f) return KIND_SPECIAL;
  return KIND_OTHER;
}

/**
 * The list's entries, lower-cased, loaded on first call. The package decodes its compressed list
 * when it is evaluated (~20 ms), which most runs would pay for nothing: a generator of the usual
 * lengths and class mixes never consults the list (COMMON_PASSWORD_KINDS). Behind `import()`, a
 * bundle keeps it in a chunk of its own that only a run that needs it loads.
 */
export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  entries ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase())),
  );
  return entries;
}

/** True when the whole candidate, ignoring case, is on the common-password list. */
export async function isCommonPassword(candidate: string): Promise<boolean> {
  return (await loadCommonPasswords()).has(candidate.toLowerCase());
}

/**
 * Whether any entry could equal a candidate of `length` characters whose characters are of exactly
 * the kinds in `kinds` (KIND_* bits). A generator that always emits every included class knows
 * this once for all its output, so it can skip lookups that cannot succeed; the answer is exact,
 * never an approximation: an equal string has equal length and equal kinds.
 */
export function commonPasswordsMayMatch(length: number, kinds: number): boolean {
  return ((COMMON_PASSWORD_KINDS[length] ?? 0) & (1 << kinds)) !== 0;
}
