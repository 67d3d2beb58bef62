/**
 * Just enough statistics for the uniformity tests: the upper critical value of the chi-square
 * distribution by the Wilson–Hilferty approximation, with the normal quantile found by bisection
 * on the normal upper tail (Laplace's continued fraction, accurate for z ≥ 1 with 200 terms).
 */

function normalUpperTail(z: number): number {
  let fraction = z;
  for (let k = 200; k >= 1; k--) fraction = z + k / fraction;
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI) / fraction;
}

/** z with P(Z > z) = p, for p below 0.15. */
export function normalQuantileUpper(p: number): number {
  let lo = 1;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** x with P(X > x) = p for X ~ chi-square with df degrees of freedom (Wilson–Hilferty). */
export function chiSquareCritical(df: number, p: number): number {
  const z = normalQuantileUpper(p);
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}
