import { describe, expect, it } from 'vitest';
import { chiSquareCritical, normalQuantileUpper } from './stats.js';

// Checks the test helper itself against published table values, so the uniformity test's
// critical values can be trusted.
describe('statistics helper', () => {
  it('finds normal quantiles', () => {
    expect(normalQuantileUpper(0.025)).toBeCloseTo(1.959964, 4);
    expect(normalQuantileUpper(1e-6)).toBeCloseTo(4.753424, 5);
  });

  it('approximates chi-square critical values', () => {
    // Table values: df 25 at p = 0.001 is 52.620; df 90 at p = 0.001 is 137.208.
    expect(chiSquareCritical(25, 0.001)).toBeCloseTo(52.62, 0);
    expect(chiSquareCritical(90, 0.001)).toBeCloseTo(137.21, 0);
  });
});
