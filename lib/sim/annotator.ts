import { z } from 'zod';
import { describeZodError, TandemError } from '../errors';
import { mulberry32 } from '../random';
import type { AnswerOf, ImageSize, ProjectTask, TaskTypeName } from '../tasks';
import type { Answer } from '../tasks';
import type { Box } from '../tasks/boxes';
import type { Keypoint, SkeletonInstance } from '../tasks/keypoints';
import { objectArea } from '../tasks/oks';
import { flipPermutation } from '../tasks/skeletons';

/**
 * A simulated annotator: given an item's true answer, the answer a person would give, with the
 * mistakes people make. It lets agreement, consensus and simulations be tested against a known
 * truth. Pure and deterministic for a seed (derive one per annotator and item).
 *
 * Keypoints: each labeled point moves by a Gaussian whose spread is the skeleton's sigma times
 * the object's scale (√ of its box area, as OKS measures it). With `jitter` 1 a point lands a
 * root-mean-square σ_i·s from the truth, which is how COCO measured its own annotators when it
 * set those sigmas, so the expected OKS of such an answer is 1 / (1 + 1/8) ≈ 0.889. Occluded
 * points are guessed, so they move more. Then, by chance: a point's visibility mistaken (visible
 * for occluded or back), a point left out, one left/right pair swapped, a whole person labeled
 * mirror-wise, a person missed.
 * Boxes: every edge moves by a Gaussian scaled by the box's side; a box missed; a wrong class.
 * Classes: a wrong class, uniformly among the others.
 */

export const AnnotatorNoise = z.object({
  /** Keypoint spread as a multiple of the skeleton's sigma × the object's scale (1: COCO's own annotators). */
  jitter: z.number().min(0).max(20).default(1),
  /** Extra spread for occluded points (placed by guess). */
  occludedJitter: z.number().min(1).max(10).default(2),
  /** Chance that a labeled point's visibility is given wrong (1 for 2, 2 for 1). */
  visibilityFlip: z.number().min(0).max(1).default(0.05),
  /** Chance that a labeled point is left out (marked absent). */
  dropPoint: z.number().min(0).max(1).default(0.01),
  /** Chance per left/right pair (per instance) that the pair's two points are swapped. */
  swapPair: z.number().min(0).max(1).default(0.01),
  /** Chance per instance that it is labeled mirror-wise (every left/right pair swapped). */
  swapLeftRight: z.number().min(0).max(1).default(0.02),
  /** Chance that a skeleton or a box is not drawn at all. */
  missInstance: z.number().min(0).max(1).default(0.02),
  /** Box edge spread as a share of the box's side. */
  boxJitter: z.number().min(0).max(1).default(0.03),
  /** Chance of a wrong class (a class answer, or a box's class). */
  wrongClass: z.number().min(0).max(1).default(0.03),
}).strict();
export type AnnotatorNoise = z.infer<typeof AnnotatorNoise>;

/** Named kinds of annotator; a profile's missing fields take AnnotatorNoise's defaults ("typical"). */
export const ANNOTATOR_PROFILES = {
  perfect: { jitter: 0, occludedJitter: 1, visibilityFlip: 0, dropPoint: 0, swapPair: 0, swapLeftRight: 0, missInstance: 0, boxJitter: 0, wrongClass: 0 },
  careful: { jitter: 0.6, visibilityFlip: 0.02, dropPoint: 0.005, swapPair: 0.002, swapLeftRight: 0.005, missInstance: 0.005, boxJitter: 0.015, wrongClass: 0.01 },
  typical: {},
  sloppy: { jitter: 1.8, occludedJitter: 2.5, visibilityFlip: 0.12, dropPoint: 0.04, swapPair: 0.03, swapLeftRight: 0.05, missInstance: 0.05, boxJitter: 0.06, wrongClass: 0.1 },
} satisfies Record<string, z.input<typeof AnnotatorNoise>>;
export type AnnotatorProfile = keyof typeof ANNOTATOR_PROFILES;

export function annotatorNoise(input: AnnotatorProfile | z.input<typeof AnnotatorNoise>): AnnotatorNoise {
  const raw = typeof input === 'string' ? ANNOTATOR_PROFILES[input] : input;
  if (raw === undefined) throw new TandemError('bad_request', `unknown annotator profile "${String(input)}" (known: ${Object.keys(ANNOTATOR_PROFILES).join(', ')})`);
  const parsed = AnnotatorNoise.safeParse(raw);
  if (!parsed.success) throw new TandemError('bad_request', `bad annotator noise: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

interface Draw {
  rng: () => number;
  gauss: () => number;
}

function draws(seed: number): Draw {
  const rng = mulberry32(seed);
  let spare: number | null = null;
  const gauss = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    // Box–Muller; 1 − u keeps the log away from 0.
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { rng, gauss };
}

type Simulate<T extends TaskTypeName> = (truth: AnswerOf<T>, config: Extract<ProjectTask, { task: T }>['config'], image: ImageSize | null, noise: AnnotatorNoise, d: Draw) => AnswerOf<T>;

const clampTo = (v: number, hi: number | undefined) => (hi === undefined ? v : Math.max(0, Math.min(hi, v)));

const classification: Simulate<'classification'> = (truth, config, _image, noise, { rng }) => {
  const others = config.classes.filter((c) => c !== truth.label);
  if (others.length === 0 || rng() >= noise.wrongClass) return { ...truth };
  return { task: 'classification', label: others[Math.floor(rng() * others.length)] };
};

const boxes: Simulate<'boxes'> = (truth, config, image, noise, { rng, gauss }) => {
  const out: Box[] = [];
  for (const b of truth.boxes) {
    if (rng() < noise.missInstance) continue;
    const others = config.classes.filter((c) => c !== b.class);
    const cls = others.length && rng() < noise.wrongClass ? others[Math.floor(rng() * others.length)] : b.class;
    const x0 = clampTo(b.x + gauss() * noise.boxJitter * b.w, image?.width);
    const x1 = clampTo(b.x + b.w + gauss() * noise.boxJitter * b.w, image?.width);
    const y0 = clampTo(b.y + gauss() * noise.boxJitter * b.h, image?.height);
    const y1 = clampTo(b.y + b.h + gauss() * noise.boxJitter * b.h, image?.height);
    const [left, right] = x0 <= x1 ? [x0, x1] : [x1, x0];
    const [top, bottom] = y0 <= y1 ? [y0, y1] : [y1, y0];
    // A person drags at least a pixel: a box never collapses to nothing.
    if (right - left < 1 || bottom - top < 1) { out.push({ ...b, class: cls }); continue; }
    out.push({ class: cls, x: round2(left), y: round2(top), w: round2(right - left), h: round2(bottom - top) });
  }
  return { task: 'boxes', boxes: out };
};

const round2 = (v: number) => Math.round(v * 100) / 100;

const keypoints: Simulate<'keypoints'> = (truth, config, image, noise, { rng, gauss }) => {
  const { sigmas, flips } = config.skeleton;
  const mirror = flipPermutation(config.skeleton);
  const instances: SkeletonInstance[] = [];
  for (const inst of truth.instances) {
    if (rng() < noise.missInstance) continue;
    const scale = Math.sqrt(objectArea(inst));
    let points: Keypoint[] = inst.points.map((p, i) => {
      if (p.v === 0) return { x: 0, y: 0, v: 0 };
      if (rng() < noise.dropPoint) return { x: 0, y: 0, v: 0 };
      // Per axis σ_i·s/√2, so the distance's root mean square is σ_i·s.
      const spread = (noise.jitter * (sigmas[i] ?? 0.05) * scale / Math.SQRT2) * (p.v === 1 ? noise.occludedJitter : 1);
      const v = rng() < noise.visibilityFlip ? (p.v === 2 ? 1 : 2) : p.v;
      return { x: round2(clampTo(p.x + gauss() * spread, image?.width)), y: round2(clampTo(p.y + gauss() * spread, image?.height)), v };
    });
    if (rng() < noise.swapLeftRight) points = points.map((_, i) => points[mirror[i]]);
    for (const [a, b] of flips) {
      if (rng() < noise.swapPair) { const t = points[a]; points[a] = points[b]; points[b] = t; }
    }
    const box = inst.box && jitterBox(inst.box, noise.boxJitter, image, gauss);
    instances.push(box ? { points, box } : { points });
  }
  return { task: 'keypoints', instances };
};

function jitterBox(b: { x: number; y: number; w: number; h: number }, k: number, image: ImageSize | null, gauss: () => number) {
  const x0 = clampTo(b.x + gauss() * k * b.w, image?.width);
  const x1 = clampTo(b.x + b.w + gauss() * k * b.w, image?.width);
  const y0 = clampTo(b.y + gauss() * k * b.h, image?.height);
  const y1 = clampTo(b.y + b.h + gauss() * k * b.h, image?.height);
  if (Math.abs(x1 - x0) < 1 || Math.abs(y1 - y0) < 1) return { ...b };
  return { x: round2(Math.min(x0, x1)), y: round2(Math.min(y0, y1)), w: round2(Math.abs(x1 - x0)), h: round2(Math.abs(y1 - y0)) };
}

/** One simulated annotator per task type. */
const SIMULATORS: { [T in TaskTypeName]: Simulate<T> } = { classification, boxes, keypoints };

/**
 * The answer a simulated annotator with this noise gives for an item whose true answer is
 * `truth`. `image` (when known) keeps every point and box inside the picture, as a person
 * clicking on it would.
 */
export function simulateAnswer(task: ProjectTask, truth: Answer, image: ImageSize | null, noise: AnnotatorNoise, seed: number): Answer {
  if (truth.task !== task.task) throw new TandemError('bad_request', `a ${truth.task} answer cannot be simulated in a ${task.task} project`);
  const simulate = SIMULATORS[task.task] as Simulate<TaskTypeName>;
  return simulate(truth as never, task.config as never, image, noise, draws(seed));
}
