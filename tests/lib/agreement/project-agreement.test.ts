import { describe, expect, it } from 'vitest';
import { consensusChanges } from '../../../lib/agreement/project-agreement';
import { perItemAgreement } from '../../../lib/agreement/spatial';
import { agreementDetailOf, consensusOf, type Answer, type ProjectTask } from '../../../lib/tasks';

const same = (a: string, b: string) => a === b;
const computed = (m: Record<number, { answer: string; confidence: number }>) => (id: number) => m[id];

describe('which consensus versions a recompute writes', () => {
  it('writes a first consensus, another answer, a crossing of the settling threshold and a large move; nothing else', () => {
    const out = consensusChanges([
      { itemId: 1, current: null },
      { itemId: 2, current: { answer: 'cat', confidence: 0.95 } },
      { itemId: 3, current: { answer: 'cat', confidence: 0.88 } },
      { itemId: 4, current: { answer: 'cat', confidence: 0.6 } },
      { itemId: 5, current: { answer: 'cat', confidence: 0.95 } },
      { itemId: 6, current: null },
    ], computed({
      1: { answer: 'cat', confidence: 0.7 }, 2: { answer: 'dog', confidence: 0.95 }, 3: { answer: 'cat', confidence: 0.91 },
      4: { answer: 'cat', confidence: 0.7 }, 5: { answer: 'cat', confidence: 0.97 },
    }), same, 0.9);
    expect(out.map((c) => c.itemId)).toEqual([1, 2, 3, 4]);
  });
});

describe('per-item agreement of spatial answers', () => {
  const boxes = { task: 'boxes', config: { classes: ['car'] } } as ProjectTask;
  const car = (x: number): Answer => ({ task: 'boxes', boxes: [{ class: 'car', x, y: 10, w: 50, h: 30 }] });

  it('fuses each overlapped item and scores annotators by their agreement with it; items answered once count only as answers', () => {
    const r = perItemAgreement(boxes, [
      { itemId: 1, answers: [{ annotator: 'a', answer: car(10) }, { annotator: 'b', answer: car(11) }, { annotator: 'c', answer: car(40) }] },
      { itemId: 2, answers: [{ annotator: 'a', answer: car(10) }] },
    ]);
    expect([...r.consensus.keys()]).toEqual([1]);
    const a = r.reliability.annotators.get('a')!;
    const c = r.reliability.annotators.get('c')!;
    expect(a).toMatchObject({ answers: 2, overlapped: 1 });
    expect(c.agreement!).toBeLessThan(a.agreement!);
    expect(r.pairwise).toBeGreaterThan(0);
    expect(r.pairwise).toBeLessThan(1);
  });

  it('gives the most given class as a class consensus, a tie to the class listed first', () => {
    const classes = { task: 'classification', config: { classes: ['cat', 'dog'] } } as ProjectTask;
    const say = (label: string): Answer => ({ task: 'classification', label });
    expect(consensusOf(classes, [say('dog'), say('cat'), say('dog')])).toEqual({ answer: say('dog'), confidence: 2 / 3 });
    expect(consensusOf(classes, [say('dog'), say('cat')])).toEqual({ answer: say('cat'), confidence: 0.5 });
  });
});

describe('named measures of two answers', () => {
  const boxes = { task: 'boxes', config: { classes: ['car'] } } as ProjectTask;
  const box = (x: number) => ({ class: 'car', x, y: 0, w: 100, h: 100 });

  it('boxes: the mean IoU of matched boxes and the F1 of the matching at IoU 0.5', () => {
    const d = agreementDetailOf(boxes, { task: 'boxes', boxes: [box(0), box(500)] }, { task: 'boxes', boxes: [box(10)] });
    expect(d.f1At50).toBeCloseTo(2 / 3);
    expect(d.meanIoU).toBeCloseTo(90 / 110);
  });

  it('skeletons: the joint two people place apart is the one they disagree on', () => {
    const task = { task: 'keypoints', config: { category: 'person', skeleton: { keypoints: ['head', 'hand'], edges: [[0, 1]], flips: [], sigmas: [0.05, 0.05] } } } as ProjectTask;
    const person = (handX: number): Answer => ({ task: 'keypoints', instances: [{ points: [{ x: 50, y: 10, v: 2 }, { x: handX, y: 90, v: 2 }], box: { x: 0, y: 0, w: 100, h: 100 } }] });
    const d = agreementDetailOf(task, person(60), person(70));
    expect(d['joint:head']).toBe(0);
    expect(d['joint:hand']).toBeGreaterThan(0.3);
  });
});
