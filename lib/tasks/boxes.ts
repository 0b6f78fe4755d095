import { z } from 'zod';
import { boxesAgreement, boxesDetail } from './agreement';
import { fuseBoxes } from './fusion';
import { ClassList, ClassName, Confidence, Extent, Pixel } from './fields';
import { rectInside } from './geometry';
import { boxesMetrics } from './metrics';
import type { AnswerIssue, TaskType } from './types';

export const BoxesConfig = z.object({ classes: ClassList(1) });
export type BoxesConfig = z.infer<typeof BoxesConfig>;

/** A box in image pixels; (x, y) is its top-left corner. */
export const Box = z.object({ class: ClassName, x: Pixel, y: Pixel, w: Extent, h: Extent });
export type Box = z.infer<typeof Box>;

/** Past this many boxes an image is a crowd, not an answer a person drew (and a cap on what one answer may weigh). */
export const MAX_BOXES = 1000;

export const BoxesPayload = z.object({ boxes: z.array(Box).max(MAX_BOXES, `must hold at most ${MAX_BOXES} boxes`) });
export type BoxesPayload = z.infer<typeof BoxesPayload>;

export const PredictedBox = Box.extend({ score: Confidence });
export const BoxesPrediction = z.object({ boxes: z.array(PredictedBox).max(MAX_BOXES) });
export type BoxesPrediction = z.infer<typeof BoxesPrediction>;

/** Below this score a predicted box is noise, not a starting point worth dragging. */
export const PRELABEL_MIN_SCORE = 0.3;

export const boxes: TaskType<'boxes', BoxesConfig, BoxesPayload, BoxesPrediction> = {
  name: 'boxes',
  title: 'Bounding boxes',
  description: 'Any number of boxes per image, each with a class, drawn by dragging.',
  config: BoxesConfig,
  payload: BoxesPayload,
  prediction: BoxesPrediction,
  builtinRanking: 'diversity',
  // Every object matched, each pair fitting about as well as careful annotators' answers fit each other
  // (IoU ≈ 0.8; OKS ≈ 0.89 is COCO's own annotators): a missed or extra object falls below it.
  agreesAt: 0.75,
  spatial: true,
  check(payload, config, image) {
    const issues: AnswerIssue[] = [];
    payload.boxes.forEach((b, i) => {
      if (!config.classes.includes(b.class)) {
        issues.push({ path: ['boxes', i, 'class'], message: `"${b.class}" is not a box class of this project (${config.classes.join(', ')})` });
      }
      if (image && !rectInside(b, image.width, image.height)) {
        issues.push({ path: ['boxes', i], message: `box at (${b.x}, ${b.y}) of ${b.w}×${b.h} reaches outside the ${image.width}×${image.height} image` });
      }
    });
    return issues;
  },
  classesOf: (payload) => [...new Set(payload.boxes.map((b) => b.class))],
  isEmpty: (payload) => payload.boxes.length === 0,
  prelabelOf: (prediction) => ({
    boxes: prediction.boxes.filter((b) => b.score >= PRELABEL_MIN_SCORE).map(({ score: _score, ...b }) => b),
  }),
  agreement: boxesAgreement,
  agreementDetail: boxesDetail,
  consensus: (answers) => {
    const fused = fuseBoxes(answers);
    return { answer: { boxes: fused.boxes.map(({ class: c, x, y, w, h }) => ({ class: c, x, y, w, h })) }, confidence: fused.confidence };
  },
  metrics: boxesMetrics,
};
