import type { DealInput } from './input';

/**
 * The pool as one pass over the input: per-item flags and counts in n-byte arrays, so that
 * each stream decides "may I take item i" in O(1). Counts saturate at 255 (overlapK is at
 * most 20, so nothing reads past that).
 */
export interface Pool {
  n: number;
  /** Distinct annotators who labeled the item. */
  labels: Uint8Array;
  /** Active leases of other annotators on the item. */
  heldBy: Uint8Array;
  /** Non-zero: labeled, skipped or held by this annotator. */
  mine: Uint8Array;
  /** ROLE_* of the item. */
  role: Uint8Array;
  /** Non-zero: the item may not be taken by uncertain, easy or cold (labeled, held, mine, fresh, gold, holdout, excluded). */
  blocked: Uint8Array;
  /** Distinct items other annotators hold now. */
  held: Int32Array;
  /** Items labeled since the ranking. */
  fresh: Int32Array;
  /** The input's item lists, so a stream with a precomputed index can visit the few touched items instead of all n. */
  lists: { labeled: Int32Array; mine: Int32Array; gold: Int32Array; excluded: Int32Array };
}

export const ROLE_POOL = 0;
export const ROLE_GOLD = 1;
export const ROLE_HOLDOUT = 2;
export const ROLE_EXCLUDED = 3;

const EMPTY = new Int32Array(0);

function check(what: string, list: Int32Array, n: number): void {
  for (let j = 0; j < list.length; j++) {
    const i = list[j];
    if (!(i >= 0 && i < n)) throw new RangeError(`${what} has item ${i}, outside the pool [0, ${n})`);
  }
}

function bump(a: Uint8Array, i: number, by: number): void {
  a[i] = Math.min(255, a[i] + by);
}

export function buildPool(input: DealInput): Pool {
  const { n } = input;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`pool size must be a whole number ≥ 0, got ${n}`);
  const labeled = input.labeled ?? { item: EMPTY, count: EMPTY };
  const holds = input.held ?? { item: EMPTY, by: EMPTY };
  const holdout = input.holdout ?? { item: EMPTY, group: EMPTY };
  if (labeled.item.length !== labeled.count.length) throw new RangeError(`labeled has ${labeled.item.length} items but ${labeled.count.length} counts`);
  if (holds.item.length !== holds.by.length) throw new RangeError(`held has ${holds.item.length} items but ${holds.by.length} holders`);
  if (holdout.item.length !== holdout.group.length) throw new RangeError(`holdout has ${holdout.item.length} items but ${holdout.group.length} groups`);
  const fresh = input.fresh ?? EMPTY;
  const mineList = input.mine ?? EMPTY;
  const gold = input.gold ?? EMPTY;
  const excluded = input.excluded ?? EMPTY;
  check('labeled', labeled.item, n);
  check('held', holds.item, n);
  check('holdout', holdout.item, n);
  check('fresh', fresh, n);
  check('mine', mineList, n);
  check('gold', gold, n);
  check('excluded', excluded, n);

  // Sparse writes only: no pass over all n items, so a million-item pool costs its lists, not n.
  // The five per-item arrays share one allocation (one zeroed block instead of five).
  const block = new Uint8Array(5 * n);
  const blocked = block.subarray(0, n);
  const labels = block.subarray(n, 2 * n);
  const heldBy = block.subarray(2 * n, 3 * n);
  const mine = block.subarray(3 * n, 4 * n);
  const role = block.subarray(4 * n, 5 * n);
  for (let j = 0; j < labeled.item.length; j++) {
    const i = labeled.item[j];
    bump(labels, i, Math.max(0, labeled.count[j]));
    if (labels[i] !== 0) blocked[i] = 1;
  }
  const heldList: number[] = [];
  for (let j = 0; j < holds.item.length; j++) {
    const i = holds.item[j];
    if (heldBy[i] === 0) heldList.push(i);
    bump(heldBy, i, 1);
    blocked[i] = 1;
  }
  for (let j = 0; j < mineList.length; j++) mine[mineList[j]] = blocked[mineList[j]] = 1;
  // Later roles win: an excluded gold item is excluded; a gold item in the holdout is gold.
  const hItems = holdout.item;
  for (let j = 0; j < hItems.length; j++) role[hItems[j]] = blocked[hItems[j]] = ROLE_HOLDOUT;
  for (let j = 0; j < gold.length; j++) role[gold[j]] = blocked[gold[j]] = ROLE_GOLD;
  for (let j = 0; j < excluded.length; j++) role[excluded[j]] = blocked[excluded[j]] = ROLE_EXCLUDED;
  for (let j = 0; j < fresh.length; j++) blocked[fresh[j]] = 1;
  return { n, labels, heldBy, mine, role, blocked, held: Int32Array.from(heldList), fresh, lists: { labeled: labeled.item, mine: mineList, gold, excluded } };
}
