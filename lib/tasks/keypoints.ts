import { z } from 'zod';
import { keypointsAgreement, keypointsDetail } from './agreement';
import { fuseKeypoints } from './fusion';
import { ClassName, Confidence, Extent, Pixel } from './fields';
import { pointInside, rectInside } from './geometry';
import { keypointsMetrics } from './metrics';
import { Skeleton } from './skeletons';
import type { AnswerIssue, TaskType } from './types';

export const KeypointsConfig = z.object({
  /** What the skeletons are of (COCO's category: "person"). */
  category: ClassName.default('person'),
  skeleton: Skeleton,
});
export type KeypointsConfig = z.infer<typeof KeypointsConfig>;

/** COCO's visibility flag: 0 absent (not labeled), 1 labeled but occluded, 2 labeled and visible. */
export const Visibility = z.union([z.literal(0), z.literal(1), z.literal(2)], {
  error: 'must be 0 (absent), 1 (occluded) or 2 (visible)',
});
export type Visibility = z.infer<typeof Visibility>;

export const Keypoint = z.object({ x: Pixel, y: Pixel, v: Visibility });
export type Keypoint = z.infer<typeof Keypoint>;

export const InstanceBox = z.object({ x: Pixel, y: Pixel, w: Extent, h: Extent });

export const MAX_INSTANCES = 100;

export const SkeletonInstance = z.object({ points: z.array(Keypoint).max(200), box: InstanceBox.optional() });
export type SkeletonInstance = z.infer<typeof SkeletonInstance>;

export const KeypointsPayload = z.object({
  instances: z.array(SkeletonInstance).max(MAX_INSTANCES, `must hold at most ${MAX_INSTANCES} skeletons`),
});
export type KeypointsPayload = z.infer<typeof KeypointsPayload>;

export const PredictedKeypoint = z.object({ x: Pixel, y: Pixel, score: Confidence });
export const KeypointsPrediction = z.object({
  instances: z.array(z.object({ points: z.array(PredictedKeypoint).max(200), box: InstanceBox.optional(), score: Confidence })).max(MAX_INSTANCES),
});
export type KeypointsPrediction = z.infer<typeof KeypointsPrediction>;

/** A predicted point below this score starts as "absent" rather than somewhere wrong. */
export const POINT_MIN_SCORE = 0.2;
export const INSTANCE_MIN_SCORE = 0.25;

export const keypoints: TaskType<'keypoints', KeypointsConfig, KeypointsPayload, KeypointsPrediction> = {
  name: 'keypoints',
  title: 'Keypoint skeletons',
  description: 'Skeletons of named points (a person\'s joints), placed by clicking and dragged into place.',
  config: KeypointsConfig,
  payload: KeypointsPayload,
  prediction: KeypointsPrediction,
  builtinRanking: 'diversity',
  // Every object matched, each pair fitting about as well as careful annotators' answers fit each other
  // (IoU ≈ 0.8; OKS ≈ 0.89 is COCO's own annotators): a missed or extra object falls below it.
  agreesAt: 0.75,
  spatial: true,
  check(payload, config, image) {
    const n = config.skeleton.keypoints.length;
    const issues: AnswerIssue[] = [];
    payload.instances.forEach((inst, i) => {
      if (inst.points.length !== n) {
        issues.push({ path: ['instances', i, 'points'], message: `has ${inst.points.length} points but the skeleton has ${n} (${config.skeleton.keypoints.slice(0, 4).join(', ')}${n > 4 ? ', …' : ''})` });
        return;
      }
      if (!image) return;
      inst.points.forEach((p, k) => {
        if (p.v > 0 && !pointInside(p.x, p.y, image.width, image.height)) {
          issues.push({ path: ['instances', i, 'points', k], message: `${config.skeleton.keypoints[k]} at (${p.x}, ${p.y}) is outside the ${image.width}×${image.height} image` });
        }
      });
      if (inst.box && !rectInside(inst.box, image.width, image.height)) {
        issues.push({ path: ['instances', i, 'box'], message: `reaches outside the ${image.width}×${image.height} image` });
      }
    });
    return issues;
  },
  classesOf: (payload, config) => (payload.instances.length ? [config.category] : []),
  isEmpty: (payload) => payload.instances.length === 0,
  prelabelOf: (prediction) => ({
    instances: prediction.instances.filter((inst) => inst.score >= INSTANCE_MIN_SCORE).map((inst) => ({
      points: inst.points.map((p) => (p.score >= POINT_MIN_SCORE ? { x: p.x, y: p.y, v: 2 as const } : { x: 0, y: 0, v: 0 as const })),
      ...(inst.box ? { box: inst.box } : {}),
    })),
  }),
  agreement: keypointsAgreement,
  agreementDetail: keypointsDetail,
  consensus: (answers, config) => {
    const fused = fuseKeypoints(answers, config.skeleton.sigmas);
    return { answer: { instances: fused.instances.map(({ points, box }) => (box ? { points, box } : { points })) }, confidence: fused.confidence };
  },
  metrics: keypointsMetrics,
};
