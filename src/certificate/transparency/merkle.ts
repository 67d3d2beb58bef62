import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing (SHA-256), and its audit and consistency paths computed from
 * the hashes of complete subtrees only. A complete subtree of 2^level leaves starting at leaf
 * index × 2^level is "node (level, index)"; level 0 is a leaf hash. Stored once written, those
 * nodes never change, so a proof for any tree size reads O(log n) of them and nothing else.
 */

export const HASH_SIZE = 32;

export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

export function interiorHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The hash of node (level, index): a complete subtree. */
export type NodeSource = (level: number, index: number) => Uint8Array;

/** The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function levelOf(powerOfTwo: number): number | undefined {
  let level = 0;
  for (let size = 1; size <= powerOfTwo; size *= 2, level++) if (size === powerOfTwo) return level;
  return undefined;
}

/**
 * MTH(D[start : start + size]). The subtrees RFC 9162's recursion visits always start at a
 * multiple of their own power-of-two size, so every complete one is a stored node.
 */
export function rangeHash(start: number, size: number, node: NodeSource): Uint8Array {
  const level = levelOf(size);
  if (level !== undefined) return node(level, start / size);
  const k = split(size);
  return interiorHash(rangeHash(start, k, node), rangeHash(start + k, size - k, node));
}

/** The tree head (root hash) of a tree of `size` leaves; SHA-256 of nothing for the empty tree. */
export function treeHash(size: number, node: NodeSource): Uint8Array {
  return size === 0 ? createHash('sha256').digest() : rangeHash(0, size, node);
}

/** RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves. */
export function inclusionPath(index: number, size: number, node: NodeSource): Uint8Array[] {
  const path = (m: number, start: number, n: number): Uint8Array[] => {
    if (n <= 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, start, k), rangeHash(start + k, n - k, node)]
      : [...path(m - k, start + k, n - k), rangeHash(start, k, node)];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.4.1: the consistency proof from the tree of `from` leaves to the tree of `to`. */
export function consistencyPath(from: number, to: number, node: NodeSource): Uint8Array[] {
  const subproof = (m: number, start: number, n: number, whole: boolean): Uint8Array[] => {
    if (m === n) return whole ? [] : [rangeHash(start, n, node)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, start, k, whole), rangeHash(start + k, n - k, node)]
      : [...subproof(m - k, start + k, n - k, false), rangeHash(start, k, node)];
  };
  return from === 0 || from >= to ? [] : subproof(from, 0, to, true);
}

/**
 * The nodes a computation reads, found by running it once against placeholder hashes: the
 * caller fetches exactly these (one query) and runs it again for real.
 */
export function nodesRead(compute: (node: NodeSource) => unknown): Array<[number, number]> {
  const seen = new Map<string, [number, number]>();
  const placeholder = Buffer.alloc(HASH_SIZE);
  compute((level, index) => {
    seen.set(`${level}/${index}`, [level, index]);
    return placeholder;
  });
  return [...seen.values()];
}

/**
 * The complete subtrees covering the first `size` leaves, largest first (the tree's right
 * frontier): the only old nodes that appending more leaves combines with.
 */
export function frontier(size: number): Array<[number, number]> {
  const nodes: Array<[number, number]> = [];
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) nodes.push([level, Math.floor(size / width) - 1]);
  }
  return nodes;
}

export interface NewNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The nodes that become complete when `leaves` (leaf hashes) are appended to a tree of `size`
 * leaves: the leaves themselves (level 0) and every interior node they complete. `old` answers
 * for the frontier of the old tree.
 */
export function appendedNodes(size: number, leaves: readonly Buffer[], old: NodeSource): NewNode[] {
  const known = new Map<string, Uint8Array>();
  const get = (level: number, index: number): Uint8Array =>
    known.get(`${level}/${index}`) ?? old(level, index);
  const added: NewNode[] = [];
  leaves.forEach((hash, i) => {
    known.set(`0/${size + i}`, hash);
    added.push({ level: 0, index: size + i, hash });
  });
  const end = size + leaves.length;
  for (let level = 1; 2 ** level <= end; level++) {
    const width = 2 ** level;
    for (let index = Math.floor(size / width); (index + 1) * width <= end; index++) {
      const hash = interiorHash(get(level - 1, 2 * index), get(level - 1, 2 * index + 1));
      known.set(`${level}/${index}`, hash);
      added.push({ level, index, hash });
    }
  }
  return added;
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` (hash `leaf`) is in the tree with `root`? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = interiorHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = interiorHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}

/** RFC 9162 §2.1.4.2: does `path` prove the tree (`from`, `oldRoot`) is a prefix of (`to`, `newRoot`)? */
export function verifyConsistency(
  from: number,
  to: number,
  path: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  if (from > to) return false;
  if (from === to) return path.length === 0 && Buffer.from(oldRoot).equals(Buffer.from(newRoot));
  if (from === 0) return path.length === 0;
  if (path.length === 0) return false;
  let proof = [...path];
  // a `from` that is a power of two is itself a complete subtree: the proof leaves it out
  if (levelOf(from) !== undefined) proof = [oldRoot, ...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const [first, ...rest] = proof;
  if (first === undefined) return false;
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = interiorHash(c, fr);
      sr = interiorHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = interiorHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return (
    sn === 0 && Buffer.from(fr).equals(Buffer.from(oldRoot)) && Buffer.from(sr).equals(Buffer.from(newRoot))
  );
}
