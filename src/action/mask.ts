/**
 * What to register with the runner's masker for one secret value.
 *
 * The runner redacts only exact occurrences of a registered string, and a log line is matched
 * line by line, so a multi-line secret must be registered line by line as well as whole
 * (GHSA-4mgv-m5cm-f9h7), and a JSON secret leaf by leaf, since tools print single fields.
 * Trivial pieces are never registered: masking `{`, `3` or `true` turns every later log line into
 * asterisks (actions/runner#326) and hides nothing.
 */
export const MIN_MASK_LENGTH = 4;

const TRIVIAL_WORDS = new Set(['true', 'false', 'null', 'undefined', 'none', 'yes', 'no', 'on', 'off']);

export function isTrivial(piece: string): boolean {
  if (piece.length < MIN_MASK_LENGTH) return true;
  if (TRIVIAL_WORDS.has(piece.toLowerCase())) return true;
  // Structure only (`{`, `},`, `[]`), or a short number such as a port: nothing secret in them.
  if (/^[\s{}[\](),:;"'`]*$/.test(piece)) return true;
  return /^-?\d{1,6}$/.test(piece);
}

export function maskablePieces(value: string): string[] {
  const pieces = new Set<string>();
  const add = (piece: string): void => {
    const trimmed = piece.trim();
    if (!isTrivial(trimmed)) pieces.add(trimmed);
  };
  add(value);
  const trimmed = value.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed !== null && typeof parsed === 'object') {
    // The leaves are what can leak on their own; the lines of pretty-printed JSON (`"port": 5432,`)
    // are layout.
    collectLeaves(parsed, add);
  } else {
    const lines = value.split(/\r?\n|\r/);
    if (lines.length > 1) for (const line of lines) add(line);
  }
  return [...pieces];
}

function collectLeaves(node: unknown, add: (piece: string) => void, depth = 0): void {
  if (depth > 32) return;
  if (typeof node === 'string') {
    add(node);
    // A leaf can itself be multi-line (a PEM key inside a JSON secret).
    if (/[\r\n]/.test(node)) for (const line of node.split(/\r?\n|\r/)) add(line);
  } else if (Array.isArray(node)) {
    for (const item of node) collectLeaves(item, add, depth + 1);
  } else if (node !== null && typeof node === 'object') {
    for (const item of Object.values(node)) collectLeaves(item, add, depth + 1);
  }
}
