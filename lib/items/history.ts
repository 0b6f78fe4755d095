/**
 * An item's history as its page shows it: every version in order, each with what it replaced
 * and whether it still stands. Pure: the versions in, the annotated list out.
 *
 * What a version replaced:
 * - a retract: the version it takes back;
 * - a lead's decision or a consensus: the version the item resolved to just before it;
 * - a person's answer: their own earlier answer to the item that they took back (a redo), if any.
 */

export type VersionSource = 'human' | 'model' | 'consensus' | 'import' | 'review';

export interface VersionInput {
  id: number;
  action: 'label' | 'retract';
  source: VersionSource;
  userId: number | null;
  retracts: number | null;
}

export interface HistoryEntry<V extends VersionInput> {
  version: V;
  /** The version this one replaced (see above); null when it replaced nothing. */
  replaces: number | null;
  /** A label no retract names (a retract never stands). */
  standing: boolean;
  /** The version the item resolves to now (at most one). */
  resolved: boolean;
}

/** The resolved order of `db/queries/answers.ts` `resolvedFirst`: a decision, then a consensus, then the newest. */
const rank = (s: VersionSource) => (s === 'review' ? 2 : s === 'consensus' ? 1 : 0);
const before = (a: VersionInput, b: VersionInput) => rank(a.source) - rank(b.source) || a.id - b.id;

function top(standing: Iterable<VersionInput>): VersionInput | null {
  let best: VersionInput | null = null;
  for (const v of standing) if (v.source !== 'model' && (!best || before(v, best) > 0)) best = v;
  return best;
}

export function itemHistory<V extends VersionInput>(versions: readonly V[]): HistoryEntry<V>[] {
  const ordered = [...versions].sort((a, b) => a.id - b.id);
  const taken = new Set(ordered.filter((v) => v.action === 'retract' && v.retracts !== null).map((v) => v.retracts as number));
  const live = new Map<number, V>();
  const lastTakenBy = new Map<number, number>();
  const out: HistoryEntry<V>[] = [];
  for (const v of ordered) {
    let replaces: number | null = null;
    if (v.action === 'retract') {
      replaces = v.retracts;
      const gone = v.retracts === null ? undefined : live.get(v.retracts);
      if (gone) {
        live.delete(gone.id);
        if (gone.userId !== null) lastTakenBy.set(gone.userId, gone.id);
      }
    } else {
      if (v.source === 'review' || v.source === 'consensus') replaces = top(live.values())?.id ?? null;
      else if (v.userId !== null) replaces = lastTakenBy.get(v.userId) ?? null;
      if (v.userId !== null) lastTakenBy.delete(v.userId);
      live.set(v.id, v);
    }
    out.push({ version: v, replaces, standing: v.action === 'label' && !taken.has(v.id), resolved: false });
  }
  const now = top(live.values());
  if (now) for (const e of out) if (e.version.id === now.id) e.resolved = true;
  return out;
}
