import type { RankingView } from './input';
import type { Assignment } from './streams';

/**
 * A lead's steering of single items, applied around `dealBatch` (pure: pool indices in,
 * indices out). The three controls are one value per item:
 * - exclude: never dealt (passed to `dealBatch` as `excluded`);
 * - boost: ahead of the ranking's other items, so the uncertain stream reaches it first
 *   (`boostRanking`); the rest of dealing (shares, spacing, near-copies) still applies;
 * - pin: dealt next, to whoever claims first, before the batch's own items (`pinnedFirst`).
 *   A pin is a one-off: the service removes it once the item is dealt.
 */
export type ControlAction = 'pin' | 'boost' | 'exclude';

export interface QueueControls {
  /** Oldest pin first: the order pinned items are dealt in. */
  pinned: Int32Array;
  boosted: Int32Array;
  excluded: Int32Array;
}

export const NO_CONTROLS: QueueControls = Object.freeze({ pinned: new Int32Array(0), boosted: new Int32Array(0), excluded: new Int32Array(0) });

/** Splits control rows (already in pool indices, oldest first) by action. */
export function splitControls(rows: readonly { item: number; action: ControlAction }[]): QueueControls {
  const by: Record<ControlAction, number[]> = { pin: [], boost: [], exclude: [] };
  for (const r of rows) by[r.action].push(r.item);
  return { pinned: Int32Array.from(by.pin), boosted: Int32Array.from(by.boost), excluded: Int32Array.from(by.exclude) };
}

/**
 * The ranking with boosted items ahead of every other ranked item: their scores are lifted
 * above the ranking's best (keeping their own order), and the cached best-first order lists
 * them first. Unranked boosted items (NaN score) stay unranked: a boost reorders the model's
 * list, it does not invent a score. The input is not changed; without boosted ranked items
 * it is returned as is. O(n) once per ranking and boost set (the service caches it).
 */
export function boostRanking(ranking: RankingView, boosted: Int32Array): RankingView {
  const n = ranking.score.length;
  const lift: number[] = [];
  for (const i of boosted) if (i >= 0 && i < n && !Number.isNaN(ranking.score[i])) lift.push(i);
  if (lift.length === 0) return ranking;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const s = ranking.score[i];
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const score = Float32Array.from(ranking.score);
  // Shift by the ranking's whole span (+1) so a boosted item's order among boosted items is its own score's.
  const shift = max - min + 1;
  const unique = [...new Set(lift)];
  for (const i of unique) score[i] = ranking.score[i] + shift;
  let byScore = ranking.byScore;
  if (byScore) {
    const isBoosted = new Uint8Array(n);
    for (const i of unique) isBoosted[i] = 1;
    const first = unique.sort((a, b) => score[b] - score[a] || a - b);
    const out = new Int32Array(byScore.length + (first.length - countIn(byScore, isBoosted)));
    out.set(first, 0);
    let at = first.length;
    for (const i of byScore) if (isBoosted[i] === 0) out[at++] = i;
    byScore = out.subarray(0, at);
  }
  return { ...ranking, score, byScore };
}

function countIn(list: Int32Array, flag: Uint8Array): number {
  let c = 0;
  for (const i of list) c += flag[i];
  return c;
}

/**
 * Pinned items first, then the dealt batch, `want` items in all. A pinned item is taken
 * only when `open(i)` says this annotator may have it now (nobody holds it, they have not
 * labeled or skipped it, it is not excluded): a pin deals an item next, it does not break
 * the rules of a lease. Batch items that are also pinned are not repeated. Returns the
 * pinned items taken and the batch items kept, each in order.
 */
export function pinnedFirst(batch: readonly Assignment[], pinned: Int32Array, open: (item: number) => boolean, want: number): { pinned: number[]; rest: Assignment[] } {
  const take: number[] = [];
  const taken = new Set<number>();
  for (const i of pinned) {
    if (take.length >= want) break;
    if (taken.has(i) || !open(i)) continue;
    taken.add(i);
    take.push(i);
  }
  const rest = batch.filter((a) => !taken.has(a.item)).slice(0, Math.max(0, want - take.length));
  return { pinned: take, rest };
}
