import { Answer } from '@/lib/tasks';
import type { EditRecord } from '@/lib/tasks/edit';
import { call } from '../api';

/** An item's prelabel: what the editor starts from, and where it came from. */
export interface Prelabel {
  answer: Answer | null;
  source: EditRecord['prelabel'];
  /** Why there is none when fetching it failed (shown, not hidden: the annotator starts from nothing). */
  error: string | null;
}

/**
 * Fetches prelabels ahead of time, one request per item, so that the next image is drawn with
 * its prelabel as soon as the previous answer is submitted.
 */
export function createPrelabelCache(projectId: number) {
  const cache = new Map<number, Promise<Prelabel>>();
  /** Prelabels that arrived: the editor reads them in the render that shows the item, without waiting a tick. */
  const arrived = new Map<number, Prelabel>();
  async function fetchOne(itemId: number): Promise<Prelabel> {
    try {
      const r = await call<{ prelabel: unknown; source: 'model' | 'import' | null }>('GET', `/api/projects/${projectId}/items/${itemId}/prelabel`);
      const parsed = r.prelabel === null ? null : Answer.safeParse(r.prelabel);
      if (parsed && !parsed.success) return { answer: null, source: 'none', error: 'the server sent a prelabel this page cannot read' };
      return { answer: parsed?.data ?? null, source: parsed ? r.source ?? 'none' : 'none', error: null };
    } catch (e) {
      return { answer: null, source: 'none', error: (e as Error).message };
    }
  }
  return {
    get(itemId: number): Promise<Prelabel> {
      let p = cache.get(itemId);
      if (!p) {
        p = fetchOne(itemId).then((v) => {
          if (cache.get(itemId) === p) arrived.set(itemId, v);
          return v;
        });
        cache.set(itemId, p);
      }
      return p;
    },
    /** The item's prelabel when it has arrived; null while it is on its way (or never asked for). */
    peek: (itemId: number): Prelabel | null => arrived.get(itemId) ?? null,
    /** Keeps only the listed items (those the page still holds). */
    keep(itemIds: readonly number[]): void {
      const keep = new Set(itemIds);
      for (const id of cache.keys()) {
        if (!keep.has(id)) {
          cache.delete(id);
          arrived.delete(id);
        }
      }
    },
  };
}
