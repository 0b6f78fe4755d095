import { averagePrecision, COCO_THRESHOLDS, meanDefined, type ApImage } from './ap';
import type { BoxesPayload, BoxesPrediction } from './boxes';
import type { ClassificationPayload, ClassificationPrediction } from './classification';
import { iou } from './geometry';
import type { KeypointsConfig, KeypointsPayload, KeypointsPrediction } from './keypoints';
import { matchItems } from './matching';
import { oks, pckCounts, type InstanceLike } from './oks';
import type { HoldoutPair, Metrics } from './types';

/**
 * Holdout metrics: a model's predictions against the truth on held-out items, one set of named
 * numbers per task type. A metric with nothing to measure (no truth boxes, no pairs) is null,
 * never a made-up 0 or 1.
 */

export const METRIC_TITLES: Record<string, string> = {
  accuracy: 'Accuracy: the share of items whose predicted class is the true one',
  macroF1: 'Macro-F1: the F1 of each class (among those in the truth or the predictions), averaged with equal weight',
  map50: 'mAP@0.5: COCO average precision (101 recall points) at IoU 0.5, averaged over the classes in the truth',
  map50to95: 'mAP@[.5:.95]: the same averaged over IoU 0.50, 0.55, …, 0.95 (COCO\'s headline AP)',
  meanIou: 'Mean IoU of the predicted boxes matched to a true box at IoU ≥ 0.5',
  oksAp50: 'AP@OKS 0.5: COCO keypoint average precision at OKS 0.5',
  oksAp50to95: 'AP@OKS[.5:.95]: the same averaged over OKS 0.50, 0.55, …, 0.95 (COCO\'s keypoint AP)',
  pck02: 'PCK@0.2: the share of labeled true points predicted within 0.2 × the longer side of the true box',
};

/** COCO's maxDets for each kind of detection. */
export const MAX_BOXES_PER_IMAGE = 100;
export const MAX_SKELETONS_PER_IMAGE = 20;

export function classificationMetrics(pairs: readonly HoldoutPair<ClassificationPayload, ClassificationPrediction>[]): Metrics {
  if (pairs.length === 0) return { accuracy: null, macroF1: null };
  const correct = pairs.filter((p) => p.truth.label === p.predicted.label).length;
  // sklearn's f1_score(average='macro'): over the classes seen in the truth or the predictions.
  const classes = [...new Set(pairs.flatMap((p) => [p.truth.label, p.predicted.label]))];
  const f1s = classes.map((c) => {
    let tp = 0, fp = 0, fn = 0;
    for (const p of pairs) {
      const t = p.truth.label === c, q = p.predicted.label === c;
      if (t && q) tp += 1; else if (q) fp += 1; else if (t) fn += 1;
    }
    return (2 * tp) / (2 * tp + fp + fn);
  });
  return { accuracy: correct / pairs.length, macroF1: meanDefined(f1s) };
}

export function boxesMetrics(pairs: readonly HoldoutPair<BoxesPayload, BoxesPrediction>[]): Metrics {
  const classes = [...new Set(pairs.flatMap((p) => p.truth.boxes.map((b) => b.class)))];
  const perClass = classes.map((c) => {
    const images: ApImage[] = pairs.map((p) => {
      const truths = p.truth.boxes.filter((b) => b.class === c);
      const dets = p.predicted.boxes.filter((b) => b.class === c);
      return { truthCount: truths.length, scores: dets.map((d) => d.score), similarity: dets.map((d) => truths.map((t) => iou(d, t))) };
    });
    const at = COCO_THRESHOLDS.map((t) => averagePrecision(images, t, MAX_BOXES_PER_IMAGE));
    return { ap50: at[0].ap, ap: meanDefined(at.map((r) => r.ap)), matched: at[0].matched };
  });
  const matched = perClass.flatMap((c) => c.matched);
  return {
    map50: meanDefined(perClass.map((c) => c.ap50)),
    map50to95: meanDefined(perClass.map((c) => c.ap)),
    meanIou: meanDefined(matched),
  };
}

const labels = (inst: InstanceLike) => inst.points.some((p) => p.v === undefined || p.v > 0);

export function keypointsMetrics(pairs: readonly HoldoutPair<KeypointsPayload, KeypointsPrediction>[], config: KeypointsConfig): Metrics {
  const sigmas = config.skeleton.sigmas;
  // A true skeleton with no labeled point cannot be scored (COCO ignores it); it is left out.
  const truthsOf = (p: HoldoutPair<KeypointsPayload, KeypointsPrediction>) => p.truth.instances.filter(labels);
  const images: ApImage[] = pairs.map((p) => {
    const truths = truthsOf(p);
    const dets = p.predicted.instances;
    return { truthCount: truths.length, scores: dets.map((d) => d.score), similarity: dets.map((d) => truths.map((t) => oks(t, d, sigmas) ?? 0)) };
  });
  const at = COCO_THRESHOLDS.map((t) => averagePrecision(images, t, MAX_SKELETONS_PER_IMAGE));
  // PCK scores placement, not detection: each true skeleton is paired with the prediction that
  // fits it best (optimal matching by OKS, any OKS above 0); an unpaired one misses every point.
  let correct = 0;
  let total = 0;
  for (const p of pairs) {
    const truths = truthsOf(p);
    const matching = matchItems(truths, p.predicted.instances, (t, d) => oks(t, d, sigmas) ?? 0, 0);
    const partner = new Map(matching.pairs.map((m) => [m.a, p.predicted.instances[m.b]]));
    truths.forEach((t, i) => {
      const c = pckCounts(t, partner.get(i) ?? null);
      correct += c.correct;
      total += c.total;
    });
  }
  return {
    oksAp50: at[0].ap,
    oksAp50to95: meanDefined(at.map((r) => r.ap)),
    pck02: total ? correct / total : null,
  };
}
