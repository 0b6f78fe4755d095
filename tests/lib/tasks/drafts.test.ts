import { describe, expect, it } from 'vitest';
import { answerOfDraft, draftOf, flipPoints, measureEdit, nextVisibility, summaryOfDraft, type DraftShape, type DraftSpec } from '../../../lib/tasks/drafts';
import { COCO17 } from '../../../lib/tasks/skeletons';

const boxesSpec: DraftSpec = { kind: 'boxes', classes: ['car', 'person'] };
const skeletonSpec: DraftSpec = { kind: 'skeleton', skeleton: COCO17, category: 'person' };
const box = (id: string, from: number | null, x: number, y: number, w = 10, h = 10): DraftShape => ({ kind: 'box', id, from, class: 'car', x, y, w, h });

describe('drafts: the editor\'s shapes and the answers they make', () => {
  it('turns a prelabel into shapes that remember where they came from, and back into the same answer', () => {
    const answer = { task: 'boxes' as const, boxes: [{ class: 'car', x: 1, y: 2, w: 3, h: 4 }, { class: 'person', x: 5, y: 6, w: 7, h: 8 }] };
    const shapes = draftOf(answer);
    expect(shapes.map((s) => s.from)).toEqual([0, 1]);
    expect(answerOfDraft(boxesSpec, shapes, { width: 100, height: 100 })).toEqual(answer);
  });

  it('clips a box dragged past the image edge to the part inside, and drops one wholly outside', () => {
    const shapes = [box('a', null, -5, 90, 20, 20), box('b', null, 200, 10)];
    expect(answerOfDraft(boxesSpec, shapes, { width: 100, height: 100 })).toEqual({ task: 'boxes', boxes: [{ class: 'car', x: 0, y: 90, w: 15, h: 10 }] });
  });

  it('stores an absent keypoint at (0, 0) as COCO does, keeping placed ones exact', () => {
    const points = COCO17.keypoints.map((_, k) => ({ x: 10.25 + k, y: 20.5, v: (k === 3 ? 0 : k === 4 ? 1 : 2) as 0 | 1 | 2 }));
    const answer = answerOfDraft(skeletonSpec, [{ kind: 'skeleton', id: 's', from: null, points }], null);
    expect(answer.task === 'keypoints' && answer.instances[0].points[3]).toEqual({ x: 0, y: 0, v: 0 });
    expect(answer.task === 'keypoints' && answer.instances[0].points[4]).toEqual({ x: 14.25, y: 20.5, v: 1 });
  });

  it('measures an edit: points moved and how far, objects added and deleted', () => {
    const prelabel = [box('p0', 0, 0, 0), box('p1', 1, 50, 50)];
    // p0 moved by (3, 4): both corners move 5 px; p1 deleted; one box added.
    const now = [box('p0', 0, 3, 4), box('n', null, 70, 70)];
    expect(measureEdit(prelabel, now, 12.5, 'model')).toEqual({ prelabel: 'model', seconds: 12.5, pointsMoved: 2, meanShiftPx: 5, added: 1, deleted: 1 });
  });

  it('counts an accepted prelabel as no edit at all', () => {
    const prelabel = [box('p0', 0, 0, 0)];
    expect(measureEdit(prelabel, prelabel, 1, 'import')).toMatchObject({ pointsMoved: 0, meanShiftPx: 0, added: 0, deleted: 0 });
  });

  it('counts a keypoint made absent or placed as moved, without a distance', () => {
    const pts = (v: 0 | 2) => [{ x: 1, y: 1, v: 2 as const }, { x: 5, y: 5, v }];
    const before: DraftShape[] = [{ kind: 'skeleton', id: 'p0', from: 0, points: pts(2) }];
    const after: DraftShape[] = [{ kind: 'skeleton', id: 'p0', from: 0, points: pts(0) }];
    expect(measureEdit(before, after, 0, 'model')).toMatchObject({ pointsMoved: 1, meanShiftPx: 0 });
  });

  it('flips a skeleton by swapping each left point with its right one, leaving the nose', () => {
    const points = COCO17.keypoints.map((_, k) => ({ x: k, y: 0, v: 2 as const }));
    const flipped = flipPoints(COCO17, points);
    expect(flipped[0].x).toBe(0);
    expect(flipped[1].x).toBe(2);
    expect(flipped[2].x).toBe(1);
    expect(flipped[15].x).toBe(16);
    expect(flipPoints(COCO17, flipped)).toEqual(points);
  });

  it('cycles visibility visible → occluded → absent → visible', () => {
    expect([nextVisibility(2), nextVisibility(1), nextVisibility(0)]).toEqual([1, 0, 2]);
  });

  it('summarises an answer in words', () => {
    expect(summaryOfDraft(boxesSpec, [])).toBe('no boxes');
    expect(summaryOfDraft(boxesSpec, [box('a', null, 0, 0)])).toBe('1 box');
    expect(summaryOfDraft(skeletonSpec, [{ kind: 'skeleton', id: 's', from: null, points: [] }, { kind: 'skeleton', id: 't', from: null, points: [] }])).toBe('2 skeletons');
  });
});
