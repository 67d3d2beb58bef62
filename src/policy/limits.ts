import type { CharClass } from './types.js';

/**
 * Longest credential we generate or certify. Large enough for any secret a store accepts, small
 * enough that exact entropy (BigInt powers of a ~27,000-bit number) stays in the milliseconds.
 */
export const MAX_LENGTH = 4096;

/** The classes in a fixed order: the order of `class_sizes`, of tables and of bit positions. */
export const CHAR_CLASSES: readonly CharClass[] = ['upper', 'lower', 'digit', 'special'];
