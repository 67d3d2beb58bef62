/**
 * Limits on runs inside a credential, as RHEL's pwquality sets them: `maxrepeat` (at most this many
 * identical characters in a row) and `maxclassrepeat` (at most this many characters of one class in
 * a row). The generator enforces them by rejecting whole strings, so every string that satisfies
 * them stays equally likely; the count here is what the entropy is computed from.
 */
export interface RunLimits {
  /** At most this many identical consecutive characters. */
  maxRepeat?: number | undefined;
  /** At most this many consecutive characters of one class. */
  maxClassRepeat?: number | undefined;
}

/**
 * Run limits make the exact count a dynamic program whose cost grows with the square of the
 * length (the numbers grow with it too): ~30 ms at 256 characters, ~200 ms at 1,024. The issuer
 * recomputes it for every session, so run-limited parameters are bounded well below MAX_LENGTH.
 */
export const MAX_RUN_LIMITED_LENGTH = 256;

export function hasRunLimits(limits: RunLimits): boolean {
  return limits.maxRepeat !== undefined || limits.maxClassRepeat !== undefined;
}

/**
 * Number of strings of `length` characters over the disjoint classes (sizes given; empty classes
 * ignored) in which every non-empty class occurs and no run exceeds the limits. A walk over the
 * string keeping, per state, how many prefixes end in it: which classes were seen, the last
 * character's class, the length of the current class run and of the current identical run. A
 * dimension whose limit is unset is not tracked.
 */
export function countRunLimited(length: number, classSizes: readonly number[], limits: RunLimits): bigint {
  const sizes = classSizes.filter((n) => n > 0);
  const k = sizes.length;
  if (k === 0 || length < k) return 0n;
  const maxClassRun = limits.maxClassRepeat ?? 0;
  const maxRun = limits.maxRepeat ?? 0;
  const classRuns = Math.max(maxClassRun, 1);
  const runs = Math.max(maxRun, 1);
  const full = (1 << k) - 1;
  const index = (mask: number, c: number, r: number, m: number) =>
    ((mask * k + c) * classRuns + r) * runs + m;
  const stateCount = (full + 1) * k * classRuns * runs;
  const n = sizes.map(BigInt);
  const others = sizes.map((size) => BigInt(size - 1));

  let current: bigint[] = new Array<bigint>(stateCount).fill(0n);
  for (let c = 0; c < k; c++) current[index(1 << c, c, 0, 0)] = n[c]!;
  for (let position = 1; position < length; position++) {
    const next: bigint[] = new Array<bigint>(stateCount).fill(0n);
    for (let mask = 1; mask <= full; mask++) {
      for (let c = 0; c < k; c++) {
        if (!(mask & (1 << c))) continue;
        for (let r = 0; r < classRuns; r++) {
          for (let m = 0; m < runs; m++) {
            const ways = current[index(mask, c, r, m)]!;
            if (ways === 0n) continue;
            // the same class again, if its run may grow (an untracked run stays at 0)
            const r2 = maxClassRun ? r + 1 : 0;
            if (r2 < classRuns || !maxClassRun) {
              if (!maxRun) {
                next[index(mask, c, r2, 0)]! += ways * n[c]!;
              } else {
                if (m + 1 < runs) next[index(mask, c, r2, m + 1)]! += ways;
                next[index(mask, c, r2, 0)]! += ways * others[c]!;
              }
            }
            for (let d = 0; d < k; d++) {
              if (d !== c) next[index(mask | (1 << d), d, 0, 0)]! += ways * n[d]!;
            }
          }
        }
      }
    }
    current = next;
  }
  let total = 0n;
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < classRuns; r++) {
      for (let m = 0; m < runs; m++) total += current[index(full, c, r, m)]!;
    }
  }
  return total;
}

/**
 * Whether a string breaks the limits; `classOf` maps a character code to its class. Used on every
 * candidate the generator draws, so it reads the string once and allocates nothing.
 */
export function breaksRunLimits(
  text: Uint8Array,
  length: number,
  classOf: Uint8Array,
  limits: RunLimits,
): boolean {
  const maxRun = limits.maxRepeat ?? Infinity;
  const maxClassRun = limits.maxClassRepeat ?? Infinity;
  let run = 1;
  let classRun = 1;
  for (let i = 1; i < length; i++) {
    const here = text[i]!;
    const before = text[i - 1]!;
    run = here === before ? run + 1 : 1;
    classRun = classOf[here] === classOf[before] ? classRun + 1 : 1;
    if (run > maxRun || classRun > maxClassRun) return true;
  }
  return false;
}
