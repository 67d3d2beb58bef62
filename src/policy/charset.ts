import { InputError } from '../errors.js';
import { CHAR_CLASSES } from './limits.js';
import type { CharClass } from './types.js';

function range(from: number, to: number): string {
  let s = '';
  for (let c = from; c <= to; c++) s += String.fromCharCode(c);
  return s;
}

const PUNCTUATION = range(0x21, 0x2f) + range(0x3a, 0x40) + range(0x5b, 0x60) + range(0x7b, 0x7e);

/** The 94 printable ASCII characters (space excluded), split into the four classes. */
export const DEFAULT_CLASS_SETS: Readonly<Record<CharClass, string>> = Object.freeze({
  upper: range(0x41, 0x5a),
  lower: range(0x61, 0x7a),
  digit: range(0x30, 0x39),
  special: PUNCTUATION,
});

/** The characters a generator draws from, per class (disjoint); `pool` is their concatenation. */
export interface Charset {
  classes: Record<CharClass, string>;
  pool: string;
  /** How many characters of the chosen sets `exclude` removed (a count, never which). */
  excludedCount: number;
}

export interface CharsetOptions {
  /** Characters the target system rejects. Characters outside the chosen sets are ignored. */
  exclude?: string | undefined;
  /** Replaces the 32 ASCII punctuation characters as the special set. */
  symbols?: string | undefined;
  /** Classes to include; default all four. Classes left out are empty strings. */
  classes?: readonly CharClass[] | undefined;
}

export function buildCharset(options: CharsetOptions = {}): Charset {
  const included = new Set(options.classes ?? CHAR_CLASSES);
  const chosen: Record<CharClass, string> = { ...DEFAULT_CLASS_SETS };
  if (options.symbols !== undefined) chosen.special = parseSymbols(options.symbols);

  const exclude = new Set(options.exclude ?? '');
  const classes = { upper: '', lower: '', digit: '', special: '' } satisfies Record<CharClass, string>;
  let excludedCount = 0;
  for (const cls of CHAR_CLASSES) {
    if (!included.has(cls)) continue;
    for (const ch of chosen[cls]) {
      if (exclude.has(ch)) excludedCount++;
      else classes[cls] += ch;
    }
  }
  return { classes, pool: CHAR_CLASSES.map((c) => classes[c]).join(''), excludedCount };
}

/**
 * A custom special set must stay inside the default one: every count the certificate records is
 * bounded by the default sets' sizes, and duplicates would make some symbols likelier than others.
 */
function parseSymbols(symbols: string): string {
  const invalid = new Set<string>();
  for (const ch of symbols) if (!PUNCTUATION.includes(ch)) invalid.add(ch);
  if (invalid.size > 0 || symbols.length === 0) {
    const shown = [...invalid].map((ch) => (ch === ' ' ? 'space' : JSON.stringify(ch).slice(0, 12)));
    throw new InputError(
      'INVALID_SYMBOLS',
      symbols.length === 0
        ? 'The symbol set is empty. Give at least one punctuation character, or leave `special` out of the classes instead.'
        : `The symbol set may only contain printable ASCII punctuation (no letters, digits or space); not allowed: ${shown.join(' ')}. Allowed: ${PUNCTUATION}`,
      { details: { allowed: PUNCTUATION } },
    );
  }
  // Keep the default order so the same set always maps bytes to characters the same way.
  const wanted = new Set(symbols);
  return [...PUNCTUATION].filter((ch) => wanted.has(ch)).join('');
}
