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
  checkSize(input.n);
  return fillPool(input, new Uint8Array(5 * input.n));
}

function checkSize(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`pool size must be a whole number ≥ 0, got ${n}`);
}

/**
 * `buildPool` for one deal: the pool lives only while `use` runs, in a block of memory the
 * next deal reuses. A fresh 5n-byte block per deal was ~5 MB of new pages on a million-item
 * pool, faulted in and zeroed on every claim; a resident block is cleared in one pass.
 * A nested call (a deal inside a deal) gets a block of its own.
 */
export function withPool<T>(input: DealInput, use: (pool: Pool) => T): T {
  checkSize(input.n);
  const size = 5 * input.n;
  if (arena.busy) return use(buildPool(input));
  if (arena.block.length !== size) arena.block = new Uint8Array(size);
  else arena.block.fill(0);
  arena.busy = true;
  try {
    return use(fillPool(input, arena.block));
  } finally {
    arena.busy = false;
  }
}

const arena = { block: new Uint8Array(0), busy: false };

/**
 * The roles the pool view fixes (holdout, then gold over it), per holdout list and gold list:
 * a million-item pool has 100k holdout items, and writing them one by one was most of a deal's
 * pool. Copied in one pass instead; keyed by the lists' identity (a pool view keeps its own).
 */
const fixedRoles = new WeakMap<Int32Array, { n: number; gold: Int32Array; role: Uint8Array }>();

function rolesOf(n: number, holdout: Int32Array, gold: Int32Array): Uint8Array {
  const hit = fixedRoles.get(holdout);
  if (hit && hit.n === n && hit.gold === gold) return hit.role;
  // Checked once per list, not per deal (100k holdout items on a million-item pool).
  check('holdout', holdout, n);
  check('gold', gold, n);
  const role = new Uint8Array(n);
  // Later roles win: a gold item in the holdout is gold.
  for (let j = 0; j < holdout.length; j++) role[holdout[j]] = ROLE_HOLDOUT;
  for (let j = 0; j < gold.length; j++) role[gold[j]] = ROLE_GOLD;
  fixedRoles.set(holdout, { n, gold, role });
  return role;
}

function fillPool(input: DealInput, block: Uint8Array): Pool {
  const { n } = input;
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
  check('fresh', fresh, n);
  check('mine', mineList, n);
  check('excluded', excluded, n);

  // The five per-item arrays share one zeroed block; the fixed roles come in one copy, the rest
  // are sparse writes, so a million-item pool costs its lists and two copies, not n writes.
  const blocked = block.subarray(0, n);
  const labels = block.subarray(n, 2 * n);
  const heldBy = block.subarray(2 * n, 3 * n);
  const mine = block.subarray(3 * n, 4 * n);
  const role = block.subarray(4 * n, 5 * n);
  if (holdout.item.length > 0 || gold.length > 0) {
    const fixed = rolesOf(n, holdout.item, gold);
    role.set(fixed);
    blocked.set(fixed);
  }
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
  // Later roles win: an excluded gold item is excluded.
  for (let j = 0; j < excluded.length; j++) role[excluded[j]] = blocked[excluded[j]] = ROLE_EXCLUDED;
  for (let j = 0; j < fresh.length; j++) blocked[fresh[j]] = 1;
  return { n, labels, heldBy, mine, role, blocked, held: Int32Array.from(heldList), fresh, lists: { labeled: labeled.item, mine: mineList, gold, excluded } };
}
