/**
 * The learning curve's shape, for projecting the labels still needed to reach a target.
 *
 * Method: the holdout error e = 1 − metric is fitted by an inverse power law in the labels
 * n, e(n) = a · n^(−b) + c, the form learning curves follow in the literature (Figueroa et
 * al. 2012, "Predicting sample size required for classification performance"; Hestness et
 * al. 2017). For a fixed floor c the fit is ordinary least squares of log(e − c) on log n;
 * with at least FLOOR_POINTS points, c is searched on a grid in [0, min e) and the c with the
 * smallest squared error (in e, not in log e) wins; with fewer, c = 0 (a floor cannot be
 * told from noise on 3 or 4 points, and c = 0 is the optimistic projection). With fewer than
 * MIN_POINTS points at distinct label counts there is no fit.
 */

export interface CurvePoint {
  /** Labels the model version was trained on. */
  labels: number;
  /** Holdout metric, higher is better, in [0, 1]. */
  metric: number;
  /** Mean uncertainty of the pool under that version (for the uncertainty plateau), if known. */
  uncertainty?: number;
}

export interface PowerLawFit {
  a: number;
  b: number;
  /** The error floor: the fit says the error never goes below it. */
  c: number;
  /** Root mean squared error of the fit, in error units. */
  rmse: number;
  points: number;
}

export const MIN_POINTS = 3;
export const FLOOR_POINTS = 5;
const FLOOR_STEPS = 50;
const TINY = 1e-9;

/** Least squares of log(e − c) on log n. Null when the label counts do not vary. */
function fitWithFloor(logN: number[], errs: number[], c: number): PowerLawFit | null {
  const m = logN.length;
  let sx = 0;
  let sy = 0;
  const ys = errs.map((e) => Math.log(Math.max(e - c, TINY)));
  for (let j = 0; j < m; j++) {
    sx += logN[j];
    sy += ys[j];
  }
  const mx = sx / m;
  const my = sy / m;
  let sxx = 0;
  let sxy = 0;
  for (let j = 0; j < m; j++) {
    sxx += (logN[j] - mx) ** 2;
    sxy += (logN[j] - mx) * (ys[j] - my);
  }
  if (sxx < TINY) return null;
  const slope = sxy / sxx;
  const a = Math.exp(my - slope * mx);
  const b = -slope;
  let sse = 0;
  for (let j = 0; j < m; j++) sse += (a * Math.exp(-b * logN[j]) + c - errs[j]) ** 2;
  return { a, b, c, rmse: Math.sqrt(sse / m), points: m };
}

/** The fit of e(n) = a · n^(−b) + c to the curve, or null with fewer than MIN_POINTS usable points. */
export function fitErrorCurve(curve: readonly CurvePoint[]): PowerLawFit | null {
  const pts = curve.filter((p) => p.labels > 0 && Number.isFinite(p.metric));
  if (new Set(pts.map((p) => p.labels)).size < MIN_POINTS) return null;
  const logN = pts.map((p) => Math.log(p.labels));
  const errs = pts.map((p) => Math.min(1, Math.max(TINY, 1 - p.metric)));
  let best = fitWithFloor(logN, errs, 0);
  if (best && pts.length >= FLOOR_POINTS) {
    const top = Math.min(...errs);
    for (let s = 1; s < FLOOR_STEPS; s++) {
      const f = fitWithFloor(logN, errs, (top * s) / FLOOR_STEPS);
      if (f && f.rmse < best.rmse) best = f;
    }
  }
  return best;
}

/** Labels at which the fitted error reaches `targetError`; Infinity when the fit's floor or slope says never. */
export function labelsForError(fit: PowerLawFit, targetError: number): number {
  if (!(fit.b > 0) || targetError <= fit.c) return Infinity;
  return (fit.a / (targetError - fit.c)) ** (1 / fit.b);
}
