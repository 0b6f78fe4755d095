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
  /** Items blocked during the deal (`blockItem`), besides those the input blocks. */
  blockedDuringDeal: number[];
}

/** Blocks an item for the rest of this deal (an easy pick the main stream must not take again). */
export function blockItem(pool: Pool, i: number): void {
  pool.blocked[i] = 1;
  pool.blockedDuringDeal.push(i);
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
  const block = new Uint8Array(5 * input.n);
  const fixed = fixedRolesOf(input);
  if (fixed) setFixedRoles(block, input.n, fixed);
  return fillPool(input, block);
}

function checkSize(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`pool size must be a whole number ≥ 0, got ${n}`);
}

/**
 * `buildPool` for one deal: the pool lives only while `use` runs, in a block of memory the
 * next deal reuses. The block is kept at its resting state, the fixed roles written and every
 * count zero, and after the deal only the items it wrote are put back: a million-item pool
 * with a few thousand labels costs its lists, not a 5 MB clear and two 1 MB copies per claim
 * (which also pushed the rest of the machine's work out of the CPU caches). So every write to
 * the pool's arrays during a deal goes through `blockItem`, which remembers what to put back.
 * A nested call (a deal inside a deal) gets a block of its own.
 */
export function withPool<T>(input: DealInput, use: (pool: Pool) => T): T {
  checkSize(input.n);
  if (arena.busy) return use(buildPool(input));
  const { n } = input;
  const fixed = fixedRolesOf(input);
  if (arena.block.length !== 5 * n || arena.fixed !== fixed || !arena.atRest) {
    if (arena.block.length === 5 * n) arena.block.fill(0);
    else arena.block = new Uint8Array(5 * n);
    if (fixed) setFixedRoles(arena.block, n, fixed);
    arena.fixed = fixed;
  }
  arena.busy = true;
  arena.atRest = false;
  let pool: Pool | undefined;
  try {
    pool = fillPool(input, arena.block);
    return use(pool);
  } finally {
    // Item by item where the deal wrote few; where it wrote many (a twentieth of the pool is about
    // where the two cost the same), the next deal clears the block in one pass instead.
    if (pool && writtenItems(pool) * 20 < n) {
      restore(pool, fixed);
      arena.atRest = true;
    }
    arena.busy = false;
  }
}

/** The block deals reuse; at rest it holds `fixed` (the roles it was set up for) and nothing else. */
const arena: { block: Uint8Array; fixed: Uint8Array | null; atRest: boolean; busy: boolean } = { block: new Uint8Array(0), fixed: null, atRest: true, busy: false };

function writtenItems(pool: Pool): number {
  return pool.lists.labeled.length + pool.held.length + pool.lists.mine.length + pool.fresh.length + pool.blockedDuringDeal.length + pool.lists.excluded.length;
}

/** Puts back every item the deal wrote, array by array as `fillPool` wrote it: the block is at rest again. */
function restore(pool: Pool, fixed: Uint8Array | null): void {
  const { labels, heldBy, mine, role, blocked } = pool;
  const unblock = (list: ArrayLike<number>, also?: Uint8Array) => {
    for (let j = 0; j < list.length; j++) {
      const i = list[j];
      if (also) also[i] = 0;
      blocked[i] = fixed ? fixed[i] : 0;
    }
  };
  unblock(pool.lists.labeled, labels);
  unblock(pool.held, heldBy);
  unblock(pool.lists.mine, mine);
  unblock(pool.fresh);
  unblock(pool.blockedDuringDeal);
  const excluded = pool.lists.excluded;
  for (let j = 0; j < excluded.length; j++) {
    const i = excluded[j];
    role[i] = blocked[i] = fixed ? fixed[i] : 0;
  }
}

/**
 * The roles the pool view fixes (holdout, then gold over it), per holdout list and gold list:
 * a million-item pool has 100k holdout items, and writing them one by one was most of a deal's
 * pool. Copied in one pass instead; keyed by the lists' identity (a pool view keeps its own).
 */
const fixedRoles = new WeakMap<Int32Array, { n: number; gold: Int32Array; role: Uint8Array }>();

function fixedRolesOf(input: DealInput): Uint8Array | null {
  const holdout = input.holdout?.item ?? EMPTY;
  const gold = input.gold ?? EMPTY;
  return holdout.length > 0 || gold.length > 0 ? rolesOf(input.n, holdout, gold) : null;
}

/** The fixed roles into a zeroed block: the role of each item, and blocked for the main streams. */
function setFixedRoles(block: Uint8Array, n: number, fixed: Uint8Array): void {
  block.subarray(4 * n, 5 * n).set(fixed);
  block.subarray(0, n).set(fixed);
}

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

  // The five per-item arrays share one block that holds the fixed roles and nothing else; the
  // rest are sparse writes, so a million-item pool costs its lists, not n writes.
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
  // Later roles win: an excluded gold item is excluded.
  for (let j = 0; j < excluded.length; j++) role[excluded[j]] = blocked[excluded[j]] = ROLE_EXCLUDED;
  for (let j = 0; j < fresh.length; j++) blocked[fresh[j]] = 1;
  return { n, labels, heldBy, mine, role, blocked, held: Int32Array.from(heldList), fresh, lists: { labeled: labeled.item, mine: mineList, gold, excluded }, blockedDuringDeal: [] };
}
