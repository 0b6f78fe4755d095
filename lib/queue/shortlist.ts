import { topK } from '../al/topk';

/**
 * The `count` best free items by a score, best first (ties by lower index), skipping items
 * whose score is NaN (unranked). With `order` (every ranked item, best first, as the service
 * caches it once per ranking) it walks the order and costs O(count + skipped); without, it
 * is one topK pass over the pool, O(n log count).
 */
export function bestFree(score: Float32Array, count: number, exclude: Uint8Array, order?: Int32Array): Int32Array {
  const k = Math.max(0, Math.floor(count));
  if (order === undefined) {
    // topK ranks NaN below every number: NaN items show up only once ranked ones run out.
    const top = topK(score, k, { exclude }).indices;
    let end = top.length;
    while (end > 0 && Number.isNaN(score[top[end - 1]])) end--;
    return top.subarray(0, end);
  }
  const out = new Int32Array(Math.min(k, order.length));
  let filled = 0;
  for (let r = 0; r < order.length && filled < k; r++) {
    const i = order[r];
    if (exclude[i] === 0 && !Number.isNaN(score[i])) out[filled++] = i;
  }
  return out.subarray(0, filled);
}
