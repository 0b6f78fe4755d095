import { describe, expect, it } from 'vitest';
import { fuseBoxes, fuseKeypoints } from '../../../lib/tasks/fusion';
import type { Box } from '../../../lib/tasks/boxes';
import type { SkeletonInstance } from '../../../lib/tasks/keypoints';

const box = (x: number, y: number, w: number, h: number, cls = 'car'): Box => ({ class: cls, x, y, w, h });

describe('fusing boxes', () => {
  it('fuses the boxes several people drew of one object, an outlier pulling less than a plain mean', () => {
    const r = fuseBoxes([{ boxes: [box(10, 10, 100, 100)] }, { boxes: [box(12, 10, 100, 100)] }, { boxes: [box(30, 10, 100, 100)] }]);
    expect(r.boxes).toHaveLength(1);
    const [b] = r.boxes;
    expect(b).toMatchObject({ class: 'car', support: 3, y: 10 });
    expect(b.w).toBeCloseTo(100, 9);
    expect(b.h).toBeCloseTo(100, 9);
    expect(b.x).toBeGreaterThan(10);
    expect(b.x).toBeLessThan((10 + 12 + 30) / 3); // the plain mean
    expect(b.confidence).toBeGreaterThan(0.7); // support 1 × mean pairwise IoU (0.96, 0.67, 0.69)
    expect(r.confidence).toBeCloseTo(b.confidence, 12);
  });

  it('drops a box only one of three drew, and that lowers the confidence', () => {
    const shared = [box(0, 0, 50, 50)];
    const agreed = fuseBoxes([{ boxes: shared }, { boxes: shared }, { boxes: shared }]);
    expect(agreed).toEqual({ boxes: [{ ...shared[0], support: 3, confidence: 1 }], confidence: 1 });
    const extra = fuseBoxes([{ boxes: [...shared, box(200, 200, 20, 20)] }, { boxes: shared }, { boxes: shared }]);
    expect(extra.boxes.map((b) => b.support)).toEqual([3]);
    expect(extra.confidence).toBeCloseTo(0.5, 12); // one kept group at 1, one dropped at 0
    expect(fuseBoxes([{ boxes: shared }, { boxes: [] }], {}).boxes).toHaveLength(1); // half of two is enough
    expect(fuseBoxes([{ boxes: shared }, { boxes: [] }], { minSupport: 2 }).boxes).toHaveLength(0);
  });

  it('never fuses boxes of different classes or boxes that barely overlap', () => {
    const r = fuseBoxes([{ boxes: [box(0, 0, 50, 50, 'car')] }, { boxes: [box(0, 0, 50, 50, 'bus')] }], { minSupport: 1 });
    expect(r.boxes.map((b) => [b.class, b.support])).toEqual([['car', 1], ['bus', 1]]);
    const apart = fuseBoxes([{ boxes: [box(0, 0, 50, 50)] }, { boxes: [box(40, 40, 50, 50)] }], { minSupport: 1 });
    expect(apart.boxes).toHaveLength(2);
  });

  it('agrees fully when everyone says there is nothing', () => {
    expect(fuseBoxes([{ boxes: [] }, { boxes: [] }])).toEqual({ boxes: [], confidence: 1 });
  });
});

describe('fusing skeletons', () => {
  const SIGMAS = [0.05, 0.05, 0.05];
  const person = (pts: [number, number, number][]): SkeletonInstance => ({
    points: pts.map(([x, y, v]) => ({ x, y, v: v as 0 | 1 | 2 })), box: { x: 0, y: 0, w: 200, h: 400 },
  });

  it('puts each keypoint at the median of where people put it, and says which joints they disagree on', () => {
    const r = fuseKeypoints([
      { instances: [person([[100, 50, 2], [100, 200, 2], [60, 380, 2]])] },
      { instances: [person([[102, 52, 2], [101, 199, 2], [64, 380, 1]])] },
      { instances: [person([[98, 48, 2], [100, 201, 2], [90, 380, 1]])] },
    ], SIGMAS);
    expect(r.instances).toHaveLength(1);
    const [s] = r.instances;
    expect(s.points).toEqual([{ x: 100, y: 50, v: 2 }, { x: 100, y: 200, v: 2 }, { x: 64, y: 380, v: 1 }]);
    expect(s.support).toBe(3);
    expect(s.spread[2]!).toBeGreaterThan(s.spread[0]!);
    expect(s.spread[2]!).toBeGreaterThan(s.spread[1]!);
    expect(s.box).toEqual({ x: 0, y: 0, w: 200, h: 400 });
  });

  it('leaves a point absent when fewer than half placed it, and keeps skeletons apart that are different people', () => {
    const a = person([[100, 50, 2], [100, 200, 0], [60, 380, 2]]);
    const b = person([[101, 50, 2], [100, 200, 0], [61, 380, 2]]);
    const c = person([[99, 50, 2], [100, 200, 2], [59, 380, 2]]);
    const [fused] = fuseKeypoints([{ instances: [a] }, { instances: [b] }, { instances: [c] }], SIGMAS).instances;
    expect(fused.points[1]).toEqual({ x: 0, y: 0, v: 0 });
    expect(fused.spread[1]).toBeNull();
    const far = person([[500, 50, 2], [500, 200, 2], [460, 380, 2]]);
    const two = fuseKeypoints([{ instances: [a, far] }, { instances: [b] }], SIGMAS, { minSupport: 1 });
    expect(two.instances.map((i) => i.support)).toEqual([2, 1]);
  });
});
