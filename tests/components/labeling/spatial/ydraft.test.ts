import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOCAL, addShape, clearDraft, openLocalDraft, patchBox, readMeta, readShapes, recordSeconds, removeShape, setPoints, shapesOf, startDraft } from '../../../../components/labeling/spatial/ydraft';
import type { DraftShape } from '../../../../lib/tasks/drafts';

const prelabel: DraftShape[] = [
  { kind: 'box', id: 'p0', from: 0, class: 'car', x: 1, y: 2, w: 3, h: 4 },
  { kind: 'skeleton', id: 'p1', from: 1, points: [{ x: 5, y: 6, v: 2 }, { x: 0, y: 0, v: 0 }] },
];

/** Two documents joined as the server joins two pages of one item. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
  return { a, b };
}

describe('the draft document', () => {
  it('starts from the prelabel once: a second start (another tab, a reload) keeps the edits', () => {
    const { a, b } = pair();
    startDraft(a, prelabel, 'model', 1000);
    patchBox(a, 'p0', { x: 10 });
    startDraft(a, [], 'none', 2000);
    expect(readShapes(b)).toEqual([{ ...prelabel[0], x: 10 }, prelabel[1]]);
    expect(readMeta(b)).toEqual({ started: 1000, source: 'model', prelabel, seconds: 0 });
  });

  it('keeps the seconds spent for the next page view, and undo does not take them back', () => {
    const { a, b } = pair();
    recordSeconds(a, 5);
    expect(readMeta(b)).toBeNull(); // nothing to time before the draft is started
    startDraft(a, prelabel, 'model', 1000);
    const undo = new Y.UndoManager(shapesOf(a), { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 });
    patchBox(a, 'p0', { x: 10 });
    recordSeconds(a, 12.5);
    undo.undo();
    expect(readMeta(b)?.seconds).toBe(12.5);
    expect(readShapes(b)[0]).toEqual(prelabel[0]);
  });

  it('replaces one keypoint without touching the others', () => {
    const doc = new Y.Doc();
    startDraft(doc, prelabel, 'import', 0);
    setPoints(doc, 'p1', new Map([[1, { x: 7, y: 8, v: 1 }]]));
    expect(readShapes(doc)[1]).toEqual({ ...prelabel[1], points: [{ x: 5, y: 6, v: 2 }, { x: 7, y: 8, v: 1 }] });
  });

  it('undoes and redoes the editor\'s own changes only, one gesture at a time', () => {
    const doc = new Y.Doc();
    startDraft(doc, prelabel, 'import', 0);
    const undo = new Y.UndoManager(shapesOf(doc), { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 });
    addShape(doc, { kind: 'box', id: 'n', from: null, class: 'car', x: 0, y: 0, w: 1, h: 1 });
    removeShape(doc, 'p0');
    undo.undo();
    expect(readShapes(doc).map((s) => s.id)).toEqual(['p0', 'p1', 'n']);
    undo.undo();
    expect(readShapes(doc).map((s) => s.id)).toEqual(['p0', 'p1']);
    undo.undo(); // the start from the prelabel is not the editor's to undo
    expect(readShapes(doc).map((s) => s.id)).toEqual(['p0', 'p1']);
    undo.redo();
    expect(readShapes(doc).map((s) => s.id)).toEqual(['p0', 'p1', 'n']);
  });

  it('is empty and unstarted once cleared, so the next edit starts from the prelabel again', () => {
    const { a, b } = pair();
    startDraft(a, prelabel, 'model', 0);
    clearDraft(a);
    expect(readShapes(b)).toEqual([]);
    expect(readMeta(b)).toBeNull();
    startDraft(b, prelabel, 'model', 5);
    expect(readShapes(b)).toEqual(prelabel);
  });
});

describe('a draft of the page\'s own (a lead drawing outside the labeling loop)', () => {
  it('starts from the given shapes, and undo takes back edits but never the start', () => {
    const { doc, undo, meta } = openLocalDraft(prelabel, 'none', 5);
    expect(readShapes(doc)).toEqual(prelabel);
    expect(meta).toEqual({ started: 5, source: 'none', prelabel, seconds: 0 });
    patchBox(doc, 'p0', { x: 30 });
    removeShape(doc, 'p1');
    expect(readShapes(doc)).toEqual([{ ...prelabel[0], x: 30 }]);
    undo.undo();
    undo.undo();
    undo.undo();
    expect(readShapes(doc)).toEqual(prelabel);
    undo.redo();
    expect(readShapes(doc)).toEqual([{ ...prelabel[0], x: 30 }, prelabel[1]]);
  });
});
