/** One day in milliseconds: rotation periods and expiry windows are counted in whole days. */
export const DAY_MS = 86_400_000;
