/** A learning curve: [labels, accuracy] points in the order they were measured (labels ascending). */
export type Curve = [labels: number, accuracy: number][];

/**
 * Area under the learning curve, normalised: the trapezoid area under
 * accuracy against labels divided by the label range (last − first), so a
 * curve that sits at 0.9 throughout scores 0.9 whatever its length. A single
 * point scores its own accuracy; an empty curve scores 0. Only curves measured
 * over the same label range compare.
 */
export function aulc(curve: Curve): number {
  if (curve.length === 0) return 0;
  if (curve.length === 1) return curve[0][1];
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1];
    const [x1, y1] = curve[i];
    if (!(x1 >= x0)) throw new RangeError(`curve labels must not decrease: ${x0} then ${x1}`);
    area += ((x1 - x0) * (y0 + y1)) / 2;
  }
  const range = curve[curve.length - 1][0] - curve[0][0];
  return range > 0 ? area / range : curve[curve.length - 1][1];
}

/** The fewest labels at which the curve first reaches `target` (≥); null when it never does. */
export function labelsToTarget(curve: Curve, target: number): number | null {
  for (const [labels, accuracy] of curve) if (accuracy >= target) return labels;
  return null;
}
