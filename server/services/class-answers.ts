import type { Db } from '../../db/client';
import { listClassAnswerChanges, listOverlappedItems } from '../../db/queries/consensus';

/** One standing human class answer. */
export interface ClassAnswer { itemId: number; userId: number; label: string; gold: string | null }

interface Mirror {
  lastId: number;
  answers: Map<number, ClassAnswer>;
  /** The consensus that stands per overlapped item, as last read or written (null: none stands). */
  consensus: Map<number, { label: string; confidence: number | null } | null>;
}

/**
 * The project's standing human class answers and standing consensus kept in memory and brought up
 * to date from the answers added since (answers are immutable versions; a retraction names the
 * one it takes back), so that a recompute after a label reads a few rows instead of all of them.
 * The consensus service is the only writer of consensus versions and tells the mirror what it
 * wrote. One server process owns a project's mirror.
 */
export function createClassAnswerMirror(db: Db) {
  const mirrors = new Map<number, Mirror>();

  /** The mirror brought up to date, and the items whose answers changed since the last read. */
  async function read(projectId: number): Promise<{ answers: Map<number, ClassAnswer>; consensus: Mirror['consensus']; touched: Set<number> }> {
    let m = mirrors.get(projectId);
    const touched = new Set<number>();
    const fresh = !m;
    if (!m) {
      m = { lastId: 0, answers: new Map(), consensus: new Map() };
      for (const o of await listOverlappedItems(db, projectId)) {
        const label = (o.consensus?.payload as { label?: unknown } | undefined)?.label;
        m.consensus.set(o.itemId, o.consensus && typeof label === 'string' ? { label, confidence: o.consensus.confidence } : null);
      }
      mirrors.set(projectId, m);
    }
    for (const c of await listClassAnswerChanges(db, projectId, m.lastId)) {
      m.lastId = Math.max(m.lastId, c.id);
      if (c.kind === 'retract') {
        const gone = m.answers.get(c.retracts);
        if (gone) { m.answers.delete(c.retracts); touched.add(gone.itemId); }
      } else if (c.label !== null) {
        m.answers.set(c.id, { itemId: c.itemId, userId: c.userId, label: c.label, gold: c.gold });
        touched.add(c.itemId);
      }
    }
    // A consensus computed before an item's newest answer no longer stands for it (a fresh mirror
    // read the standing ones from the database, which knows).
    if (!fresh) for (const itemId of touched) m.consensus.set(itemId, null);
    return { answers: m.answers, consensus: m.consensus, touched };
  }

  function wrote(projectId: number, items: readonly { itemId: number; label: string; confidence: number }[]): void {
    const m = mirrors.get(projectId);
    if (m) for (const i of items) m.consensus.set(i.itemId, { label: i.label, confidence: i.confidence });
  }

  return { read, wrote, forget: (projectId: number) => void mirrors.delete(projectId) };
}
