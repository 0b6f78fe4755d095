import { mulberry32 } from '../random';
import { ROLE_HOLDOUT, type Pool } from './pool';
import type { HoldoutItems } from './input';

export interface HoldoutPick {
  item: number;
  group: number;
}

/**
 * The holdout stream: random, by group, never chosen by a model. Each pick goes to the group
 * with the fewest holdout items labeled or held so far (ties in a seeded random order), and
 * within it to a seeded random unlabeled item nobody holds. Items of one group (frames of a
 * video) are alike, so spreading the first holdout labels over many groups gives an honest
 * metric much sooner than finishing one group first. Candidates are holdout items with no
 * label and no lease, not this annotator's.
 */
export function pickHoldout(pool: Pool, holdout: HoldoutItems, want: number, seed: number): HoldoutPick[] {
  if (want <= 0) return [];
  const rng = mulberry32(seed);
  const groups = new Map<number, { coverage: number; cands: number[]; tie: number }>();
  const seen = new Uint8Array(pool.n);
  for (let j = 0; j < holdout.item.length; j++) {
    const i = holdout.item[j];
    if (seen[i] !== 0 || pool.role[i] !== ROLE_HOLDOUT) continue;
    seen[i] = 1;
    const key = holdout.group[j];
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { coverage: 0, cands: [], tie: 0 }));
    if (pool.labels[i] !== 0 || pool.heldBy[i] !== 0 || pool.mine[i] !== 0) g.coverage++;
    else g.cands.push(i);
  }
  // Ties broken by a seeded key drawn in ascending group order, so the result does not depend on input order.
  const open = [...groups.entries()].filter(([, g]) => g.cands.length > 0).sort((a, b) => a[0] - b[0]);
  for (const [, g] of open) g.tie = rng();
  const out: HoldoutPick[] = [];
  while (out.length < want) {
    let best = -1;
    for (let r = 0; r < open.length; r++) {
      const g = open[r][1];
      if (g.cands.length === 0) continue;
      if (best < 0) {
        best = r;
        continue;
      }
      const b = open[best][1];
      if (g.coverage < b.coverage || (g.coverage === b.coverage && g.tie < b.tie)) best = r;
    }
    if (best < 0) break;
    const [group, g] = open[best];
    const at = Math.floor(rng() * g.cands.length);
    const item = g.cands[at];
    g.cands[at] = g.cands[g.cands.length - 1];
    g.cands.pop();
    g.coverage++;
    out.push({ item, group });
  }
  return out;
}
