import { z } from 'zod';
import { ClassName } from './fields';

const Index = z.number().int().nonnegative();
const Pair = z.tuple([Index, Index]);
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f77b4');

/**
 * A keypoint skeleton: named points, the edges drawn between them, the left/right pairs that a
 * flip swaps, and per-point OKS sigmas (COCO's falloff constants: how far a point may be off,
 * relative to the object's scale, before it counts as wrong).
 */
export const Skeleton = z.object({
  keypoints: z.array(ClassName).min(1, 'needs at least one keypoint').max(200),
  edges: z.array(Pair).max(1000).default([]),
  flips: z.array(Pair).max(100).default([]),
  sigmas: z.array(z.number().positive().max(10)),
  colors: z.array(Colour).optional(),
}).superRefine((s, ctx) => {
  const n = s.keypoints.length;
  if (new Set(s.keypoints).size !== n) ctx.addIssue({ code: 'custom', path: ['keypoints'], message: 'must not name a keypoint twice' });
  if (s.sigmas.length !== n) ctx.addIssue({ code: 'custom', path: ['sigmas'], message: `must give one sigma per keypoint (${n}), got ${s.sigmas.length}` });
  if (s.colors && s.colors.length !== n) ctx.addIssue({ code: 'custom', path: ['colors'], message: `must give one colour per keypoint (${n}), got ${s.colors.length}` });
  const check = (key: 'edges' | 'flips') => s[key].forEach(([a, b], i) => {
    if (a >= n || b >= n) ctx.addIssue({ code: 'custom', path: [key, i], message: `names keypoint ${Math.max(a, b)} but the skeleton has ${n} (0 to ${n - 1})` });
    else if (a === b) ctx.addIssue({ code: 'custom', path: [key, i], message: 'must join two different keypoints' });
  });
  check('edges');
  check('flips');
  const flipped = s.flips.flat();
  if (new Set(flipped).size !== flipped.length) ctx.addIssue({ code: 'custom', path: ['flips'], message: 'a keypoint may be in one left/right pair only' });
});
export type Skeleton = z.infer<typeof Skeleton>;

const COCO17_NAMES = [
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
  'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
];

/** COCO's person skeleton: its 1-based limb list made 0-based, and the sigmas of cocoeval. */
export const COCO17: Skeleton = {
  keypoints: COCO17_NAMES,
  edges: [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]
    .map(([a, b]) => [a - 1, b - 1] as [number, number]),
  flips: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16]],
  sigmas: [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10),
  colors: COCO17_NAMES.map((name) => (name.startsWith('left') ? '#1f77b4' : name.startsWith('right') ? '#d62728' : '#2ca02c')),
};

export const SKELETON_PRESETS = { coco17: COCO17 } as const;
export type SkeletonPreset = keyof typeof SKELETON_PRESETS;

/** The index that a left/right flip sends each keypoint to. */
export function flipPermutation(s: Pick<Skeleton, 'keypoints' | 'flips'>): number[] {
  const to = s.keypoints.map((_, i) => i);
  for (const [a, b] of s.flips) { to[a] = b; to[b] = a; }
  return to;
}
