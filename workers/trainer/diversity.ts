import { rankByDiversity, type DiversityRanking, type Embeddings } from '../../lib/al';
import type { RankingEntry, WorkerItem, WorkerLabel } from '../../lib/protocol/worker';

/** The strategy a diversity ranking is applied under (the model page and the stream tag name it). */
export const DIVERSITY_STRATEGY = 'kcenter';

/** The model version's name for a diversity ranking: what ordered it and in which embedding, saying that no model did. */
export const diversityModelName = (space: string) => `no model: greedy k-center on ${space}`;

/**
 * The ranking of a project Tandem's trainer has no model for (boxes, keypoints): the open pool
 * items by diversity over their image embeddings (lib/al `rankByDiversity`), the labeled pool
 * items as what is covered. Holdout items are left out, as a model's ranking leaves them: the
 * queue deals them on its own stream. Any standing answer counts as labeled; no class is read.
 */
export function diversityRound(items: readonly WorkerItem[], labels: readonly Pick<WorkerLabel, 'itemId'>[], index: Map<number, number>, emb: Embeddings, seed: number): DiversityRanking {
  const labeled = new Uint8Array(items.length);
  for (const l of labels) {
    const row = index.get(l.itemId);
    if (row !== undefined) labeled[row] = 1;
  }
  const candidates: number[] = [];
  const covered: number[] = [];
  items.forEach((it, row) => {
    if (it.split !== 'pool') return;
    if (labeled[row] || it.status !== 'open') { if (labeled[row]) covered.push(row); return; }
    candidates.push(row);
  });
  return rankByDiversity(emb, { candidates: Int32Array.from(candidates), covered: Int32Array.from(covered), seed });
}

/** A diversity ranking as the worker uploads it: item and score only, in chunks of `size`; no guess, no confidence, no uncertainty. */
export function diversityChunks(ranked: Pick<DiversityRanking, 'order' | 'score'>, itemIds: ArrayLike<number>, size: number): RankingEntry[][] {
  const out: RankingEntry[][] = [];
  for (let start = 0; start < ranked.order.length; start += size) {
    const chunk: RankingEntry[] = [];
    for (let j = start; j < Math.min(ranked.order.length, start + size); j++) chunk.push({ itemId: itemIds[ranked.order[j]], score: ranked.score[j] });
    out.push(chunk);
  }
  return out;
}
