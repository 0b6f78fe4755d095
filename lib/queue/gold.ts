import { randomPick } from '../al/coldstart';
import { ROLE_GOLD, type Pool } from './pool';

/**
 * The gold stream: gold items this annotator has not labeled, skipped or been dealt, in a
 * seeded random order. Other annotators may hold the same gold item at the same time: each
 * annotator's answer is compared with the known one, not with each other's.
 */
export function pickGold(pool: Pool, gold: Int32Array, want: number, seed: number): Int32Array {
  if (want <= 0) return new Int32Array(0);
  const seen = new Uint8Array(pool.n);
  const cands: number[] = [];
  for (const i of gold) {
    if (seen[i] !== 0 || pool.mine[i] !== 0 || pool.role[i] !== ROLE_GOLD) continue;
    seen[i] = 1;
    cands.push(i);
  }
  return randomPick(Int32Array.from(cands), want, seed).indices;
}
