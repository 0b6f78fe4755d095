import * as Y from 'yjs';
import type { EditRecord } from '@/lib/tasks/edit';
import type { DraftPoint, DraftShape } from '@/lib/tasks/drafts';

/**
 * The item's draft as a Y.Doc: the editor's source of truth, synced through `/yjs/item-<id>` to
 * the signed-in user's own draft of the item (lib/protocol/live-docs.ts, storedDocName), so that
 * a half-done answer survives a reload and a restart.
 *
 * - `shapes`: a Y.Array of Y.Maps, one per box or skeleton (`kind`, `id`, `from`, and a box's
 *   `class`/`x`/`y`/`w`/`h`, or a skeleton's `points`: a Y.Array of `{x, y, v}` values, one per
 *   keypoint, each replaced whole when the point moves).
 * - `meta`: `started` (ms since epoch, when the item was first shown), `source` (where the
 *   prelabel came from), `prelabel` (its shapes, what the edit record is measured against) and
 *   `seconds` (time spent on the draft in earlier page views, up to each one's last edit).
 *   An empty `meta` means the draft was never started (or was cleared after a commit): the
 *   editor starts it from the prelabel.
 *
 * Changes are made with LOCAL as the origin, which is what the undo manager tracks.
 */
export const LOCAL = 'editor';

type ShapeMap = Y.Map<unknown>;

export const shapesOf = (doc: Y.Doc) => doc.getArray<ShapeMap>('shapes');
export const metaOf = (doc: Y.Doc) => doc.getMap<unknown>('meta');

export interface DraftMeta {
  started: number;
  source: EditRecord['prelabel'];
  prelabel: DraftShape[];
  /** Seconds spent on this draft in earlier page views (recordSeconds). */
  seconds: number;
}

export function readMeta(doc: Y.Doc): DraftMeta | null {
  const m = metaOf(doc);
  const started = m.get('started');
  if (typeof started !== 'number') return null;
  const seconds = m.get('seconds');
  return {
    started, source: (m.get('source') as DraftMeta['source']) ?? 'none', prelabel: (m.get('prelabel') as DraftShape[]) ?? [],
    seconds: typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : 0,
  };
}

/**
 * Records the seconds spent on a started draft so far (earlier views + this one), written after
 * each edit: a reload, a closed tab or a restart then loses at most the time since the last edit.
 * Outside the shapes, so the undo manager never takes it back.
 */
export function recordSeconds(doc: Y.Doc, seconds: number): void {
  if (!readMeta(doc)) return;
  doc.transact(() => metaOf(doc).set('seconds', seconds), 'timing');
}

function toMap(s: DraftShape): ShapeMap {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(s)) {
    if (k === 'points') m.set(k, Y.Array.from((v as DraftPoint[]).map((p) => ({ ...p }))));
    else m.set(k, v);
  }
  return m;
}

function fromMap(m: ShapeMap): DraftShape {
  const o = m.toJSON() as DraftShape;
  return o;
}

export function readShapes(doc: Y.Doc): DraftShape[] {
  return shapesOf(doc).toArray().map(fromMap);
}

/** Starts the draft from a prelabel, once: another tab (or an earlier visit) may have started it first. */
export function startDraft(doc: Y.Doc, prelabel: DraftShape[], source: DraftMeta['source'], now: number): void {
  doc.transact(() => {
    if (readMeta(doc)) return;
    const m = metaOf(doc);
    m.set('started', now);
    m.set('source', source);
    m.set('prelabel', prelabel);
    const shapes = shapesOf(doc);
    if (shapes.length) shapes.delete(0, shapes.length);
    shapes.push(prelabel.map(toMap));
  }, 'start');
}

/** Empties the draft: it starts from the prelabel again at the next edit. */
export function clearDraft(doc: Y.Doc): void {
  doc.transact(() => {
    const shapes = shapesOf(doc);
    if (shapes.length) shapes.delete(0, shapes.length);
    const m = metaOf(doc);
    for (const k of [...m.keys()]) m.delete(k);
  }, 'clear');
}

function indexOf(doc: Y.Doc, id: string): number {
  return shapesOf(doc).toArray().findIndex((m) => m.get('id') === id);
}

function find(doc: Y.Doc, id: string): ShapeMap | null {
  const i = indexOf(doc, id);
  return i < 0 ? null : shapesOf(doc).get(i);
}

export function addShape(doc: Y.Doc, s: DraftShape): void {
  doc.transact(() => shapesOf(doc).push([toMap(s)]), LOCAL);
}

export function removeShape(doc: Y.Doc, id: string): void {
  doc.transact(() => {
    const i = indexOf(doc, id);
    if (i >= 0) shapesOf(doc).delete(i, 1);
  }, LOCAL);
}

/** Sets a box's fields (class, position, size). */
export function patchBox(doc: Y.Doc, id: string, patch: Partial<{ class: string; x: number; y: number; w: number; h: number }>): void {
  doc.transact(() => {
    const m = find(doc, id);
    if (!m) return;
    for (const [k, v] of Object.entries(patch)) if (m.get(k) !== v) m.set(k, v);
  }, LOCAL);
}

/** Replaces some points of a skeleton (one dragged point, or all of them for a whole-skeleton move or a flip). */
export function setPoints(doc: Y.Doc, id: string, changes: ReadonlyMap<number, DraftPoint>): void {
  doc.transact(() => {
    const points = find(doc, id)?.get('points') as Y.Array<DraftPoint> | undefined;
    if (!points) return;
    for (const [k, p] of changes) {
      if (k < 0 || k >= points.length) continue;
      points.delete(k, 1);
      points.insert(k, [{ ...p }]);
    }
  }, LOCAL);
}

export function newShapeId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
}

/**
 * A draft of the page's own, never synced (a lead's answer drawn on the review or item page):
 * started from the given shapes, with an undo manager that takes back edits but not the start.
 */
export function openLocalDraft(start: DraftShape[], source: DraftMeta['source'], now: number): { doc: Y.Doc; undo: Y.UndoManager; meta: DraftMeta } {
  const doc = new Y.Doc();
  startDraft(doc, start, source, now);
  const undo = new Y.UndoManager(shapesOf(doc), { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 });
  return { doc, undo, meta: readMeta(doc)! };
}
