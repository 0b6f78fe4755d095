import type { BoxesPayload } from './boxes';
import type { ClassificationPayload } from './classification';
import { iou } from './geometry';
import type { KeypointsConfig, KeypointsPayload } from './keypoints';
import { matchItems } from './matching';
import { objectArea, oksBetween } from './oks';

/**
 * How much two answers to one item agree, in [0, 1] (1: the same answer). Symmetric: neither
 * answer is the truth. Consensus, annotator quality and review queues build on these.
 *
 * Spatial answers are scored as COCO panoptic quality scores segments (Kirillov et al., 2019):
 * match the two lists one-to-one (Hungarian, same class, similarity ≥ the threshold), then
 *
 *     agreement = Σ similarity of matched pairs / (|matched| + |unmatched A| / 2 + |unmatched B| / 2)
 *               = 2 Σ similarity / (|A| + |B|)
 *
 * an F1 of the matching in which each match counts by how well it fits. Unlike
 * Σ similarity / max(|A|, |B|), a box that only one annotator drew costs the same whichever
 * list it is in, and the measure is 1 exactly when the lists match perfectly. Two empty answers
 * ("nothing here" twice) agree fully.
 */

/** A pair of boxes below this IoU is two different objects, not one drawn twice (PQ's 0.5). */
export const AGREEMENT_MIN_IOU = 0.5;
/** A pair of skeletons below this OKS is two different objects (COCO's loosest AP threshold). */
export const AGREEMENT_MIN_OKS = 0.5;

export function classificationAgreement(a: ClassificationPayload, b: ClassificationPayload): number {
  return a.label === b.label ? 1 : 0;
}

export function boxesAgreement(a: BoxesPayload, b: BoxesPayload): number {
  const matching = matchItems(a.boxes, b.boxes, (p, q) => (p.class === q.class ? iou(p, q) : 0), AGREEMENT_MIN_IOU);
  return panopticQuality(matching.pairs, a.boxes.length, b.boxes.length);
}

export function keypointsAgreement(a: KeypointsPayload, b: KeypointsPayload, config: KeypointsConfig): number {
  const sigmas = config.skeleton.sigmas;
  const matching = matchItems(a.instances, b.instances, (p, q) => oksBetween(p, q, sigmas), AGREEMENT_MIN_OKS);
  return panopticQuality(matching.pairs, a.instances.length, b.instances.length);
}

function panopticQuality(pairs: { similarity: number }[], countA: number, countB: number): number {
  if (countA + countB === 0) return 1;
  return (2 * pairs.reduce((t, p) => t + p.similarity, 0)) / (countA + countB);
}

/**
 * What two answers agree on, in named measures a lead reads (averaged over pairs of answers):
 * classes, whether they agree; boxes, the mean IoU of matched boxes and the F1 of the matching at
 * IoU 0.5; skeletons, per joint how far the two placements are apart as a share of the object's
 * size tolerance (1 − the joint's OKS term: 0 the same spot, near 1 far off), over matched people
 * where both placed the joint. A measure with nothing to measure is left out.
 */
export function classificationDetail(a: ClassificationPayload, b: ClassificationPayload): Record<string, number> {
  return { agree: a.label === b.label ? 1 : 0 };
}

export function boxesDetail(a: BoxesPayload, b: BoxesPayload): Record<string, number> {
  const m = matchItems(a.boxes, b.boxes, (p, q) => (p.class === q.class ? iou(p, q) : 0), AGREEMENT_MIN_IOU);
  const out: Record<string, number> = {};
  if (a.boxes.length + b.boxes.length > 0) out.f1At50 = (2 * m.pairs.length) / (a.boxes.length + b.boxes.length);
  if (m.pairs.length > 0) out.meanIoU = m.pairs.reduce((t, p) => t + p.similarity, 0) / m.pairs.length;
  return out;
}

export function keypointsDetail(a: KeypointsPayload, b: KeypointsPayload, config: KeypointsConfig): Record<string, number> {
  const { sigmas, keypoints } = config.skeleton;
  const m = matchItems(a.instances, b.instances, (p, q) => oksBetween(p, q, sigmas), AGREEMENT_MIN_OKS);
  const sums = new Float64Array(keypoints.length);
  const counts = new Float64Array(keypoints.length);
  for (const pair of m.pairs) {
    const p = a.instances[pair.a];
    const q = b.instances[pair.b];
    const s2 = (objectArea(p) + objectArea(q)) / 2;
    for (let i = 0; i < keypoints.length; i++) {
      const u = p.points[i];
      const v = q.points[i];
      if (!u || !v || u.v === 0 || v.v === 0) continue;
      const d2 = (u.x - v.x) ** 2 + (u.y - v.y) ** 2;
      sums[i] += 1 - Math.exp(-d2 / (2 * s2 * (2 * sigmas[i]) ** 2));
      counts[i] += 1;
    }
  }
  const out: Record<string, number> = {};
  keypoints.forEach((name, i) => { if (counts[i] > 0) out[`joint:${name}`] = sums[i] / counts[i]; });
  return out;
}
