import { DEFAULT_CLASS_SETS } from './charset.js';
import { CHAR_CLASSES } from './limits.js';
import type { CharClass, GenerationParams } from './types.js';

const CLASS_WORDS: Record<CharClass, string> = {
  upper: 'upper-case letters',
  lower: 'lower-case letters',
  digit: 'digits',
  special: 'special characters',
};

function classOf(ch: string): CharClass | undefined {
  return CHAR_CLASSES.find((c) => DEFAULT_CLASS_SETS[c].includes(ch));
}

/**
 * Whether a stored credential could have come from a generator run with these parameters: its
 * length, only characters of the classes drawn from (no more distinct ones than each class had),
 * every one of those classes present (the generator rejects strings missing one), and the run
 * limits. A binding proves the stored value is the one the certificate was issued for; this
 * proves the certified parameters describe it, which the issuer could not check. Returns what
 * does not fit, or undefined. Never quotes the credential.
 */
export function credentialMisfit(credential: string, params: GenerationParams): string | undefined {
  const chars = [...credential];
  if (chars.length !== params.length) {
    return `it is ${chars.length} characters long; the certificate says ${params.length}`;
  }
  const seen = new Map<CharClass, Set<string>>(CHAR_CLASSES.map((c) => [c, new Set<string>()]));
  for (const ch of chars) {
    const cls = classOf(ch);
    if (cls === undefined) return 'it holds a character outside the 94 printable ASCII characters';
    seen.get(cls)?.add(ch);
  }
  for (const cls of CHAR_CLASSES) {
    const distinct = seen.get(cls)?.size ?? 0;
    const size = params.class_sizes[cls];
    if (distinct > size) {
      return size === 0
        ? `it holds ${CLASS_WORDS[cls]}; the certificate says none were drawn`
        : `it holds ${distinct} different ${CLASS_WORDS[cls]}; the certificate says they were drawn from ${size}`;
    }
    if (size > 0 && distinct === 0)
      return `it holds no ${CLASS_WORDS[cls]}; the certificate says every string has some`;
  }
  let run = 1;
  let classRun = 1;
  for (let i = 1; i < chars.length; i++) {
    run = chars[i] === chars[i - 1] ? run + 1 : 1;
    classRun = classOf(chars[i]!) === classOf(chars[i - 1]!) ? classRun + 1 : 1;
    if (params.max_repeat !== undefined && run > params.max_repeat) {
      return `it repeats a character ${run} times in a row; the certificate allows ${params.max_repeat}`;
    }
    if (params.max_class_repeat !== undefined && classRun > params.max_class_repeat) {
      return `it has ${classRun} characters of one class in a row; the certificate allows ${params.max_class_repeat}`;
    }
  }
  return undefined;
}
