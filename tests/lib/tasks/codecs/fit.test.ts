import { describe, expect, it } from 'vitest';
import type { ProjectTask } from '../../../../lib/tasks';
import { fitToProject, type Dataset } from '../../../../lib/tasks/codecs';
import { COCO17 } from '../../../../lib/tasks/skeletons';

const boxesFile: Dataset = {
  task: { task: 'boxes', config: { classes: ['car', 'truck'] } },
  images: [{ fileName: 'a.jpg', width: 100, height: 100, answer: { task: 'boxes', boxes: [{ class: 'car', x: 0, y: 0, w: 10, h: 10 }, { class: 'truck', x: 0, y: 0, w: 10, h: 10 }] } }],
  skipped: { crowd: 0 },
};
const points = (n: number) => Array.from({ length: n }, (_, k) => ({ x: k, y: k, v: 2 as const }));
const poseFile = (names: string[]): Dataset => ({
  task: { task: 'keypoints', config: { category: 'person', skeleton: { keypoints: names, edges: [], flips: [], sigmas: names.map(() => 0.05) } } },
  images: [{ fileName: 'p.jpg', width: 100, height: 100, answer: { task: 'keypoints', instances: [{ points: points(names.length) }] } }],
  skipped: { crowd: 0 },
});
const coco17Project: ProjectTask = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };

describe('fitToProject', () => {
  it('accepts a file whose classes the project has, keeping its answers', () => {
    const fit = fitToProject(boxesFile, { task: 'boxes', config: { classes: ['truck', 'car', 'bus'] } });
    expect(fit).toEqual({ ok: true, value: boxesFile.images });
  });

  it('names each class the project lacks and how many boxes use it', () => {
    expect(fitToProject(boxesFile, { task: 'boxes', config: { classes: ['car'] } })).toEqual({
      ok: false, issues: [{ where: 'class "truck"', message: 'is used by 1 box but is not a class of the project (car)' }],
    });
  });

  it('refuses another task type', () => {
    const fit = fitToProject(boxesFile, coco17Project);
    expect(fit.ok ? '' : fit.issues[0].message).toBe('is a keypoints project; the file holds boxes');
  });

  it('refuses a skeleton of another size or with other names, but takes unnamed points by position', () => {
    const fewer = fitToProject(poseFile(COCO17.keypoints.slice(0, 16)), coco17Project);
    expect(fewer.ok ? '' : fewer.issues[0].message).toBe('the file\'s skeleton has 16 points, the project\'s 17');
    const renamed = fitToProject(poseFile(COCO17.keypoints.map((n, i) => (i === 5 ? 'shoulder_l' : n))), coco17Project);
    expect(renamed.ok ? '' : renamed.issues[0].message).toBe('point 5 is "shoulder_l" in the file and "left_shoulder" in the project');
    expect(fitToProject(poseFile(Array.from({ length: 17 }, (_, i) => `point_${i + 1}`)), coco17Project).ok).toBe(true);
  });
});
