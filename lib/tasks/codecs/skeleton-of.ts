import { COCO17, type Skeleton } from '../skeletons';

/**
 * A skeleton's parts that COCO and YOLO files do not carry, inferred from the keypoint names:
 * left/right pairs for flipping and OKS sigmas.
 */

/**
 * Sigma for a keypoint neither COCO17 nor the file names: 0.05, inside COCO's own range (0.025
 * for the eyes to 0.107 for the hips) and near its mean (0.062). An owner who knows better edits
 * the project's skeleton; until then OKS treats every such point alike.
 */
export const DEFAULT_SIGMA = 0.05;

const COCO17_SIGMA = new Map(COCO17.keypoints.map((name, i) => [name, COCO17.sigmas[i]]));

/** COCO17's sigma for each point it names (by name, so a subset or another order still works), else DEFAULT_SIGMA. */
export function sigmasByName(names: readonly string[]): number[] {
  return names.map((n) => COCO17_SIGMA.get(n.toLowerCase()) ?? DEFAULT_SIGMA);
}

/** The name with its left/right word swapped ("left_knee" ↔ "right_knee", "hip-L"-style is not guessed); null when it has none. */
function mirrored(name: string): string | null {
  const parts = name.split(/([_\-\s.]+)/); // keep separators at odd indices
  let changed = false;
  const out = parts.map((p, i) => {
    if (i % 2 === 1) return p;
    const lower = p.toLowerCase();
    if (lower !== 'left' && lower !== 'right') return p;
    changed = true;
    const other = lower === 'left' ? 'right' : 'left';
    return p === p.toUpperCase() ? other.toUpperCase() : p[0] === p[0].toUpperCase() ? other[0].toUpperCase() + other.slice(1) : other;
  });
  return changed ? out.join('') : null;
}

/** Left/right pairs found by name: each point whose name has the word left or right, with the point named the other way. */
export function flipsByName(names: readonly string[]): [number, number][] {
  const index = new Map(names.map((n, i) => [n, i]));
  const pairs: [number, number][] = [];
  names.forEach((n, i) => {
    const m = mirrored(n);
    const j = m === null ? undefined : index.get(m);
    if (j !== undefined && i < j) pairs.push([i, j]);
  });
  return pairs;
}

/** COCO17's colours when the names are COCO17's, in its order. */
export function colorsByName(names: readonly string[]): string[] | undefined {
  const same = names.length === COCO17.keypoints.length && names.every((n, i) => n === COCO17.keypoints[i]);
  return same ? COCO17.colors : undefined;
}

/** A skeleton from names and edges, the rest inferred. */
export function skeletonFromNames(names: string[], edges: [number, number][]): Skeleton {
  const colors = colorsByName(names);
  return { keypoints: names, edges, flips: flipsByName(names), sigmas: sigmasByName(names), ...(colors ? { colors } : {}) };
}

/** Names for points a file does not name (YOLO without kpt_names): point_1 … point_n. */
export function genericPointNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `point_${i + 1}`);
}
