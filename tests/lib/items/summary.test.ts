import { describe, expect, it } from 'vitest';
import { summarizeAnswer } from '../../../lib/items/summary';
import { SKELETON_PRESETS } from '../../../lib/tasks/skeletons';
import type { ProjectTask } from '../../../lib/tasks';

const classes: ProjectTask = { task: 'classification', config: { classes: ['cat', 'dog'] } };
const boxes: ProjectTask = { task: 'boxes', config: { classes: ['cat', 'dog'] } };
const poses = { task: 'keypoints', config: { category: 'person', skeleton: SKELETON_PRESETS.coco17 } } as ProjectTask;

describe('an answer in a few words', () => {
  it('is the class of a classification answer', () => {
    expect(summarizeAnswer(classes, { task: 'classification', label: 'dog' })).toBe('dog');
  });

  it('counts boxes by class, most first', () => {
    const b = (c: string) => ({ class: c, x: 0, y: 0, w: 1, h: 1 });
    expect(summarizeAnswer(boxes, { task: 'boxes', boxes: [b('dog'), b('cat'), b('cat')] })).toBe('3 boxes: 2 cat, 1 dog');
    expect(summarizeAnswer(boxes, { task: 'boxes', boxes: [b('dog')] })).toBe('1 box: 1 dog');
    expect(summarizeAnswer(boxes, { task: 'boxes', boxes: [] })).toBe('no boxes');
  });

  it('counts skeletons and their placed points', () => {
    const points = Array.from({ length: 17 }, (_, k) => ({ x: k, y: k, v: (k < 14 ? 2 : 0) as 0 | 2 }));
    expect(summarizeAnswer(poses, { task: 'keypoints', instances: [{ points }] })).toBe('1 skeleton, 14 points');
    expect(summarizeAnswer(poses, { task: 'keypoints', instances: [] })).toBe('no skeletons');
  });
});
