import type { Executor } from '../../db/client';
import { listLabelEventsAfter, type LabelEvent } from '../../db/queries/queue-state';
import type { LabelCounts } from '../../lib/queue/input';

/**
 * Who labeled what, kept in memory per project and brought up to date incrementally: every
 * claim reads only the label versions and retractions newer than what the book has seen, so
 * a claim on a pool with a hundred thousand labels reads a handful of rows, not a count.
 *
 * Annotation ids are handed out before their transactions commit, so a row with a smaller id
 * can become visible after a larger one. The book therefore re-reads the last `lagMs` of
 * rows (by when it first saw them), asking only for ids it has not applied; a row that commits
 * later than that is missed until the book is rebuilt (the next import). Missing one costs
 * quality, never correctness: the claim asks the database once more, for the few chosen
 * items, whether they are open and not the caller's own (`lockLeasableItems`).
 */
export interface LabelBook {
  /** Brings the book up to date; concurrent calls are safe (each row is applied once). */
  refresh(db: Executor): Promise<void>;
  /** Labeled items and their distinct annotators (an import counts as one): views of the book's own arrays, to read and never write. */
  labeled(): LabelCounts;
  /** Items with a standing label newer than `sinceMs`. */
  freshSince(sinceMs: number): Int32Array;
  /** Items this annotator has a standing label on. */
  labeledBy(userId: number): Iterable<number>;
  /** Whether this annotator has a standing label on the item. */
  hasLabelBy(index: number, userId: number): boolean;
  /** Items with at least one standing label. */
  labeledCount(): number;
  /** Classes among the standing labels. */
  classesSeen(classes: readonly string[]): number;
  /** Labels of the least-labeled of these classes (0 when one has none). */
  fewestPerClass(classes: readonly string[]): number;
}

const USER_BITS = 2 ** 22;
const IMPORT_USER = 0;

export function createLabelBook(projectId: number, n: number, indexOf: (itemId: number) => number, opts: { lagMs?: number; now?: () => number } = {}): LabelBook {
  const lagMs = opts.lagMs ?? 3000;
  const now = opts.now ?? Date.now;
  const at = new Float64Array(n);
  const pairs = new Map<number, number>();
  const byUser = new Map<number, Set<number>>();
  const classCounts = new Map<string, number>();
  // The labeled items in the order first labeled, each with its count of distinct annotators
  // (up to 255; 0 once unlabeled, until the next compaction), and each item's place in them
  // (−1: not listed): an item's count is listCount[place[i]]. labeled() hands out views of these, not copies (a claim asks for
  // them on every deal); so entries are only ever appended or updated in place, and dropping
  // unlabeled ones builds new arrays: a view handed out earlier keeps its items.
  let list = new Int32Array(64);
  let listCount = new Int32Array(64);
  const place = new Int32Array(n).fill(-1);
  let listLen = 0;
  let listDirty = false;
  let labeledItems = 0;
  let floorId = 0;
  const recent = new Map<number, number>();
  let cache: { version: number; value: LabelCounts } | null = null;
  let fresh: { version: number; sinceMs: number; value: Int32Array } | null = null;
  let version = 0;

  function apply(e: LabelEvent): void {
    const i = indexOf(e.itemId);
    if (i < 0) return;
    const user = e.userId ?? IMPORT_USER;
    const key = i * USER_BITS + (user % USER_BITS);
    const had = pairs.get(key) ?? 0;
    version++;
    if (e.action === 'label') {
      pairs.set(key, had + 1);
      if (e.at > at[i]) at[i] = e.at;
      if (e.label !== null) classCounts.set(e.label, (classCounts.get(e.label) ?? 0) + 1);
      if (had > 0) return;
      let mine = byUser.get(user);
      if (!mine) byUser.set(user, (mine = new Set()));
      mine.add(i);
      // Unlabeled and labeled again before the list was compacted, an item still has its place.
      if (place[i] < 0) {
        if (listLen === list.length) {
          list = grown(list);
          listCount = grown(listCount);
        }
        place[i] = listLen;
        listCount[listLen] = 0;
        list[listLen++] = i;
      }
      const slot = place[i];
      if (listCount[slot] === 0) labeledItems++;
      if (listCount[slot] < 255) listCount[slot]++;
      return;
    }
    if (had === 0) return;
    if (e.label !== null) classCounts.set(e.label, Math.max(0, (classCounts.get(e.label) ?? 0) - 1));
    if (had > 1) {
      pairs.set(key, had - 1);
      return;
    }
    pairs.delete(key);
    byUser.get(user)?.delete(i);
    const slot = place[i];
    if (slot >= 0 && listCount[slot] > 0 && --listCount[slot] === 0) {
      labeledItems--;
      listDirty = true;
    }
  }

  function grown(a: Int32Array): Int32Array<ArrayBuffer> {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  }

  async function refresh(db: Executor): Promise<void> {
    // The database leaves out the ids already applied; the check below still catches a row that
    // two refreshes running at once both read.
    const seen = [...recent.keys()].sort((a, b) => a - b);
    const rows = await listLabelEventsAfter(db, projectId, floorId, seen);
    const t = now();
    for (const e of rows) {
      if (e.id <= floorId || recent.has(e.id)) continue;
      recent.set(e.id, t);
      apply(e);
    }
    // Ids seen long enough ago are final: nothing smaller is still in flight (see above).
    let settled = floorId;
    for (const [id, seen] of recent) if (t - seen >= lagMs && id > settled) settled = id;
    if (settled > floorId) {
      for (const id of recent.keys()) if (id <= settled) recent.delete(id);
      floorId = settled;
    }
  }

  function labeled(): LabelCounts {
    if (cache && cache.version === version) return cache.value;
    if (listDirty) {
      const kept = new Int32Array(list.length);
      const keptCount = new Int32Array(list.length);
      let k = 0;
      for (let j = 0; j < listLen; j++) {
        const i = list[j];
        if (listCount[j] > 0) {
          place[i] = k;
          kept[k] = i;
          keptCount[k++] = listCount[j];
        } else {
          place[i] = -1;
        }
      }
      list = kept;
      listCount = keptCount;
      listLen = k;
      listDirty = false;
    }
    cache = { version, value: { item: list.subarray(0, listLen), count: listCount.subarray(0, listLen) } };
    return cache.value;
  }

  return {
    refresh,
    labeled,
    freshSince(sinceMs) {
      if (fresh && fresh.version === version && fresh.sinceMs === sinceMs) return fresh.value;
      const { item } = labeled();
      let k = 0;
      for (let j = 0; j < item.length; j++) if (at[item[j]] > sinceMs) k++;
      const value = new Int32Array(k);
      k = 0;
      for (let j = 0; j < item.length; j++) if (at[item[j]] > sinceMs) value[k++] = item[j];
      fresh = { version, sinceMs, value };
      return value;
    },
    labeledBy: (userId) => byUser.get(userId) ?? [],
    hasLabelBy: (index, userId) => (pairs.get(index * USER_BITS + (userId % USER_BITS)) ?? 0) > 0,
    labeledCount: () => labeledItems,
    classesSeen: (classes) => classes.reduce((s, c) => s + ((classCounts.get(c) ?? 0) > 0 ? 1 : 0), 0),
    fewestPerClass: (classes) => classes.reduce((m, c) => Math.min(m, classCounts.get(c) ?? 0), classes.length ? Infinity : 0),
  };
}
