/**
 * The Wilson score interval for a proportion: how far a holdout accuracy measured on a few
 * items can be from the model's real one. Unlike "p ± z·√(p(1−p)/n)" it stays inside [0, 1]
 * and is not zero-width at 0 of 5 or 5 of 5, which is exactly where a tiny holdout sits.
 * Wilson (1927); the figures tested are Newcombe (1998), Statistics in Medicine 17:857, table I.
 */

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  lo: number;
  hi: number;
}

/** The interval for `successes` out of `trials`; null without trials (nothing measured). */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval | null {
  if (!Number.isFinite(trials) || trials <= 0) return null;
  if (!Number.isFinite(successes) || successes < 0 || successes > trials) throw new RangeError(`successes must be within 0..${trials}, got ${successes}`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // Clamped: at p = 0 or 1 rounding leaves a bound a hair outside [0, 1].
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * The interval of an accuracy reported as a share of `n` items (the trainer sends the share,
 * not the count): the count is the nearest whole number of items right.
 */
export function accuracyInterval(accuracy: number, n: number, z = Z95): Interval | null {
  if (!Number.isFinite(accuracy) || !(n > 0)) return null;
  const right = Math.min(n, Math.max(0, Math.round(accuracy * n)));
  return wilsonInterval(right, n, z);
}
