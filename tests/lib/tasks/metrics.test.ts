import { describe, expect, it } from 'vitest';
import { holdoutMetrics, type Answer, type Prediction, type ProjectTask } from '../../../lib/tasks';
import { averagePrecision } from '../../../lib/tasks/ap';

type Pair = { truth: Answer; predicted: Prediction };

describe('holdoutMetrics: classification', () => {
  const task: ProjectTask = { task: 'classification', config: { classes: ['a', 'b', 'c'] } };
  const pair = (t: string, p: string): Pair => ({ truth: { task: 'classification', label: t }, predicted: { task: 'classification', label: p } });

  it('gives accuracy and macro-F1 worked by hand', () => {
    const pairs = [pair('a', 'a'), pair('a', 'b'), pair('b', 'b'), pair('c', 'b')];
    // accuracy = 2 / 4.
    // a: tp 1, fp 0, fn 1 → F1 = 2/(2+0+1) = 2/3; b: tp 1, fp 2, fn 0 → 2/4 = 1/2; c: tp 0, fn 1 → 0.
    // macro-F1 = (2/3 + 1/2 + 0) / 3 = 7/18.
    const m = holdoutMetrics(task, pairs);
    expect(m.accuracy).toBe(0.5);
    expect(m.macroF1).toBeCloseTo(7 / 18, 12);
  });

  it('is null, not 0 or 1, with nothing to measure', () => {
    expect(holdoutMetrics(task, [])).toEqual({ accuracy: null, macroF1: null });
  });
});

describe('holdoutMetrics: boxes', () => {
  const task: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person', 'dog'] } };
  const b = (cls: string, x: number, y = 0, w = 10, h = 10) => ({ class: cls, x, y, w, h });
  const pairs: Pair[] = [
    {
      truth: { task: 'boxes', boxes: [b('car', 0), b('car', 20), b('person', 0, 0, 5, 5)] },
      predicted: {
        task: 'boxes',
        boxes: [
          { ...b('car', 0), score: 0.9 }, // exact: TP
          { ...b('car', 50, 50), score: 0.8 }, // on nothing: FP
          { ...b('person', 0, 0, 5, 5), score: 0.5 }, // exact: TP
          { ...b('dog', 70), score: 0.95 }, // a class the truth never has: left out of the mean
        ],
      },
    },
    { truth: { task: 'boxes', boxes: [b('car', 0)] }, predicted: { task: 'boxes', boxes: [{ ...b('car', 1), score: 0.7 }] } }, // IoU 9/11
  ];

  it('gives mAP@0.5 worked by hand (COCO 101-point interpolation, mean over the classes in the truth)', () => {
    // car, by score: 0.9 TP, 0.8 FP, 0.7 TP; 3 true cars (the one at x = 20 is never found).
    //   precision 1, 1/2, 2/3 → made monotone 1, 2/3, 2/3; recall 1/3, 1/3, 2/3.
    //   Recall points 0 … 0.33 (34 of them) read precision 1; 0.34 … 0.66 (33) read 2/3; 0.67 … 1 read 0.
    //   AP(car) = (34 + 33 × 2/3) / 101 = 56/101.
    // person: one truth, one exact prediction: AP = 1. dog: no truth, left out.
    const m = holdoutMetrics(task, pairs);
    expect(m.map50).toBeCloseTo((56 / 101 + 1) / 2, 12);
  });

  it('averages AP over IoU 0.50 … 0.95 for mAP@[.5:.95]', () => {
    // The second image's car (IoU 9/11 = 0.818) is a TP up to 0.80 and an FP from 0.85:
    //   7 thresholds at 56/101; at 0.85, 0.9, 0.95 the order is TP, FP, FP → AP = 34/101.
    //   AP(car) = (7 × 56 + 3 × 34) / 1010 = 494/1010. person: 1 at every threshold.
    expect(holdoutMetrics(task, pairs).map50to95).toBeCloseTo((494 / 1010 + 1) / 2, 12);
  });

  it('gives the mean IoU of the predictions matched at IoU 0.5', () => {
    // car 1, car 9/11, person 1.
    expect(holdoutMetrics(task, pairs).meanIou).toBeCloseTo((2 + 9 / 11) / 3, 12);
  });

  it('is null when the truth holds no box', () => {
    const empty: Pair[] = [{ truth: { task: 'boxes', boxes: [] }, predicted: { task: 'boxes', boxes: [{ ...b('car', 0), score: 0.9 }] } }];
    expect(holdoutMetrics(task, empty)).toEqual({ map50: null, map50to95: null, meanIou: null });
  });

  it('refuses a prediction of another task type', () => {
    expect(() => holdoutMetrics(task, [{ truth: pairs[0].truth, predicted: { task: 'classification', label: 'car' } }]))
      .toThrow(/classification prediction cannot be scored in a boxes project/);
  });
});

describe('averagePrecision (COCO rules)', () => {
  it('lets the higher-scored detection take a truth first, even when a lower one fits it better', () => {
    // One truth; detections scored 0.9 (IoU 0.6) and 0.8 (IoU 1). The first takes the truth, the
    // second is a false positive: precision 1, 1/2, recall 1, 1 → AP = 1 all the same.
    const r = averagePrecision([{ truthCount: 1, scores: [0.8, 0.9], similarity: [[1], [0.6]] }], 0.5);
    expect(r.matched).toEqual([0.6]);
    expect(r.ap).toBe(1);
  });

  it('costs precision when a false positive outranks a true one', () => {
    // FP at 0.9, TP at 0.8: precision 0, 1/2 → monotone 1/2, 1/2; recall 0, 1 → every point reads 1/2.
    const r = averagePrecision([{ truthCount: 1, scores: [0.9, 0.8], similarity: [[0.1], [0.9]] }], 0.5);
    expect(r.ap).toBeCloseTo(0.5, 12);
  });

  it('keeps only the top maxPerImage detections of each image', () => {
    const image = { truthCount: 2, scores: [0.9, 0.8], similarity: [[1, 0], [0, 1]] };
    expect(averagePrecision([image], 0.5).ap).toBe(1);
    // With one detection per image the second truth is never found: recall stops at 1/2 → 51/101.
    expect(averagePrecision([image], 0.5, 1).ap).toBeCloseTo(51 / 101, 12);
  });
});

describe('holdoutMetrics: keypoints', () => {
  const task: ProjectTask = {
    task: 'keypoints',
    config: { category: 'thing', skeleton: { keypoints: ['a', 'b'], edges: [], flips: [], sigmas: [0.1, 0.1] } },
  };
  const square = { x: 0, y: 0, w: 10, h: 10 };
  const pt = (x: number, y: number) => ({ x, y, v: 2 as const });
  const pr = (x: number, y: number) => ({ x, y, score: 0.9 });
  const pairs: Pair[] = [
    {
      truth: { task: 'keypoints', instances: [{ points: [pt(0, 0), pt(10, 10)], box: square }, { points: [{ x: 0, y: 0, v: 0 }, { x: 0, y: 0, v: 0 }] }] },
      predicted: {
        task: 'keypoints',
        instances: [
          { points: [pr(0, 0), pr(10, 10)], score: 0.9 }, // exact: OKS 1
          { points: [pr(2, 0), pr(10, 12)], score: 0.6 }, // the same person again: OKS exp(−0.5) = 0.61, a duplicate
        ],
      },
    },
    {
      truth: { task: 'keypoints', instances: [{ points: [pt(0, 0), pt(4, 0)], box: square }] },
      predicted: { task: 'keypoints', instances: [{ points: [pr(0, 0), pr(4, 4)], score: 0.8 }] },
    },
  ];

  it('gives OKS AP at 0.5 and over 0.50 … 0.95, worked by hand', () => {
    // s² = 100, k = 0.2, 2 s² k² = 8. Second image: point b is 4 px off, d² = 16 → exp(−2) = 0.135;
    // OKS = (1 + 0.135) / 2 = 0.568: a TP at 0.50 and 0.55, an FP from 0.60.
    // The truth with no labeled point is left out (COCO ignores it): 2 truths.
    // At 0.5: by score TP (0.9), TP (0.8), FP (0.6, its truth taken): recall reaches 1 at precision 1 → AP = 1.
    // From 0.6: TP, FP, FP: recall stops at 1/2 with precision 1 → AP = 51/101 (8 thresholds).
    const m = holdoutMetrics(task, pairs);
    expect(m.oksAp50).toBe(1);
    expect(m.oksAp50to95).toBeCloseTo((2 + 8 * 51 / 101) / 10, 12);
  });

  it('gives PCK@0.2 over the labeled true points, worked by hand', () => {
    // Reference: the 10 × 10 box's longer side, limit 2 px. First image: the exact prediction is
    // paired (2 of 2 correct). Second: a exact, b 4 px off (1 of 2). PCK = 3/4.
    expect(holdoutMetrics(task, pairs).pck02).toBe(0.75);
  });

  it('counts a true skeleton no prediction was paired with as missing all its points', () => {
    const missed: Pair[] = [{ truth: pairs[1].truth, predicted: { task: 'keypoints', instances: [] } }];
    expect(holdoutMetrics(task, missed)).toEqual({ oksAp50: 0, oksAp50to95: 0, pck02: 0 });
  });
});
