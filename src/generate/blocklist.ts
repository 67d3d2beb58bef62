import passwords from '@zxcvbn-ts/language-common/dist/passwords.json.mjs';

/**
 * The common-password list shipped with zxcvbn-ts (49,233 entries, all lower-case ASCII, at most
 * 20 characters). NIST SP 800-63B-4 checks the whole password, not substrings, so a candidate is
 * common when its lower-case form is an entry.
 */

let entries: Set<string> | undefined;
/** Per length, bit m set when some entry of that length has exactly the character kinds m. */
let kindsByLength: Uint16Array | undefined;

/** Character kinds, with case folded because the comparison ignores case. */
export const KIND_LETTER = 1;
export const KIND_DIGIT = 2;
export const KIND_SPECIAL = 4;
/** Anything the generator never emits (space, non-ASCII): such entries can never match. */
const KIND_OTHER = 8;

function kindOf(code: number): number {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return KIND_LETTER;
  if (code >= 0x30 && code <= 0x39) return KIND_DIGIT;
  if (code > 0x20 && code < 0x7f) return KIND_SPECIAL;
  return KIND_OTHER;
}

function load(): Set<string> {
  if (entries) return entries;
  const set = new Set<string>();
  let longest = 0;
  for (const entry of passwords) {
    const lower = entry.toLowerCase();
    set.add(lower);
    if (lower.length > longest) longest = lower.length;
  }
  const kinds = new Uint16Array(longest + 1);
  for (const entry of set) {
    let mask = 0;
    for (let i = 0; i < entry.length; i++) mask |= kindOf(entry.charCodeAt(i));
    kinds[entry.length] = (kinds[entry.length] as number) | (1 << mask);
  }
  kindsByLength = kinds;
  entries = set;
  return set;
}

/** True when the whole candidate, ignoring case, is on the common-password list. */
export function isCommonPassword(candidate: string): boolean {
  return load().has(candidate.toLowerCase());
}

/**
 * Whether any entry could equal a candidate of `length` characters whose characters are of exactly
 * the kinds in `kinds` (KIND_* bits). A generator that always emits every included class knows
 * this once for all its output, so it can skip lookups that cannot succeed; the answer is exact,
 * never an approximation: an equal string has equal length and equal kinds.
 */
export function commonPasswordsMayMatch(length: number, kinds: number): boolean {
  load();
  const byLength = kindsByLength as Uint16Array;
  return length < byLength.length && ((byLength[length] as number) & (1 << kinds)) !== 0;
}
