import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../lib/errors';
import {
  classesOfAnswer, describeTaskTypes, parseAnswer, parseProjectTask, prelabelOf, TASK_TYPE_NAMES, TASK_TYPES, type ProjectTask,
} from '../../../lib/tasks';
import { COCO17, flipPermutation, Skeleton } from '../../../lib/tasks/skeletons';

const digits: ProjectTask = { task: 'classification', config: { classes: ['0', '1', '2'] } };
const traffic: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person'] } };
const people: ProjectTask = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };
const image = { width: 640, height: 480 };

const pose = (n: number, v: 0 | 1 | 2 = 2) => Array.from({ length: n }, (_, i) => ({ x: 100 + i, y: 200 + i, v }));

/** The message of the bad_request a call throws (fails the test if it does not throw one). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isTandemError(e) && e.code).toBe('bad_request');
    return (e as Error).message;
  }
  throw new Error('expected a bad_request, got none');
}

describe('the task-type registry', () => {
  it('has one entry per task type, each naming itself, with a title and a description', () => {
    expect(Object.keys(TASK_TYPES).sort()).toEqual([...TASK_TYPE_NAMES].sort());
    for (const t of describeTaskTypes()) {
      expect(TASK_TYPES[t.name].name).toBe(t.name);
      expect(t.title.length).toBeGreaterThan(3);
      expect(t.description.length).toBeGreaterThan(10);
    }
  });

  it('parses a project task config per type and names the field that is wrong', () => {
    expect(parseProjectTask({ task: 'boxes', config: { classes: ['car'] } }).task).toBe('boxes');
    expect(refusal(() => parseProjectTask({ task: 'classification', config: { classes: ['only'] } }))).toMatch(/config\.classes: needs at least 2 classes/);
    expect(refusal(() => parseProjectTask({ task: 'boxes', config: { classes: ['car', 'car'] } }))).toMatch(/config\.classes: must not name a class twice/);
    expect(refusal(() => parseProjectTask({ task: 'polygons', config: {} }))).toMatch(/task/);
    const keypointsDefaultCategory = parseProjectTask({ task: 'keypoints', config: { skeleton: COCO17 } });
    expect(keypointsDefaultCategory.task === 'keypoints' && keypointsDefaultCategory.config.category).toBe('person');
  });
});

describe('classification answers', () => {
  it('takes a class of the project', () => {
    expect(parseAnswer(digits, { label: '2' }, null)).toEqual({ task: 'classification', label: '2' });
  });
  it('refuses a class the project lacks, naming the field and the classes', () => {
    expect(refusal(() => parseAnswer(digits, { label: '7' }, null))).toMatch(/label: "7" is not a class of this project \(0, 1, 2\)/);
  });
  it('refuses an answer for another task type', () => {
    expect(refusal(() => parseAnswer(digits, { task: 'boxes', boxes: [] }, null))).toMatch(/this is a classification project/);
  });
});

describe('box answers', () => {
  const car = { class: 'car', x: 10, y: 20, w: 100, h: 50 };

  it('takes boxes inside the image with known classes, and an empty list ("nothing here")', () => {
    expect(parseAnswer(traffic, { boxes: [car] }, image)).toEqual({ task: 'boxes', boxes: [car] });
    expect(parseAnswer(traffic, { boxes: [] }, image)).toEqual({ task: 'boxes', boxes: [] });
  });

  it('allows half a pixel past the border (an edge dragged onto it at a fractional zoom)', () => {
    expect(() => parseAnswer(traffic, { boxes: [{ ...car, x: 0, w: 640.4 }] }, image)).not.toThrow();
  });

  it('refuses a box outside the image, naming which box', () => {
    expect(refusal(() => parseAnswer(traffic, { boxes: [car, { ...car, x: 600 }] }, image))).toMatch(/boxes\.1: box at \(600, 20\) of 100×50 reaches outside the 640×480 image/);
  });

  it('refuses an unknown class, NaN, a negative width, naming the field', () => {
    expect(refusal(() => parseAnswer(traffic, { boxes: [{ ...car, class: 'bus' }] }, image))).toMatch(/boxes\.0\.class: "bus" is not a box class/);
    expect(refusal(() => parseAnswer(traffic, { boxes: [{ ...car, x: NaN }] }, image))).toMatch(/boxes\.0\.x/);
    expect(refusal(() => parseAnswer(traffic, { boxes: [{ ...car, w: -3 }] }, image))).toMatch(/boxes\.0\.w: must be greater than 0/);
    expect(refusal(() => parseAnswer(traffic, { boxes: [{ ...car, extra: 1, w: 'wide' }] }, image))).toMatch(/boxes\.0\.w/);
  });

  it('checks classes but not the border when the image size is unknown', () => {
    expect(() => parseAnswer(traffic, { boxes: [{ ...car, x: 5000 }] }, null)).not.toThrow();
  });

  it('lists the classes an answer mentions once each', () => {
    const a = parseAnswer(traffic, { boxes: [car, car, { ...car, class: 'person' }] }, image);
    expect(classesOfAnswer(traffic, a)).toEqual(['car', 'person']);
  });
});

describe('keypoint answers', () => {
  it('takes a skeleton with one point per keypoint, absent points anywhere', () => {
    const points = pose(17);
    points[3] = { x: 0, y: 0, v: 0 };
    const a = parseAnswer(people, { instances: [{ points }] }, image);
    expect(a.task === 'keypoints' && a.instances[0].points).toHaveLength(17);
  });

  it('refuses 16 points for a 17-point skeleton, naming the instance', () => {
    expect(refusal(() => parseAnswer(people, { instances: [{ points: pose(17) }, { points: pose(16) }] }, image)))
      .toMatch(/instances\.1\.points: has 16 points but the skeleton has 17/);
  });

  it('refuses a visibility of 3 with what the values mean', () => {
    const points = pose(17);
    points[5] = { x: 1, y: 1, v: 3 as 2 };
    expect(refusal(() => parseAnswer(people, { instances: [{ points }] }, image))).toMatch(/instances\.0\.points\.5\.v: must be 0 \(absent\), 1 \(occluded\) or 2 \(visible\)/);
  });

  it('refuses a labeled point outside the image, naming the keypoint', () => {
    const points = pose(17);
    points[9] = { x: 700, y: 10, v: 1 };
    expect(refusal(() => parseAnswer(people, { instances: [{ points }] }, image))).toMatch(/instances\.0\.points\.9: left_wrist at \(700, 10\) is outside/);
  });
});

describe('prelabels', () => {
  it('drops low-scoring boxes and keeps the rest without their scores', () => {
    const pre = prelabelOf(traffic, { task: 'boxes', boxes: [{ class: 'car', x: 1, y: 2, w: 3, h: 4, score: 0.9 }, { class: 'car', x: 1, y: 2, w: 3, h: 4, score: 0.1 }] });
    expect(pre).toEqual({ task: 'boxes', boxes: [{ class: 'car', x: 1, y: 2, w: 3, h: 4 }] });
  });

  it('starts unsure keypoints as absent rather than somewhere wrong', () => {
    const points = pose(17).map((p, i) => ({ x: p.x, y: p.y, score: i === 0 ? 0.05 : 0.8 }));
    const pre = prelabelOf(people, { task: 'keypoints', instances: [{ points, score: 0.9 }] });
    expect(pre.task === 'keypoints' && pre.instances[0].points[0]).toEqual({ x: 0, y: 0, v: 0 });
    expect(pre.task === 'keypoints' && pre.instances[0].points[1]).toEqual({ x: 101, y: 201, v: 2 });
  });
});

describe('skeletons', () => {
  it('ships COCO\'s 17-point person skeleton, valid by its own schema', () => {
    const s = Skeleton.parse(COCO17);
    expect(s.keypoints).toHaveLength(17);
    expect(s.edges).toHaveLength(19);
    expect(s.sigmas[0]).toBeCloseTo(0.026);
  });

  it('flips left and right keypoints and leaves the nose in place', () => {
    const to = flipPermutation(COCO17);
    expect(to[0]).toBe(0);
    expect(COCO17.keypoints[to[COCO17.keypoints.indexOf('left_knee')]]).toBe('right_knee');
    expect(to.map((j) => to[j])).toEqual(to.map((_, i) => i));
  });

  it('refuses an edge to a keypoint the skeleton lacks and a sigma count unlike the points', () => {
    const bad = Skeleton.safeParse({ keypoints: ['a', 'b'], edges: [[0, 2]], sigmas: [0.1] });
    expect(bad.success).toBe(false);
    const msg = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(msg).toMatch(/sigmas: must give one sigma per keypoint \(2\), got 1/);
    expect(msg).toMatch(/edges\.0: names keypoint 2 but the skeleton has 2/);
  });
});
