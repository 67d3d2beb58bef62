import { createHash } from 'node:crypto';

/**
 * An independent RFC 9162 §2.1 implementation for the tests, written from the RFC's recursive
 * definitions (not the iterative verification algorithms the code under test uses), and sharing
 * no code with src/. It recomputes roots from paths by walking the definitions of PATH and
 * SUBPROOF from the top.
 */

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const hashLeaf = (entry: Uint8Array): Buffer => sha256(Buffer.from([0x00]), entry);
const hashChildren = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([0x01]), l, r);

/** k: the largest power of two smaller than n. */
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);

/** MTH(D[n]) over leaf hashes, straight from §2.1.1. */
export function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const split = k(leaves.length);
  return hashChildren(mth(leaves.slice(0, split)), mth(leaves.slice(split)));
}

/** The root the audit path `path` implies for leaf `m` of a tree of `n` leaves (null: malformed). */
function rootFromPath(m: number, n: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (n === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  const split = k(n);
  const sibling = path[path.length - 1] as Buffer;
  const rest = path.slice(0, -1);
  if (m < split) {
    const left = rootFromPath(m, split, leaf, rest);
    return left && hashChildren(left, sibling);
  }
  const right = rootFromPath(m - split, n - split, leaf, rest);
  return right && hashChildren(sibling, right);
}

export function inclusionVerifies(
  entry: Uint8Array,
  m: number,
  n: number,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (m < 0 || m >= n) return false;
  const computed = rootFromPath(m, n, hashLeaf(entry), path);
  return computed !== null && computed.equals(root);
}

/**
 * The (old, new) roots SUBPROOF(m, D[n], b) implies, consuming the proof from its end; `oldRoot`
 * stands in for D[0:m] where the proof leaves it out (b true and m == n).
 */
function rootsFromSubproof(
  m: number,
  n: number,
  whole: boolean,
  proof: readonly Buffer[],
  oldRoot: Buffer,
): [Buffer, Buffer] | null {
  if (m === n) {
    if (whole) return proof.length === 0 ? [oldRoot, oldRoot] : null;
    return proof.length === 1 ? [proof[0] as Buffer, proof[0] as Buffer] : null;
  }
  if (proof.length === 0) return null;
  const split = k(n);
  const last = proof[proof.length - 1] as Buffer;
  const rest = proof.slice(0, -1);
  if (m <= split) {
    const inner = rootsFromSubproof(m, split, whole, rest, oldRoot);
    return inner && [inner[0], hashChildren(inner[1], last)];
  }
  const inner = rootsFromSubproof(m - split, n - split, false, rest, oldRoot);
  return inner && [hashChildren(last, inner[0]), hashChildren(last, inner[1])];
}

export function consistencyVerifies(
  m: number,
  n: number,
  proof: readonly Buffer[],
  oldRoot: Buffer,
  newRoot: Buffer,
): boolean {
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0 || m > n) return false;
  const roots = rootsFromSubproof(m, n, true, proof, oldRoot);
  return roots !== null && roots[0].equals(oldRoot) && roots[1].equals(newRoot);
}
