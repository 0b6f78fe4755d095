import type { Selection } from './types';

/**
 * Turns a strategy's batch and per-item uncertainty into a ranking of the
 * whole candidate set: the chosen batch first, in pick order, then every
 * other candidate by uncertainty (ties by index). The score uploaded with each
 * item is its rank turned into (0, 1] — higher is dealt first — so the order
 * survives any later re-sorting by score. `lead`: how many of the first entries are the batch.
 */
export function rankPool(opts: { candidates: Int32Array; selection: Selection; uncertainty: Float32Array }): { order: Int32Array; score: Float32Array; lead: number } {
  const { candidates, selection, uncertainty } = opts;
  const isCandidate = new Uint8Array(uncertainty.length);
  for (const c of candidates) isCandidate[c] = 1;
  const order = new Int32Array(candidates.length);
  let filled = 0;
  for (const i of selection.indices) {
    if (isCandidate[i] === 1) {
      order[filled++] = i;
      isCandidate[i] = 2; // placed
    }
  }
  const lead = filled;
  const rest: number[] = [];
  for (const c of candidates) if (isCandidate[c] === 1) rest.push(c);
  rest.sort((a, b) => uncertainty[b] - uncertainty[a] || a - b);
  for (const c of rest) order[filled++] = c;
  const score = new Float32Array(filled);
  for (let i = 0; i < filled; i++) score[i] = 1 - i / filled;
  return { order: order.subarray(0, filled), score, lead };
}
