import { area, boundsOf, iou, type Rect } from './geometry';

/**
 * Object keypoint similarity (COCO's OKS) and PCK, for one pair of skeleton instances.
 *
 * OKS = Σ_i exp(−d_i² / (2 s² k_i²)) δ(v_i > 0) / Σ_i δ(v_i > 0), with k_i = 2σ_i (the skeleton's
 * sigma for point i), d_i the distance between the truth's and the other's point i, and s² the
 * object's area: the truth's instance box when it has one, else the area of the bounds of its
 * labeled points (COCO uses the segment's area, which Tandem does not have). This is cocoeval's
 * `e = d² / vars / (area + eps) / 2` with `vars = (2σ)²`.
 */

export interface PointLike {
  x: number;
  y: number;
  /** COCO visibility; a predicted point has none and counts as placed. */
  v?: number;
}

export interface InstanceLike {
  points: readonly PointLike[];
  box?: Rect;
}

/** An area below one square pixel (a skeleton of one point, points on a line) would divide by ~0. */
export const MIN_OBJECT_AREA = 1;

const labeled = (p: PointLike) => p.v === undefined || p.v > 0;

/** s² of the formula: the truth's box area, else the area of its labeled points' bounds (at least 1 px²). */
export function objectArea(truth: InstanceLike): number {
  const bounds = truth.box ?? boundsOf(truth.points.filter(labeled));
  return Math.max(MIN_OBJECT_AREA, bounds ? area(bounds) : 0);
}

/**
 * OKS of `other` against `truth`, in [0, 1]; null when the truth labels no point (COCO ignores
 * such a truth). A point the truth labels and `other` marks absent (v = 0) scores 0: nothing was
 * placed there. Points are paired by index; a missing index in `other` counts as absent.
 */
export function oks(truth: InstanceLike, other: InstanceLike, sigmas: readonly number[]): number | null {
  const s2 = objectArea(truth);
  let sum = 0;
  let count = 0;
  truth.points.forEach((t, i) => {
    if (!labeled(t)) return;
    count += 1;
    const o = other.points[i];
    if (!o || !labeled(o)) return;
    const k = 2 * sigmas[i];
    const d2 = (t.x - o.x) ** 2 + (t.y - o.y) ** 2;
    sum += Math.exp(-d2 / (2 * s2 * k * k));
  });
  return count ? sum / count : null;
}

/**
 * OKS made symmetric for two annotators, where neither is the truth: the mean of OKS each way
 * (each uses its own area and labeled points). When only one way is defined it is that one; when
 * neither instance labels a point, the IoU of their boxes if both have one, else 0.
 */
export function oksBetween(a: InstanceLike, b: InstanceLike, sigmas: readonly number[]): number {
  const ab = oks(a, b, sigmas);
  const ba = oks(b, a, sigmas);
  if (ab !== null && ba !== null) return (ab + ba) / 2;
  if (ab !== null) return ab;
  if (ba !== null) return ba;
  return a.box && b.box ? iou(a.box, b.box) : 0;
}

/** PCK's default fraction of the reference size. */
export const PCK_ALPHA = 0.2;

/**
 * PCK's reference size: the longer side of the truth's box (its labeled points' bounds when it
 * has none), at least 1 px. We take the box, not COCO's torso, because a torso needs named hips
 * and shoulders and Tandem's skeletons are any shape; the longer side, not the diagonal, is
 * mmpose's `norm_item='bbox'` convention, so PCK@0.2 here reads like the figures it publishes.
 */
export function pckReferenceSize(truth: InstanceLike): number {
  const bounds = truth.box ?? boundsOf(truth.points.filter(labeled));
  return Math.max(1, bounds ? Math.max(bounds.w, bounds.h) : 0);
}

/**
 * PCK counts for one pair: of the truth's labeled points, how many `other` placed within
 * alpha × the reference size. `other` may be null (no instance matched this truth): every
 * labeled point is then a miss.
 */
export function pckCounts(truth: InstanceLike, other: InstanceLike | null, alpha = PCK_ALPHA): { correct: number; total: number } {
  const limit = alpha * pckReferenceSize(truth);
  let correct = 0;
  let total = 0;
  truth.points.forEach((t, i) => {
    if (!labeled(t)) return;
    total += 1;
    const o = other?.points[i];
    if (o && labeled(o) && Math.hypot(t.x - o.x, t.y - o.y) <= limit) correct += 1;
  });
  return { correct, total };
}
