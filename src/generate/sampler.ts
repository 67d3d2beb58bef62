import { InputError, PassgeniError } from '../errors.js';
import type { Charset, CharClass } from '../policy/index.js';
import { CHAR_CLASSES, MAX_LENGTH, breaksRunLimits, countStrings, hasRunLimits } from '../policy/index.js';
import type { RunLimits } from '../policy/index.js';
import {
  KIND_DIGIT,
  KIND_LETTER,
  KIND_SPECIAL,
  commonPasswordsMayMatch,
  loadCommonPasswords,
} from './blocklist.js';
import type { RandomFill } from './random.js';

/**
 * The uniform sampler behind every credential.
 *
 * Per character: a random byte b is accepted only when b < 256 - (256 mod n) for a pool of n
 * characters, and then names character b mod n; every character is equally likely (no modulo
 * bias). Per string: a string missing an included class, breaking the run limits, or on the
 * common-password list, is discarded whole and drawn again, so every remaining string is equally
 * likely.
 *
 * Speed comes from three precomputed things: a 256-entry table that turns a byte into
 * (character code | class bit << 8 | accepted << 16) with one load, so the inner loop has no
 * branch on rejection; a random pool refilled 64 KiB at a time; and one reused output buffer.
 */

/** One entry per byte value: char code in bits 0-7, class bit in bits 8-11, "accepted" in bit 16. */
const CLASS_SHIFT = 8;
const ACCEPT_SHIFT = 16;

/** Whole-string rejections allowed per credential, at least; see attemptsFor. */
const MIN_ATTEMPTS = 10_000;

export interface Sampler {
  /** One credential. */
  next(): string;
  /** Zero every buffer that may hold credential material. */
  wipe(): void;
}

/** Async only to load the common-password list, and only when this shape could be on it. */
export async function createSampler(
  charset: Charset,
  length: number,
  random: RandomFill,
  poolSize: number,
  limits: RunLimits = {},
): Promise<Sampler> {
  const { table, need, kinds, classOf } = compile(charset, length);
  const maxAttempts = attemptsFor(charset, length, limits);
  const runLimited = hasRunLimits(limits);
  const blocklist = commonPasswordsMayMatch(length, kinds) ? await loadCommonPasswords() : undefined;
  const pool = new Uint8Array(poolSize);
  const out = Buffer.alloc(length);
  let pos = poolSize;

  function next(): string {
    let lastRefill = -1;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let mask = 0;
      for (let i = 0; i < length;) {
        if (pos === poolSize) {
          // A whole pool without one accepted byte never happens with a working random source
          // (p < 0.37^256); stop rather than spin on a broken one.
          const progress = attempt * length + i;
          if (progress === lastRefill) {
            wipeOut();
            throw failed('the random source returned no usable bytes');
          }
          lastRefill = progress;
          // pos moves only after the fill succeeds: a source that throws never leaves consumed
          // (zeroed) bytes to be read a second time.
          random(pool);
          pos = 0;
        }
        const entry = table[pool[pos]!]!;
        pool[pos++] = 0; // consumed randomness is credential material: do not keep it
        out[i] = entry; // Uint8Array stores the low 8 bits: the character code
        mask |= entry;
        i += entry >>> ACCEPT_SHIFT;
      }
      if ((mask & need) !== need) continue;
      if (runLimited && breaksRunLimits(out, length, classOf, limits)) continue;
      const candidate = out.toString('latin1', 0, length);
      if (blocklist?.has(candidate.toLowerCase())) continue;
      wipeOut();
      return candidate;
    }
    wipeOut();
    throw failed(`${maxAttempts} candidates in a row were rejected`);
  }

  function wipeOut(): void {
    for (let i = 0; i < length; i++) out[i] = 0;
  }

  return {
    next,
    wipe(): void {
      pool.fill(0);
      wipeOut();
      pos = poolSize;
    },
  };
}

function failed(why: string): PassgeniError {
  return new PassgeniError(
    'GENERATION_FAILED',
    `Could not generate a credential: ${why}. Nothing was generated; check the random source and that the character set is not almost entirely excluded.`,
  );
}

interface Compiled {
  table: Int32Array;
  /** Class bits every accepted string must show. */
  need: number;
  /** The blocklist character kinds of every accepted string. */
  kinds: number;
  /** Character code → class index, for the run limits. */
  classOf: Uint8Array;
}

function compile(charset: Charset, length: number): Compiled {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `The length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}.`,
    );
  }
  // Charsets come from buildCharset (through resolvePolicy), whose classes are disjoint subsets
  // of the default sets, so a character is neither twice as likely nor filed in the wrong class.
  const codes: number[] = [];
  const bits: number[] = [];
  const classOf = new Uint8Array(256);
  let need = 0;
  let kinds = 0;
  for (const [index, cls] of CHAR_CLASSES.entries()) {
    const chars = charset.classes[cls];
    for (const ch of chars) {
      codes.push(ch.charCodeAt(0));
      bits.push(1 << index);
      classOf[ch.charCodeAt(0)] = index;
    }
    if (chars.length > 0) {
      need |= 1 << index;
      kinds |= kindOf(cls);
    }
  }
  const n = codes.length;
  const table = new Int32Array(256);
  const limit = 256 - (256 % n);
  for (let b = 0; b < limit; b++) {
    table[b] = codes[b % n]! | (bits[b % n]! << CLASS_SHIFT) | (1 << ACCEPT_SHIFT);
  }
  return { table, need: need << CLASS_SHIFT, kinds, classOf };
}

function kindOf(cls: CharClass): number {
  return cls === 'digit' ? KIND_DIGIT : cls === 'special' ? KIND_SPECIAL : KIND_LETTER;
}

/**
 * Enough whole-string attempts that a working random source fails with probability below 2^-64:
 * with acceptance p per attempt, (1-p)^A ≤ e^(-pA) ≤ 2^-64 needs A ≥ 44.4/p. At least MIN_ATTEMPTS.
 * (The blocklist removes a negligible share of strings and is not counted in p.)
 */
function attemptsFor(charset: Charset, length: number, limits: RunLimits): number {
  const sizes = CHAR_CLASSES.map((c) => charset.classes[c].length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = countStrings(length, sizes, limits);
  // No characters at all, fewer characters than included classes, or run limits no string keeps
  // to: no attempt could succeed.
  if (count === 0n) {
    throw new InputError(
      'IMPOSSIBLE_REQUEST',
      `No ${length}-character credential has every included class${hasRunLimits(limits) ? ' within the run limits' : ''}.`,
    );
  }
  // p = count / total^length, as a float from the leading digits of both.
  const all = BigInt(total) ** BigInt(length);
  const scale = all.toString(2).length > 60 ? BigInt(all.toString(2).length - 60) : 0n;
  const p = Number(count >> scale) / Number(all >> scale);
  return Math.max(MIN_ATTEMPTS, Math.ceil(44.4 / p));
}
