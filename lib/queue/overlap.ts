import { topK } from '../al/topk';
import { mulberry32 } from '../random';
import { ROLE_POOL, type Pool } from './pool';

export interface OverlapPick {
  item: number;
  /** Labels by other annotators when dealt. */
  labelsBefore: number;
  /** How many annotators should label it in the end: k, or k + the tie-break for a disputed item. */
  targetK: number;
}

/** Items whose answers disagree (pool indices), and how many more annotators each is dealt to before it waits for a lead. */
export interface TieBreak {
  disputed: Int32Array;
  extra: number;
}

/**
 * The overlap stream: an item others labeled, but fewer than k of them, dealt again for
 * agreement. Candidates have 1 ≤ labels + other annotators' leases < k, are not this
 * annotator's, and are ordinary pool items (gold and holdout have their own streams).
 * Order: items nobody holds now first (a second concurrent lease needs the store to allow
 * overlap leases), then the most labels (finish agreement sets before starting new ones),
 * then seeded random, so the agreement sample is a random one.
 *
 * A tie-break: an item whose k answers disagree is dealt to `extra` more annotators before it
 * waits for a lead. At k = 2 a disagreement says only that one of two is wrong; a third answer
 * says which, and a consensus then settles most disputes without the lead. Having the most labels,
 * disputed items come first among the candidates.
 */
export function pickOverlap(pool: Pool, labeledItems: Int32Array, k: number, want: number, seed: number, tieBreak?: TieBreak): OverlapPick[] {
  if (want <= 0) return [];
  const rng = mulberry32(seed);
  const extra = new Uint8Array(pool.n);
  if (tieBreak && tieBreak.extra > 0) for (const i of tieBreak.disputed) if (i >= 0 && i < pool.n) extra[i] = tieBreak.extra;
  const seen = new Uint8Array(pool.n);
  const cands: number[] = [];
  const keys: number[] = [];
  for (const i of labeledItems) {
    if (seen[i] !== 0) continue;
    seen[i] = 1;
    const labels = pool.labels[i];
    if (labels === 0 || pool.mine[i] !== 0 || pool.role[i] !== ROLE_POOL || labels + pool.heldBy[i] >= k + extra[i]) continue;
    cands.push(i);
    keys.push((pool.heldBy[i] === 0 ? 1000 : 0) + labels + rng());
  }
  const best = topK(Float64Array.from(keys), want);
  return Array.from(best.indices, (r) => ({ item: cands[r], labelsBefore: pool.labels[cands[r]], targetK: k + extra[cands[r]] }));
}
