import type { BoxesPayload } from './boxes';
import type { ClassificationPayload } from './classification';
import { iou } from './geometry';
import type { KeypointsConfig, KeypointsPayload } from './keypoints';
import { matchItems } from './matching';
import { oksBetween } from './oks';

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
