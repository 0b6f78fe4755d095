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

/**
 * The holdout items laid out once per pool view, so a deal visits only the groups and items
 * it picks, not every holdout item: groups in a seeded random order (a deal rotates it by a
 * seeded offset to break ties), each group's items contiguous in a seeded random order.
 */
export interface HoldoutIndex {
  /** Pool size it was built for. */
  n: number;
  /** Holdout entries it was built from (duplicates included), to catch a stale index. */
  count: number;
  /** Group number (as in HoldoutItems) at each group position. */
  key: Int32Array;
  /** Items of group position g are items[start[g] … start[g + 1]). */
  start: Int32Array;
  items: Int32Array;
  /** Group position of items[j]. */
  groupAt: Int32Array;
  /** Position in `items` of pool item i, or −1 for an item outside the holdout. */
  pos: Int32Array;
}

export function indexHoldout(holdout: HoldoutItems, n: number, seed = 0x68_6f_6c_64): HoldoutIndex {
  if (holdout.item.length !== holdout.group.length) throw new RangeError(`holdout has ${holdout.item.length} items but ${holdout.group.length} groups`);
  const rng = mulberry32(seed);
  const pos = new Int32Array(n).fill(-1);
  // First listing of an item wins, as in pickHoldout.
  const firstGroup = new Map<number, number>();
  const entries: number[] = [];
  for (let j = 0; j < holdout.item.length; j++) {
    const i = holdout.item[j];
    if (!(i >= 0 && i < n)) throw new RangeError(`holdout has item ${i}, outside the pool [0, ${n})`);
    if (pos[i] !== -1) continue;
    pos[i] = 0;
    entries.push(j);
    if (!firstGroup.has(holdout.group[j])) firstGroup.set(holdout.group[j], 0);
  }
  const key = Int32Array.from([...firstGroup.keys()].sort((a, b) => a - b));
  shuffle(key, rng);
  const G = key.length;
  const at = new Map<number, number>();
  for (let g = 0; g < G; g++) at.set(key[g], g);
  const start = new Int32Array(G + 1);
  for (const j of entries) start[at.get(holdout.group[j])! + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const fill = start.slice(0, G);
  const items = new Int32Array(entries.length);
  const groupAt = new Int32Array(entries.length);
  for (const j of entries) {
    const g = at.get(holdout.group[j])!;
    items[fill[g]] = holdout.item[j];
    groupAt[fill[g]++] = g;
  }
  for (let g = 0; g < G; g++) shuffle(items.subarray(start[g], start[g + 1]), rng);
  for (let j = 0; j < items.length; j++) pos[items[j]] = j;
  return { n, count: holdout.item.length, key, start, items, groupAt, pos };
}

function shuffle(a: Int32Array, rng: () => number): void {
  for (let s = a.length - 1; s > 0; s--) {
    const j = Math.floor(rng() * (s + 1));
    const t = a[s];
    a[s] = a[j];
    a[j] = t;
  }
}

/** A seeded start within a group, independent of the order groups are visited in. */
function groupStart(seed: number, g: number, size: number): number {
  let h = Math.imul((seed ^ Math.imul(g + 1, 0x9e3779b1)) >>> 0, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % size;
}

/**
 * pickHoldout over a precomputed index, same rule: each pick goes to the group with the
 * fewest holdout items labeled or held (ties in the index's group order rotated by a seeded
 * offset), within it to the next free item from a seeded start in the group's random order.
 * A deal costs the items touched (labeled, held, own, gold, excluded lists) plus the groups
 * walked until it has its picks: with untouched groups left, a handful; at worst a pass over
 * the groups per pick level.
 */
export function pickHoldoutIndexed(pool: Pool, index: HoldoutIndex, want: number, seed: number): HoldoutPick[] {
  if (want <= 0) return [];
  if (index.n !== pool.n) throw new RangeError(`holdout index built for ${index.n} items, the pool has ${pool.n}`);
  const { key, start, items, groupAt, pos } = index;
  const G = key.length;
  if (G === 0) return [];
  const rng = mulberry32(seed);
  const offset = Math.floor(rng() * G);
  // Per group: holdout items labeled/held/own (coverage) and those not free for any reason (unavailable).
  const coverage = new Int32Array(G);
  const unavailable = new Int32Array(G);
  const seen = new Uint8Array(items.length);
  const { labels, heldBy, mine, role } = pool;
  const visit = (list: Int32Array) => {
    for (let t = 0; t < list.length; t++) {
      const i = list[t];
      const j = pos[i];
      if (j < 0 || seen[j] !== 0) continue;
      const g = groupAt[j];
      if (role[i] !== ROLE_HOLDOUT) unavailable[g]++;
      else if (labels[i] !== 0 || heldBy[i] !== 0 || mine[i] !== 0) {
        unavailable[g]++;
        coverage[g]++;
      } else continue;
      seen[j] = 1;
    }
  };
  visit(pool.lists.labeled);
  visit(pool.held);
  visit(pool.lists.mine);
  visit(pool.lists.gold);
  visit(pool.lists.excluded);
  const free = (i: number) => role[i] === ROLE_HOLDOUT && labels[i] === 0 && heldBy[i] === 0 && mine[i] === 0;
  const steps = new Map<number, number>();
  const out: HoldoutPick[] = [];
  // Level by level: every group at the lowest coverage gets one pick, in rotated order; a picked group moves up a level.
  let level = 0;
  while (out.length < want) {
    let nextLevel = Infinity;
    for (let r = 0; r < G && out.length < want; r++) {
      const g = offset + r < G ? offset + r : offset + r - G;
      const size = start[g + 1] - start[g];
      if (unavailable[g] >= size) continue;
      if (coverage[g] !== level) {
        if (coverage[g] > level && coverage[g] < nextLevel) nextLevel = coverage[g];
        continue;
      }
      const s0 = groupStart(seed, g, size);
      let k = steps.get(g) ?? 0;
      let item = -1;
      for (; k < size; k++) {
        const i = items[start[g] + ((s0 + k) % size)];
        if (free(i)) {
          item = i;
          k++;
          break;
        }
      }
      steps.set(g, k);
      if (item < 0) continue;
      unavailable[g]++;
      coverage[g]++;
      if (unavailable[g] < size && coverage[g] < nextLevel) nextLevel = coverage[g];
      out.push({ item, group: key[g] });
    }
    if (nextLevel === Infinity) break;
    level = nextLevel;
  }
  return out;
}
