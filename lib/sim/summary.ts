import { aulc, labelsToTarget, type Curve } from './aulc';

/** One strategy on one seed: its curve and the two numbers read off it. */
export interface SeedResult {
  seed: number;
  curve: Curve;
  aulc: number;
  /** Labels at which the holdout accuracy first reached the target; null when it never did within the budget. */
  labelsToTarget: number | null;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface StrategySummary {
  seeds: SeedResult[];
  aulc: Spread;
  labelsToTarget: {
    /** Median over seeds, a seed that never reached the target counting as more than any budget; null when half or more never did. */
    median: number | null;
    /** Seeds that reached the target. */
    reached: number;
  };
}

/**
 * The median of the values (the mean of the two middle ones for an even
 * count); `null` entries count as +∞ (a target never reached). Null when the
 * median is +∞ or there are no values.
 */
export function median(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => (v === null ? Infinity : v)).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Number.isFinite(m) ? m : null;
}

export function seedResult(seed: number, curve: Curve, target: number): SeedResult {
  return { seed, curve, aulc: aulc(curve), labelsToTarget: labelsToTarget(curve, target) };
}

/** Per-strategy figures over its seeds. */
export function summarise(seeds: SeedResult[]): StrategySummary {
  const a = seeds.map((s) => s.aulc);
  return {
    seeds,
    aulc: { median: median(a) ?? 0, min: a.length ? Math.min(...a) : 0, max: a.length ? Math.max(...a) : 0 },
    labelsToTarget: {
      median: median(seeds.map((s) => s.labelsToTarget)),
      reached: seeds.filter((s) => s.labelsToTarget !== null).length,
    },
  };
}

/**
 * How many times more labels `baseline` needed than `candidate` to reach the
 * target (median over seeds each). When the baseline never reached it within
 * the budget, its need is at least `budget + 1`, and the ratio is a lower
 * bound (`atLeast`). Null when the candidate did not reach the target.
 */
export function labelRatio(baseline: StrategySummary, candidate: StrategySummary, budget: number): { ratio: number; atLeast: boolean } | null {
  const c = candidate.labelsToTarget.median;
  if (c === null || c <= 0) return null;
  const b = baseline.labelsToTarget.median;
  return b === null ? { ratio: (budget + 1) / c, atLeast: true } : { ratio: b / c, atLeast: false };
}
