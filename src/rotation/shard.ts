import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

/** Shard `index` of `count`, 1-based as written by the user (`2/3`). */
export interface Shard {
  index: number;
  count: number;
}

const MAX_SHARDS = 1024;

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      'INVALID_SHARD',
      `The shard must be I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 2/3 for the second of three runners); got "${text}".`,
      { hint: { option: 'shard', fix: 'check' } },
    );
  }
  return { index, count };
}

/**
 * The shard (1-based) a credential belongs to. It depends only on the id and the shard count, so
 * every runner of a matrix computes the same split on its own, and adding, removing or reordering
 * other credentials never moves a credential to another runner (position-based splits would,
 * and two runners could then rotate the same credential while another is skipped).
 */
export function shardOf(id: string, count: number): number {
  const digest = createHash('sha256').update(id, 'utf8').digest();
  // 48 bits of the hash keep the modulo bias far below anything measurable for count <= 1024.
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function inShard(id: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOf(id, shard.count) === shard.index;
}
