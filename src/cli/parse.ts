import { InvalidArgumentError } from 'commander';
import { CHAR_CLASSES as CLASSES, type CharClass } from '../policy/index.js';

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  return Number(value);
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return Number(value);
}

export function parseClassList(value: string): CharClass[] {
  const parts = value
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const unknown = parts.filter((p) => !CLASSES.includes(p as CharClass));
  if (unknown.length > 0 || parts.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${CLASSES.join(', ')}.`);
  }
  return [...new Set(parts)] as CharClass[];
}

/** commander's argParser for a repeatable option: every occurrence, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
