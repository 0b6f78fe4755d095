import { describe, expect, it } from 'vitest';
import { agreementOf, type Answer, type ProjectTask } from '../../../lib/tasks';
import { COCO17 } from '../../../lib/tasks/skeletons';

const classes: ProjectTask = { task: 'classification', config: { classes: ['cat', 'dog'] } };
const boxTask: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person'] } };
const twoPoints: ProjectTask = {
  task: 'keypoints',
  config: { category: 'thing', skeleton: { keypoints: ['a', 'b'], edges: [[0, 1]], flips: [], sigmas: [0.1, 0.1] } },
};

const label = (l: string): Answer => ({ task: 'classification', label: l });
const box = (x: number, cls = 'car') => ({ class: cls, x, y: 0, w: 10, h: 10 });
const boxes = (...bs: ReturnType<typeof box>[]): Answer => ({ task: 'boxes', boxes: bs });
const skeletons = (...instances: { points: { x: number; y: number; v: 0 | 1 | 2 }[]; box?: { x: number; y: number; w: number; h: number } }[]): Answer =>
  ({ task: 'keypoints', instances });

describe('agreementOf: classification', () => {
  it('is 1 for the same class and 0 for different ones', () => {
    expect(agreementOf(classes, label('cat'), label('cat'))).toBe(1);
    expect(agreementOf(classes, label('cat'), label('dog'))).toBe(0);
  });
});

describe('agreementOf: boxes (2 Σ IoU of matched pairs / (|A| + |B|))', () => {
  it('is 1 when both say there is nothing here', () => {
    expect(agreementOf(boxTask, boxes(), boxes())).toBe(1);
  });

  it('is 1 for the same boxes in another order', () => {
    expect(agreementOf(boxTask, boxes(box(0), box(50, 'person')), boxes(box(50, 'person'), box(0)))).toBe(1);
  });

  it('is 0 when one annotator drew a box and the other none', () => {
    expect(agreementOf(boxTask, boxes(box(0)), boxes())).toBe(0);
  });

  it('scores a matched pair by its IoU', () => {
    // Offset by 1 px: IoU = 90 / 110. Two boxes in all: 2 × (9/11) / 2.
    expect(agreementOf(boxTask, boxes(box(0)), boxes(box(1)))).toBeCloseTo(9 / 11, 12);
  });

  it('charges a box only one annotator drew the same whichever side it is on', () => {
    // One perfect match and one extra box: 2 × 1 / (1 + 2) = 2/3, both ways.
    const a = boxes(box(0));
    const b = boxes(box(0), box(100));
    expect(agreementOf(boxTask, a, b)).toBeCloseTo(2 / 3, 12);
    expect(agreementOf(boxTask, b, a)).toBeCloseTo(2 / 3, 12);
  });

  it('never matches boxes of different classes, however well they overlap', () => {
    expect(agreementOf(boxTask, boxes(box(0, 'car')), boxes(box(0, 'person')))).toBe(0);
  });

  it('never matches boxes below IoU 0.5: they are two objects', () => {
    // Offset by 4 px: IoU = 60 / 140 = 0.43.
    expect(agreementOf(boxTask, boxes(box(0)), boxes(box(4)))).toBe(0);
  });

  it('matches optimally, not greedily', () => {
    // a = 1, -3; b = 0, 3 (10 × 10 boxes on a row). IoU a0-b0 = 90/110, a0-b1 = 80/120 = 2/3,
    // a1-b0 = 70/130 = 7/13, a1-b1 = 40/160 (below 0.5). Greedy takes a0-b0 and leaves a1 alone:
    // 2 × (9/11) / 4 = 0.41. Optimal pairs a0-b1 and a1-b0: 2 × (2/3 + 7/13) / 4 = 47/78 = 0.60.
    expect(agreementOf(boxTask, boxes(box(1), box(-3)), boxes(box(0), box(3)))).toBeCloseTo(47 / 78, 12);
  });

  it('refuses an answer of another task type', () => {
    expect(() => agreementOf(boxTask, boxes(), label('cat'))).toThrow(/classification answer cannot be scored in a boxes project/);
  });
});

describe('agreementOf: keypoints (the same with symmetric OKS)', () => {
  const square = { x: 0, y: 0, w: 10, h: 10 };
  const a = { points: [{ x: 0, y: 0, v: 2 as const }, { x: 10, y: 10, v: 2 as const }], box: square };

  it('is 1 for the same skeletons and when both have none', () => {
    expect(agreementOf(twoPoints, skeletons(a), skeletons(a))).toBe(1);
    expect(agreementOf(twoPoints, skeletons(), skeletons())).toBe(1);
  });

  it('scores a pair by OKS, worked by hand', () => {
    // Both boxes 10 × 10: s² = 100, k = 0.2, 2 s² k² = 8. Each point 2 px off: d² = 4, exp(−0.5).
    // OKS is the same each way (same area, same points), so agreement = 2 × exp(−0.5) / 2.
    const b = { points: [{ x: 2, y: 0, v: 2 as const }, { x: 10, y: 12, v: 2 as const }], box: square };
    expect(agreementOf(twoPoints, skeletons(a), skeletons(b))).toBeCloseTo(Math.exp(-0.5), 12);
  });

  it('is 0 when one annotator placed a skeleton and the other none, or they are far apart', () => {
    expect(agreementOf(twoPoints, skeletons(a), skeletons())).toBe(0);
    const far = { points: a.points.map((p) => ({ ...p, x: p.x + 40 })), box: { ...square, x: 40 } };
    expect(agreementOf(twoPoints, skeletons(a), skeletons(far))).toBe(0);
  });

  it('works with the COCO person skeleton\'s 17 sigmas', () => {
    const cocoTask: ProjectTask = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };
    const person = { points: COCO17.keypoints.map((_, i) => ({ x: 10 + i, y: 20 + 2 * i, v: 2 as const })), box: { x: 0, y: 0, w: 50, h: 100 } };
    expect(agreementOf(cocoTask, skeletons(person), skeletons(person))).toBe(1);
  });
});
