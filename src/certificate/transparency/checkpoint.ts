import { HASH_SIZE } from './merkle.js';
import { NoteError, openNote } from './note.js';
import type { NoteVerifier } from './note.js';

/**
 * C2SP tlog-checkpoint: the note text `origin\nsize\nbase64(root)\n`, optionally followed by
 * extension lines (none are written here; readers ignore them).
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function checkpointText(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const [origin = '', size = '', root = ''] = text.split('\n');
  const rootBytes = Buffer.from(root, 'base64');
  if (
    origin === '' ||
    !/^(0|[1-9][0-9]{0,15})$/.test(size) ||
    rootBytes.length !== HASH_SIZE ||
    rootBytes.toString('base64') !== root
  ) {
    throw new NoteError(
      'LOG_CHECKPOINT_MALFORMED',
      'Malformed checkpoint: expected origin, size and root hash lines.',
    );
  }
  return { origin, size: Number(size), root: rootBytes };
}

/** A checkpoint note whose signature by `verifier` verifies, and whose origin is `origin`. */
export function openCheckpoint(note: string, verifier: NoteVerifier, origin = verifier.name): Checkpoint {
  const checkpoint = parseCheckpointText(openNote(note, verifier).text);
  if (checkpoint.origin !== origin) {
    throw new NoteError(
      'LOG_ORIGIN_MISMATCH',
      `The checkpoint is for the log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}.`,
    );
  }
  return checkpoint;
}

/** tlog-tiles: hashes per tile (2^8) and the tile height. */
export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;

/** tlog-tiles index path: 1234067 → x001/x234/067. */
export function tileIndexPath(n: number): string {
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The inverse of tileIndexPath, or undefined for a path that is not a canonical index. */
export function parseTileIndexPath(path: string): number | undefined {
  const groups = path.split('/');
  let n = 0;
  for (const [i, group] of groups.entries()) {
    const last = i === groups.length - 1;
    const m = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(group);
    if (!m?.[1]) return undefined;
    n = n * 1000 + Number(m[1]);
  }
  return Number.isSafeInteger(n) && tileIndexPath(n) === path ? n : undefined;
}
