/**
 * Reading and editing dotenv files the way the `dotenv` package reads them, without depending on
 * it at run time (it is a dev dependency here; tests check this module against it).
 *
 * dotenv's grammar, per entry: optional `export `, a key of `[\w.-]`, `=` (or `: `), then a value
 * that is single-quoted, double-quoted, backtick-quoted or bare; a bare value ends at `#`. Quotes
 * are stripped without unescaping, except that inside double quotes `\n` and `\r` become line
 * breaks. The last definition of a key wins.
 */

export class DotenvValueError extends Error {}

export interface DotenvEntry {
  key: string;
  value: string;
  /** Span, in the original text, of the value as written (quotes included, outer blanks not). */
  coreStart: number;
  coreEnd: number;
}

const BACKTICK = '`';
const ENTRY = new RegExp(
  [
    String.raw`^\s*(?:export\s+)?`,
    String.raw`([\w.-]+)`,
    String.raw`(\s*=\s*?|:\s+?)`,
    '(',
    String.raw`\s*'(?:\\'|[^'])*'`,
    String.raw`|\s*"(?:\\"|[^"])*"`,
    String.raw`|\s*${BACKTICK}(?:\\${BACKTICK}|[^${BACKTICK}])*${BACKTICK}`,
    String.raw`|[^#\r\n]+`,
    ')?',
    String.raw`\s*(?:#.*)?$`,
  ].join(''),
  'gmd',
);
const QUOTED = /^(['"`])([\s\S]*)\1$/gm;

/**
 * dotenv normalises CRLF/CR to LF before parsing. We parse the normalised text but must edit the
 * original bytes, so keep a map from normalised offsets back to original offsets.
 */
function normalise(text: string): { normalised: string; toOriginal: number[] } {
  let normalised = '';
  const toOriginal: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    toOriginal.push(i);
    if (ch === '\r') {
      normalised += '\n';
      if (text[i + 1] === '\n') i++;
    } else {
      normalised += ch;
    }
  }
  toOriginal.push(text.length);
  return { normalised, toOriginal };
}

function decodeValue(raw: string): string {
  let value = raw.trim();
  const quote = value[0];
  value = value.replace(QUOTED, '$2');
  if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return value;
}

/** Every entry in file order (a key may appear more than once; the last one counts). */
export function parseDotenvEntries(text: string): DotenvEntry[] {
  const { normalised, toOriginal } = normalise(text);
  const entries: DotenvEntry[] = [];
  ENTRY.lastIndex = 0;
  for (let match = ENTRY.exec(normalised); match !== null; match = ENTRY.exec(normalised)) {
    if (match[0] === '') {
      ENTRY.lastIndex++;
      continue;
    }
    const indices = match.indices;
    const key = match[1] as string;
    const raw = match[3];
    let coreStart: number;
    let coreEnd: number;
    if (raw === undefined || raw.trim() === '') {
      const at = raw === undefined ? (indices?.[2]?.[1] ?? 0) : (indices?.[3]?.[0] ?? 0);
      coreStart = at;
      coreEnd = at;
    } else {
      const groupStart = indices?.[3]?.[0] ?? 0;
      coreStart = groupStart + (raw.length - raw.trimStart().length);
      coreEnd = groupStart + raw.trimEnd().length;
    }
    entries.push({
      key,
      value: decodeValue(raw ?? ''),
      coreStart: toOriginal[coreStart] ?? text.length,
      coreEnd: toOriginal[coreEnd] ?? text.length,
    });
  }
  return entries;
}

/** The key → value map dotenv would produce. */
export function parseDotenv(text: string): Map<string, string> {
  return new Map(parseDotenvEntries(text).map((e) => [e.key, e.value]));
}

const BARE_SAFE = /^[A-Za-z0-9_@%+=:,./~^-]+$/;
// C0 controls, DEL, and the Unicode line/paragraph separators that dotenv's fast parser treats
// as line breaks: none can be written on one line.
// eslint-disable-next-line no-control-regex
const UNWRITABLE = /[\u0000-\u001f\u007f\u2028\u2029]/;

function candidateEncodings(value: string): string[] {
  const candidates: string[] = [];
  if (BARE_SAFE.test(value)) candidates.push(value);
  if (!value.includes("'")) candidates.push(`'${value}'`);
  if (!value.includes(BACKTICK)) candidates.push(`${BACKTICK}${value}${BACKTICK}`);
  if (!value.includes('"') && !/\\[nr]/.test(value)) candidates.push(`"${value}"`);
  return candidates;
}

function sameOthers(before: Map<string, string>, after: Map<string, string>, key: string): boolean {
  for (const [k, v] of before) if (k !== key && after.get(k) !== v) return false;
  for (const k of after.keys()) if (k !== key && !before.has(k)) return false;
  return true;
}

/**
 * Returns `text` with `key` set to `value`, every other line untouched. The result is re-parsed
 * before it is returned: an encoding is accepted only if the key reads back exactly and no other
 * key's value changed, so a file dotenv would misread is never produced.
 */
export function setDotenvValue(text: string, key: string, value: string): string {
  if (UNWRITABLE.test(value)) {
    throw new DotenvValueError(
      'the value contains a control character or line break, which a one-line dotenv value cannot hold',
    );
  }
  const entries = parseDotenvEntries(text);
  const before = new Map(entries.map((e) => [e.key, e.value]));
  const target = entries.findLast((e) => e.key === key);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  for (const encoded of candidateEncodings(value)) {
    let next: string;
    if (target) {
      next = text.slice(0, target.coreStart) + encoded + text.slice(target.coreEnd);
    } else {
      const separator = text === '' || text.endsWith('\n') || text.endsWith('\r') ? '' : eol;
      next = `${text}${separator}${key}=${encoded}${eol}`;
    }
    const after = parseDotenv(next);
    if (after.get(key) === value && sameOthers(before, after, key)) return next;
  }
  throw new DotenvValueError(
    'the value cannot be written so that dotenv reads it back exactly: it contains all three quote ' +
      'characters \' " ` (or " together with a literal \\n or \\r). Exclude \' or ` from the ' +
      'generated character set',
  );
}
