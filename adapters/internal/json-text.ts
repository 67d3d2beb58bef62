/**
 * Editing one member of a JSON object *in its original text*. Re-serialising with
 * `JSON.stringify(JSON.parse(text))` would rewrite every other member: `1.0` becomes `1`,
 * integers above 2^53 lose digits, `"\u00e9"` becomes `"é"`, spacing and key order change. A
 * secret shared with other tools (RDS-style `{username, password, host, port}`) must keep every
 * byte of the members we were not asked to change, so we locate the member's value span and
 * splice. The text is validated with `JSON.parse` first, so the scanner only has to find
 * boundaries in text already known to be valid JSON.
 */

import { StoreError } from '../store.js';

export class JsonTextError extends Error {}

export interface JsonMember {
  key: string;
  /** Index just after the `{` or `,` that precedes this member. */
  leadStart: number;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface JsonObjectLayout {
  open: number;
  members: JsonMember[];
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function skipWhitespace(text: string, index: number): number {
  let i = index;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i += 2;
    else if (code === 0x22) return i + 1;
    else i++;
  }
  throw new JsonTextError('unterminated string');
}

function scanValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return scanString(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i = scanString(text, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new JsonTextError('unterminated container');
  }
  let i = start;
  while (i < text.length && !',}]'.includes(text[i] ?? '') && !isWhitespace(text.charCodeAt(i))) i++;
  if (i === start) throw new JsonTextError(`unexpected character at ${start}`);
  return i;
}

/** Members of the object whose `{` is at `open`, in text already validated as JSON. */
export function scanObject(text: string, open: number): JsonObjectLayout {
  if (text[open] !== '{') throw new JsonTextError('not an object');
  const members: JsonMember[] = [];
  let leadStart = open + 1;
  let i = skipWhitespace(text, leadStart);
  if (text[i] === '}') return { open, members };
  for (;;) {
    const keyStart = i;
    const keyEnd = scanString(text, keyStart);
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ':') throw new JsonTextError('expected ":"');
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = scanValue(text, valueStart);
    members.push({ key, leadStart, keyStart, keyEnd, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ',') {
      leadStart = i + 1;
      i = skipWhitespace(text, leadStart);
      continue;
    }
    if (text[i] !== '}') throw new JsonTextError('expected "," or "}"');
    return { open, members };
  }
}

/** Validates `text` as a JSON object and returns its top-level layout. */
export function parseObjectText(text: string): { value: Record<string, unknown>; layout: JsonObjectLayout } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonTextError('the value is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonTextError('the value is JSON but not an object');
  }
  const layout = scanObject(text, skipWhitespace(text, 0));
  return { value: value as Record<string, unknown>, layout };
}

/**
 * Sets the top-level member `key` to `valueJson` (already serialised), keeping every other byte.
 * A missing key is appended after the last member, copying the last member's indentation and
 * `": "` spacing so hand-formatted secrets stay readable.
 */
export function spliceMember(text: string, key: string, valueJson: string): string {
  const { layout } = parseObjectText(text);
  const hits = layout.members.filter((m) => m.key === key);
  if (hits.length > 1) {
    throw new JsonTextError(
      `the key "${key}" appears ${hits.length} times; readers disagree on which one counts`,
    );
  }
  const hit = hits[0];
  if (hit) return text.slice(0, hit.valueStart) + valueJson + text.slice(hit.valueEnd);
  const keyJson = JSON.stringify(key);
  const last = layout.members.at(-1);
  if (!last) {
    return text.slice(0, layout.open + 1) + keyJson + ':' + valueJson + text.slice(layout.open + 1);
  }
  const indentation = text.slice(last.leadStart, last.keyStart);
  const separator = text.slice(last.keyEnd, last.valueStart);
  return (
    text.slice(0, last.valueEnd) +
    ',' +
    indentation +
    keyJson +
    separator +
    valueJson +
    text.slice(last.valueEnd)
  );
}

/** The raw text of a member's value, following `path` through nested objects; undefined if absent. */
export function memberText(text: string, path: readonly string[]): string | undefined {
  let layout = parseObjectText(text).layout;
  let current: string | undefined;
  for (const [index, key] of path.entries()) {
    const member = layout.members.filter((m) => m.key === key).at(-1);
    if (!member) return undefined;
    current = text.slice(member.valueStart, member.valueEnd);
    if (index < path.length - 1) {
      if (text[member.valueStart] !== '{') return undefined;
      layout = scanObject(text, member.valueStart);
    }
  }
  return current;
}

/** The string member `key` of a parsed object, undefined when absent; `what` names it in the error. */
export function stringMember(
  object: Record<string, unknown>,
  key: string,
  what: string,
  store: string,
): string | undefined {
  if (!Object.hasOwn(object, key)) return undefined;
  const found = object[key];
  if (typeof found !== 'string')
    throw new StoreError('STORE_INVALID_VALUE', `${what} is not a string.`, { store });
  return found;
}
