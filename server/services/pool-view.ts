import type { Db } from '../../db/client';
import { countEmbeddings, forEachEmbeddingPage } from '../../db/queries/embeddings';
import { countPoolItems, findRankingHead, forEachPoolItemPage, forEachRankingEntryPage, readPoolSignature, type PoolItemRow, type PoolSignature, type RankingHead } from '../../db/queries/queue-state';
import type { Embeddings } from '../../lib/al/types';
import { indexCold, type ColdIndex } from '../../lib/queue/cold';
import { indexHoldout, type HoldoutIndex } from '../../lib/queue/holdout';
import { mostConfidentFirst } from '../../lib/queue/confidence-order';
import type { HoldoutItems, RankingView } from '../../lib/queue/input';
import { createLabelBook, type LabelBook } from './label-book';
import { listViewSnapshots, readViewSnapshot, writeViewSnapshot } from './view-snapshot';

/**
 * A project's pool as the dealer sees it, in memory: item ids ↔ pool indices 0…n−1 (items
 * by id, so an import appends), holdout items with group numbers, gold items, the applied
 * ranking spread over the pool as typed arrays with its best-first orders, the ranking's
 * embeddings, and the label book. Built once per ranking (the items part once per import),
 * with one query per part; a million items cost a few typed arrays, not a million objects.
 */
/** The items part of a view: rebuilt per import, shared by the rankings dealt over it. */
interface PoolItems {
  n: number;
  /** Item id of each pool index, ascending. */
  ids: Float64Array;
  holdout: HoldoutItems;
  /** The holdout laid out for cheap deals (lib/queue/holdout.ts), built with the items part. */
  holdoutIndex: HoldoutIndex;
  gold: Int32Array;
  book: LabelBook;
}

export interface PoolView extends PoolItems {
  projectId: number;
  signature: PoolSignature;
  /** Read from the last process's snapshot (no embeddings): dealt from at once while its build runs. */
  provisional?: true;
  /** coldIndex: the embeddings' clusters for cold deals, built on the first cold deal and kept with the embeddings. */
  ranking?: { head: RankingHead; view: RankingView; embeddings?: Embeddings; coldIndex(): ColdIndex | undefined };
}

/** Pool index of an item id, or −1 (binary search over the ascending ids). */
export function indexOf(view: Pick<PoolView, 'ids'>, itemId: number): number {
  const ids = view.ids;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v === itemId) return mid;
    if (v < itemId) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface Base extends PoolItems {
  key: string;
  /** Embeddings of one space, kept across rankings that share it (with their cold clusters once asked for). */
  embeddings?: { space: string; count: number; value: Embeddings; cold?: ColdIndex };
}

interface Entry {
  current?: PoolView;
  building?: { signature: PoolSignature; promise: Promise<PoolView> };
  /** The items part per signature (an import or a ranking re-reads items: their split or reference may have changed). */
  bases: Map<string, Promise<Base>>;
  /** The last items part built: its label book (and embeddings) carry over while the item ids stay the same. */
  last?: Base;
}

export interface PoolViewOptions {
  /**
   * Above this many items a claim that finds its view out of date keeps dealing from the
   * old one while the new one builds (a million-item build takes seconds); below, it waits
   * for the new view (a few milliseconds), so a new ranking is dealt from at once.
   */
  waitBelow?: number;
  /**
   * How long a project's pool signature (applied ranking, newest import) is trusted without
   * asking the database again. Changes made through this process say so at once (`changed`);
   * the time bounds how late a ranking applied by another process is dealt from. Every claim
   * re-checks its items in its transaction, so a late view costs spread, never a wrong lease.
   */
  signatureTtlMs?: number;
  /**
   * A project with at least this many items (default 200,000) and no view built yet (the first claims after a
   * start) is dealt from the database directly while its view builds (server/services/queue-bridge.ts):
   * a million-item build takes seconds, and no one should wait that long for a first item.
   */
  bridgeAbove?: number;
  /**
   * Keep each built view on disk in `dir` and deal the first claims after a restart from it
   * while the new build runs (server/services/view-snapshot.ts). `database` names where the
   * views were read; a snapshot from another database is never used.
   */
  snapshots?: { dir: string; database: string };
  onError?(err: unknown, projectId: number): void;
  /** Awaited before a build reads anything (tests hold a build to see what claims do meanwhile). */
  beforeBuild?(projectId: number): Promise<void>;
  /** Awaited before each page of a build's whole-pool reads: the queue lets claims in flight go first (server/services/claims-first.ts). */
  beforePage?(): Promise<void>;
}

/**
 * The per-project cache of pool views. Concurrent claims share one build (a promise); an
 * out-of-date view is rebuilt when its project's applied ranking or newest import changes.
 */
export function createPoolViews(db: Db, opts: PoolViewOptions = {}) {
  const waitBelow = opts.waitBelow ?? 200_000;
  const entries = new Map<number, Entry>();
  const signatureTtlMs = opts.signatureTtlMs ?? 1000;
  const signatures = new Map<number, { at: number; value: Promise<PoolSignature> }>();
  // Below this a build takes a few seconds at most, and on PGlite (one connection) bridged claims only queue behind its reads.
  const bridgeAbove = opts.bridgeAbove ?? 200_000;
  /** Item counts of projects whose first view is building, read once per build. */
  const sizes = new Map<number, Promise<number>>();
  const paging = { before: opts.beforePage };

  function signatureOf(projectId: number): Promise<PoolSignature> {
    const t = Date.now();
    const hit = signatures.get(projectId);
    if (hit && t - hit.at < signatureTtlMs) return hit.value;
    const entry = { at: t, value: readPoolSignature(db, projectId) };
    signatures.set(projectId, entry);
    // A failed read is not remembered.
    entry.value.catch(() => { if (signatures.get(projectId) === entry) signatures.delete(projectId); });
    return entry.value;
  }

  async function get(projectId: number, classes: readonly string[]): Promise<PoolView> {
    const signature = await signatureOf(projectId);
    let entry = entries.get(projectId);
    if (!entry) entries.set(projectId, (entry = { bases: new Map() }));
    const cur = entry.current;
    if (cur && same(cur.signature, signature) && !cur.provisional) return cur;
    if (!entry.building || !same(entry.building.signature, signature)) {
      const e = entry;
      const promise = build(e, projectId, signature, classes);
      const building = { signature, promise };
      e.building = building;
      promise.then((v) => {
        // A slower build of an older signature never replaces a newer view.
        if (e.building === building || !e.current || e.current.provisional) {
          e.current = v;
          keep(projectId, v);
        }
      }, (err) => {
        if (e.building === building) e.building = undefined;
        opts.onError?.(err, projectId);
      });
    }
    // A snapshot of the same signature is as good as the build, less its embeddings: no one waits for those.
    if (cur && (cur.n >= waitBelow || (cur.provisional && same(cur.signature, signature)))) return cur;
    return entry.building!.promise;
  }

  /** Per project, the signature of the snapshot on disk, as far as this process knows (read or written by it). */
  const onDisk = new Map<number, PoolSignature>();

  /**
   * Writes a built view as the project's snapshot, unless the one on disk has its signature: a
   * restart's build over the kept view would write the same file again, 32 MB for a million items,
   * whose writeback then met the commits' WAL flushes on the same disk during the first minute.
   */
  function keep(projectId: number, v: PoolView): void {
    const snapshots = opts.snapshots;
    if (!snapshots) return;
    const known = onDisk.get(projectId);
    if (known && same(known, v.signature)) return;
    writeViewSnapshot(snapshots.dir, { ...v, database: snapshots.database, ranking: v.ranking && { head: v.ranking.head, view: v.ranking.view } })
      .then(() => onDisk.set(projectId, v.signature), (err) => opts.onError?.(err, projectId));
  }

  /** Projects whose snapshot was looked for already (once per process: afterwards the views are this process's own). */
  const snapshotReads = new Map<number, Promise<PoolView | undefined>>();

  /**
   * The view the last process left on disk, made current when it was read under the signature
   * the database has now; undefined otherwise. Its label book is read fresh.
   */
  function fromSnapshot(projectId: number): Promise<PoolView | undefined> {
    const snapshots = opts.snapshots;
    if (!snapshots) return Promise.resolve(undefined);
    let read = snapshotReads.get(projectId);
    if (!read) {
      read = (async () => {
        const [s, signature] = await Promise.all([readViewSnapshot(snapshots.dir, projectId), signatureOf(projectId)]);
        if (!s || s.database !== snapshots.database || !same(s.signature, signature)) return undefined;
        onDisk.set(projectId, s.signature);
        const holdoutIndex = indexHoldout(s.holdout, s.n);
        const book = createLabelBook(projectId, s.n, (id) => indexOf({ ids: s.ids }, id));
        await book.refresh(db);
        let entry = entries.get(projectId);
        if (!entry) entries.set(projectId, (entry = { bases: new Map() }));
        if (entry.current) return entry.current;
        const view: PoolView = { projectId, signature, n: s.n, ids: s.ids, holdout: s.holdout, holdoutIndex, gold: s.gold, book, provisional: true };
        if (s.ranking) view.ranking = { head: s.ranking.head, view: s.ranking.view, coldIndex: () => undefined };
        entry.current = view;
        // The build that follows keeps this label book when the item ids are the same.
        entry.last ??= { key: `${signature.importId}:${signature.rankingId}`, n: s.n, ids: s.ids, holdout: s.holdout, holdoutIndex, gold: s.gold, book };
        return view;
      })().catch((err) => { opts.onError?.(err, projectId); return undefined; });
      snapshotReads.set(projectId, read);
    }
    return read;
  }

  /**
   * The view to deal from, or — while a large project's first view builds — the signature the
   * bridge deals by (the build goes on meanwhile; the claims after it get the view).
   */
  async function viewOrBridge(projectId: number, classes: readonly string[]): Promise<{ view: PoolView } | { bridge: PoolSignature }> {
    if (entries.get(projectId)?.current) return { view: await get(projectId, classes) };
    if (await fromSnapshot(projectId)) return { view: await get(projectId, classes) };
    const pending = get(projectId, classes);
    pending.catch(() => {});
    let size = sizes.get(projectId);
    if (!size) {
      sizes.set(projectId, (size = countPoolItems(db, projectId, bridgeAbove)));
      const s = size;
      const forget = () => { if (sizes.get(projectId) === s) sizes.delete(projectId); };
      pending.then(forget, forget);
    }
    if ((await size.catch(() => 0)) < bridgeAbove) return { view: await pending };
    // Built while the count was read: deal from it.
    const now = entries.get(projectId)?.current;
    if (now) return { view: now };
    return { bridge: await signatureOf(projectId) };
  }

  async function build(entry: Entry, projectId: number, signature: PoolSignature, classes: readonly string[]): Promise<PoolView> {
    await opts.beforeBuild?.(projectId);
    const key = `${signature.importId}:${signature.rankingId}`;
    let base = entry.bases.get(key);
    if (!base) {
      entry.bases.clear();
      base = buildBase(projectId, key, entry.last).then((b) => (entry.last = b));
      entry.bases.set(key, base);
      base.catch(() => entry.bases.delete(key));
    }
    const b = await base;
    const view: PoolView = { projectId, signature, n: b.n, ids: b.ids, holdout: b.holdout, holdoutIndex: b.holdoutIndex, gold: b.gold, book: b.book };
    if (signature.rankingId !== null) {
      const head = await findRankingHead(db, signature.rankingId);
      if (head) {
        const embeddings = await spaceOf(b, projectId, head.embeddingSpace);
        let cold: ColdIndex | undefined;
        view.ranking = { head, view: await buildRanking(b, head, classes), embeddings, coldIndex: () => (cold ??= coldOf(b, embeddings)) };
      }
    }
    return view;
  }

  async function buildBase(projectId: number, key: string, previous: Base | undefined): Promise<Base> {
    const pages: Float64Array[] = [];
    const special: { at: number; row: PoolItemRow }[] = [];
    let n = 0;
    await forEachPoolItemPage(db, projectId, (page) => {
      for (const row of page.special) special.push({ at: n + row.at, row });
      pages.push(page.ids);
      n += page.ids.length;
    }, paging);
    const ids = new Float64Array(n);
    let at = 0;
    for (const p of pages) {
      ids.set(p, at);
      at += p.length;
    }
    const holdoutItem: number[] = [];
    const holdoutGroup: number[] = [];
    const groups = new Map<string, number>();
    const gold: number[] = [];
    for (const { at: i, row: r } of special) {
      if (r.holdout) {
        let g = groups.get(r.groupKey);
        if (g === undefined) groups.set(r.groupKey, (g = groups.size));
        holdoutItem.push(i);
        holdoutGroup.push(g);
      }
      if (r.gold) gold.push(i);
    }
    const holdout = { item: Int32Array.from(holdoutItem), group: Int32Array.from(holdoutGroup) };
    // Same items as before (a new ranking, no import, or the view kept on disk): the label book, the
    // embeddings cache and, with the same holdout, its index carry over. Indexing a million items'
    // holdout holds the thread 50–120 ms, in the seconds when a restart's first claims arrive.
    if (previous && sameValues(previous.ids, ids)) {
      const holdoutIndex = sameValues(previous.holdout.item, holdout.item) && sameValues(previous.holdout.group, holdout.group) ? previous.holdoutIndex : indexHoldout(holdout, n);
      return { ...previous, key, holdout, holdoutIndex, gold: Int32Array.from(gold) };
    }
    const holdoutIndex = indexHoldout(holdout, n);
    const book = createLabelBook(projectId, n, (id) => indexOf({ ids }, id));
    await book.refresh(db);
    return { key, n, ids, holdout, holdoutIndex, gold: Int32Array.from(gold), book };
  }

  async function buildRanking(b: Base, head: RankingHead, classes: readonly string[]): Promise<RankingView> {
    const score = new Float32Array(b.n).fill(NaN);
    const confidence = new Float32Array(b.n).fill(NaN);
    const predicted = new Int32Array(b.n).fill(-1);
    const byScore = new Int32Array(b.n);
    const classIndex = new Map(classes.map((c, k) => [c, k]));
    const leadCount = Math.min(head.lead ?? 0, b.n);
    const lead: number[] = [];
    let m = 0;
    let position = 0;
    await forEachRankingEntryPage(db, head.id, (page) => {
      for (let k = 0; k < page.itemIds.length; k++) {
        const i = indexOf(b, page.itemIds[k]);
        // Counted over every entry, so an item gone since (deleted) does not shift the lead onto the rest.
        const inLead = position++ < leadCount;
        if (i < 0 || !Number.isNaN(score[i])) continue;
        if (inLead) lead.push(i);
        score[i] = page.score[k];
        confidence[i] = page.confidence[k];
        const p = page.predicted[k];
        predicted[i] = p === null ? -1 : classIndex.get(p) ?? -1;
        byScore[m++] = i;
      }
    }, paging);
    const ranked = byScore.slice(0, m);
    const byConfidence = mostConfidentFirst(ranked, confidence);
    return { version: head.id, strategy: head.strategy, score, predicted, confidence, byScore: ranked, byConfidence, ...(lead.length ? { lead: Int32Array.from(lead) } : {}) };
  }

  async function spaceOf(b: Base, projectId: number, space: string | null): Promise<Embeddings | undefined> {
    if (!space) return undefined;
    const count = await countEmbeddings(db, projectId, space);
    if (count === 0) return undefined;
    if (b.embeddings && b.embeddings.space === space && b.embeddings.count === count) return b.embeddings.value;
    // The dim of the space is the first vector's; a vector of another dim is left out.
    let d = -1;
    let data = new Float32Array(0);
    let bytes = new Uint8Array(0);
    await forEachEmbeddingPage(db, projectId, space, (page) => {
      if (d < 0 && page.dims.length > 0) {
        d = page.dims[0];
        data = new Float32Array(b.n * d);
        bytes = new Uint8Array(data.buffer);
      }
      let at = 0;
      for (let k = 0; k < page.itemIds.length; k++) {
        const len = 4 * page.dims[k];
        const i = indexOf(b, page.itemIds[k]);
        // Items without a vector (imported after the space was computed) sit at the origin: they are unranked too, dealt only by the random fallback.
        if (i >= 0 && page.dims[k] === d) bytes.set(page.bytes.subarray(at, at + len), 4 * i * d);
        at += len;
      }
    }, paging);
    if (d <= 0) return undefined;
    const value: Embeddings = { n: b.n, d, data };
    b.embeddings = { space, count, value };
    return value;
  }

  /** The cold clusters of the items part's embeddings, k-means once (a few hundred ms on a 20,000-item sample), then kept. */
  function coldOf(b: Base, embeddings: Embeddings | undefined): ColdIndex | undefined {
    if (!embeddings) return undefined;
    const e = b.embeddings;
    if (!e || e.value !== embeddings) return indexCold(embeddings);
    return (e.cold ??= indexCold(embeddings));
  }

  return {
    get,
    viewOrBridge,
    /**
     * Starts the freshness read `get` will need (when the trusted one is older than its TTL), so a
     * claim can send it together with its access check instead of after it.
     */
    prefetch(projectId: number): void {
      signatureOf(projectId).catch(() => {});
    },
    /** The view last built for the project, current or not, without asking the database (a claim's head start). */
    latest(projectId: number): PoolView | undefined {
      return entries.get(projectId)?.current;
    },
    /**
     * At a start, before anyone claims: the views the last process left on disk read (so the first
     * claims after a restart deal at once instead of all waiting for the file and its label book),
     * and their builds started. `classesOf` is undefined for a project that is gone. Resolves to
     * the projects warmed; a project whose snapshot does not fit the database any more is left to
     * its first claim, as before.
     */
    async warm(classesOf: (projectId: number) => Promise<readonly string[] | undefined>): Promise<number[]> {
      if (!opts.snapshots) return [];
      const warmed: number[] = [];
      for (const projectId of await listViewSnapshots(opts.snapshots.dir)) {
        const classes = await classesOf(projectId);
        if (!classes || !(await fromSnapshot(projectId))) continue;
        // Errors of the build reach onError, as a claim's would.
        get(projectId, classes).catch(() => {});
        warmed.push(projectId);
      }
      return warmed;
    },
    /** A ranking was applied or items imported: the next claim asks the database again. */
    changed(projectId: number) {
      signatures.delete(projectId);
    },
    /** Forgets a project's view (tests; a deleted project). */
    forget(projectId: number) {
      entries.delete(projectId);
      signatures.delete(projectId);
    },
  };
}

function sameValues(a: Float64Array | Int32Array, b: Float64Array | Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function same(a: PoolSignature, b: PoolSignature): boolean {
  return a.rankingId === b.rankingId && a.importId === b.importId;
}

export type PoolViews = ReturnType<typeof createPoolViews>;
