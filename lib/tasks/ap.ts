/**
 * COCO-style average precision for one class at one similarity threshold (IoU for boxes, OKS for
 * skeletons), as pycocotools' COCOeval computes it, less crowd regions and area ranges:
 *
 * 1. In each image, keep the `maxPerImage` highest-scored detections (COCO: 100 boxes, 20 skeletons).
 * 2. In each image, in descending score, match each detection to the still unmatched truth it is
 *    most similar to, if that similarity is at least the threshold (greedy, COCO's rule; the
 *    Hungarian matching in matching.ts is for agreement, where no score orders the answers).
 * 3. Over all images, sort detections by descending score (stable), accumulate true and false
 *    positives, make precision monotone (each precision is the best at that recall or beyond),
 *    and read it at the 101 recall points 0, 0.01, …, 1 (COCO's interpolation); AP is their mean.
 *
 * AP is null when no image holds a truth (COCO's −1: the class is left out of the mean).
 */

export interface ApImage {
  truthCount: number;
  /** One score per detection. */
  scores: readonly number[];
  /** similarity[d][t] between detection d and truth t. */
  similarity: readonly (readonly number[])[];
}

export interface ApResult {
  ap: number | null;
  /** The similarity of every true positive (for the mean IoU of matches). */
  matched: number[];
}

export const RECALL_POINTS = Array.from({ length: 101 }, (_, i) => i / 100);
/** COCO's thresholds .50:.05:.95, written out so 0.55 is 0.55 and not 0.5 + 0.05. */
export const COCO_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

export function averagePrecision(images: readonly ApImage[], threshold: number, maxPerImage = Infinity): ApResult {
  const outcomes: { score: number; tp: boolean }[] = [];
  const matched: number[] = [];
  let truths = 0;
  for (const image of images) {
    truths += image.truthCount;
    const order = image.scores.map((_, d) => d).sort((p, q) => image.scores[q] - image.scores[p]).slice(0, maxPerImage);
    const taken = new Array<boolean>(image.truthCount).fill(false);
    for (const d of order) {
      // cocoeval starts at min(t, 1 − 1e-10) so a perfect match still passes the threshold 1.
      let best = Math.min(threshold, 1 - 1e-10);
      let m = -1;
      for (let t = 0; t < image.truthCount; t++) {
        if (taken[t]) continue;
        const s = image.similarity[d][t];
        if (s < best) continue;
        best = s;
        m = t;
      }
      if (m >= 0) { taken[m] = true; matched.push(best); }
      outcomes.push({ score: image.scores[d], tp: m >= 0 });
    }
  }
  if (truths === 0) return { ap: null, matched };
  // Array.prototype.sort is stable: ties keep image order, as numpy's mergesort does in cocoeval.
  outcomes.sort((p, q) => q.score - p.score);
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const o of outcomes) {
    if (o.tp) tp += 1; else fp += 1;
    precision.push(tp / (tp + fp));
    recall.push(tp / truths);
  }
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1], precision[i]);
  let sum = 0;
  let i = 0;
  for (const r of RECALL_POINTS) {
    while (i < recall.length && recall[i] < r) i += 1; // numpy searchsorted(side='left')
    if (i < recall.length) sum += precision[i];
  }
  return { ap: sum / RECALL_POINTS.length, matched };
}

/** The mean of the numbers that are not null; null when none is. */
export function meanDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}
