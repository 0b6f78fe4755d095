import { describe, expect, it } from 'vitest';
import type { ProjectTask } from '../../../../lib/tasks';
import { decodeCoco, decodedOrThrow, encodeCoco, type Dataset, type LabeledImage } from '../../../../lib/tasks/codecs';
import { DEFAULT_SIGMA } from '../../../../lib/tasks/codecs/skeleton-of';
import { COCO17 } from '../../../../lib/tasks/skeletons';

const decoded = (input: unknown, file = 'in.json'): Dataset => {
  const r = decodeCoco(input, file);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};
const issuesOf = (input: unknown, file = 'in.json') => {
  const r = decodeCoco(input, file);
  if (r.ok) throw new Error('expected the file to be refused');
  return r.issues.map((i) => `${i.where}: ${i.message}`);
};

const instancesFile = {
  images: [{ id: 10, file_name: 'a.jpg', width: 100, height: 80 }, { id: 11, file_name: 'b.jpg', width: 50, height: 50 }],
  categories: [{ id: 3, name: 'car', supercategory: 'vehicle' }, { id: 1, name: 'person' }],
  annotations: [
    { id: 1, image_id: 10, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0 },
    { id: 2, image_id: 10, category_id: 3, bbox: [0.5, 0, 99.5, 80], area: 7960, iscrowd: 0 },
    { id: 3, image_id: 10, category_id: 1, bbox: [0, 0, 100, 80], area: 8000, iscrowd: 1, segmentation: { counts: [], size: [80, 100] } },
  ],
};

describe('decodeCoco: instances', () => {
  it('turns each image into a boxes answer, classes in the file\'s category order, whatever their ids', () => {
    const d = decoded(JSON.stringify(instancesFile));
    expect(d.task).toEqual({ task: 'boxes', config: { classes: ['car', 'person'] } });
    expect(d.images).toEqual([
      { fileName: 'a.jpg', width: 100, height: 80, answer: { task: 'boxes', boxes: [{ class: 'person', x: 10, y: 20, w: 30, h: 40 }, { class: 'car', x: 0.5, y: 0, w: 99.5, h: 80 }] } },
      { fileName: 'b.jpg', width: 50, height: 50, answer: { task: 'boxes', boxes: [] } }, // no annotation: nothing there
    ]);
  });

  it('skips crowd regions and counts them', () => {
    expect(decoded(instancesFile).skipped).toEqual({ crowd: 1 });
  });

  it('lists every bad annotation at once, each by its id: outside its image, unknown category, missing image', () => {
    const bad = {
      ...instancesFile,
      annotations: [
        { id: 7, image_id: 11, category_id: 3, bbox: [40, 40, 20, 5] }, // reaches x = 60 in a 50 px image
        { id: 8, image_id: 10, category_id: 99, bbox: [0, 0, 1, 1] },
        { id: 9, image_id: 42, category_id: 3, bbox: [0, 0, 1, 1] },
        { id: 12, image_id: 10, category_id: 3, bbox: [0, 0, 0, 5] }, // zero width
      ],
    };
    const issues = issuesOf(bad, 'train.json');
    expect(issues).toHaveLength(4);
    expect(issues[0]).toMatch(/^train\.json: annotation id 7 \(image "b\.jpg"\).*outside the 50×50 image/);
    expect(issues[1]).toMatch(/^train\.json: annotation id 8: category_id 99 is not among the file's categories \(3, 1\)/);
    expect(issues[2]).toMatch(/^train\.json: annotation id 9: image_id 42 is not among the file's images/);
    expect(issues[3]).toMatch(/^train\.json: annotation id 12: w must be greater than 0/);
  });

  it('refuses an image id, a file name or an annotation id listed twice', () => {
    const twice = {
      ...instancesFile,
      images: [...instancesFile.images, { id: 10, file_name: 'c.jpg', width: 5, height: 5 }, { id: 12, file_name: 'a.jpg', width: 5, height: 5 }],
      annotations: [instancesFile.annotations[0], instancesFile.annotations[0]],
    };
    expect(issuesOf(twice)).toEqual([
      'in.json: image id 10: is listed twice',
      'in.json: image id 12: file_name "a.jpg" is listed twice',
      'in.json: annotation id 1: is listed twice',
    ]);
  });

  it('names the field when the file is not COCO\'s shape, and the file when it is not JSON', () => {
    expect(issuesOf({ images: [{ id: 1, file_name: 'a.jpg', width: 10 }], annotations: [], categories: [{ id: 1, name: 'x' }] }))
      .toEqual([expect.stringMatching(/^in\.json: images\[0\]\.height: /)]);
    expect(issuesOf('{"images": [', 'broken.json')).toEqual([expect.stringMatching(/^broken\.json: is not JSON/)]);
  });
});

const personFile = () => ({
  images: [{ id: 1, file_name: 'p.jpg', width: 640, height: 480 }],
  categories: [{
    id: 1, name: 'person', supercategory: 'person', keypoints: COCO17.keypoints,
    // COCO's own 1-based limb list, as person_keypoints_val2017.json has it.
    skeleton: [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]],
  }],
  annotations: [{
    id: 5, image_id: 1, category_id: 1, iscrowd: 0, bbox: [100, 50, 200, 400], area: 80000, num_keypoints: 16,
    keypoints: COCO17.keypoints.flatMap((_, k) => (k === 3 ? [7, 7, 0] : [110 + 10 * k, 60 + 20 * k, k % 2 ? 1 : 2])),
  }],
});

describe('decodeCoco: person keypoints', () => {
  it('takes COCO\'s person skeleton from the category: edges made 0-based, flips from left/right names, COCO17 sigmas', () => {
    const d = decoded(personFile());
    expect(d.task).toEqual({ task: 'keypoints', config: { category: 'person', skeleton: COCO17 } });
  });

  it('reads each annotation as a skeleton with its box; an absent point is stored at (0, 0)', () => {
    const [img] = decoded(personFile()).images;
    if (img.answer.task !== 'keypoints') throw new Error('expected skeletons');
    const [inst] = img.answer.instances;
    expect(inst.box).toEqual({ x: 100, y: 50, w: 200, h: 400 });
    expect(inst.points[0]).toEqual({ x: 110, y: 60, v: 2 });
    expect(inst.points[1]).toEqual({ x: 120, y: 80, v: 1 });
    expect(inst.points[3]).toEqual({ x: 0, y: 0, v: 0 }); // the file said (7, 7, 0)
  });

  it('infers a custom skeleton: flips by name, COCO17 sigmas for names it knows, the default for others', () => {
    const file = personFile();
    file.categories[0].keypoints = ['nose', 'left_paw', 'right_paw', 'Tail'];
    file.categories[0].skeleton = [[1, 2], [1, 3], [1, 4]];
    file.annotations[0].keypoints = [1, 1, 2, 2, 2, 2, 3, 3, 2, 4, 4, 2];
    const d = decoded(file);
    expect(d.task.task).toBe('keypoints');
    if (d.task.task !== 'keypoints') return;
    expect(d.task.config.skeleton).toEqual({
      keypoints: ['nose', 'left_paw', 'right_paw', 'Tail'],
      edges: [[0, 1], [0, 2], [0, 3]],
      flips: [[1, 2]],
      sigmas: [COCO17.sigmas[0], DEFAULT_SIGMA, DEFAULT_SIGMA, DEFAULT_SIGMA], // nose: COCO's 0.026
    });
  });

  it('refuses a wrong keypoint count and a visibility of 3, naming the annotation', () => {
    const file = personFile();
    file.annotations.push({ ...file.annotations[0], id: 6, keypoints: file.annotations[0].keypoints.slice(0, 48) });
    file.annotations.push({ ...file.annotations[0], id: 7, keypoints: file.annotations[0].keypoints.map((v, i) => (i === 2 ? 3 : v)) });
    expect(issuesOf(file)).toEqual([
      'in.json: annotation id 6: keypoints holds 48 numbers; the skeleton\'s 17 points need 51 (x, y, v for each)',
      'in.json: annotation id 7: keypoint 0 (nose): v is 3; must be 0 (absent), 1 (occluded) or 2 (visible)',
    ]);
  });

  it('refuses a keypoint outside its image, naming the annotation and the point', () => {
    const file = personFile();
    file.annotations[0].keypoints[0] = 700;
    expect(issuesOf(file)).toEqual([expect.stringMatching(/^in\.json: annotation id 5 \(image "p\.jpg"\): points\[0\]: nose at \(700, 60\) is outside the 640×480 image/)]);
  });

  it('refuses a file with several categories for a keypoint project', () => {
    const file = personFile();
    file.categories.push({ ...file.categories[0], id: 2, name: 'robot' });
    expect(issuesOf(file)[0]).toMatch(/one category with one skeleton; the file has 2 categories \(person, robot\)/);
  });
});

describe('encodeCoco then decodeCoco', () => {
  it('gives back the same boxes answers and classes (exact: JSON keeps every double)', () => {
    const task: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person', 'bike'] } };
    const images: LabeledImage[] = [
      { fileName: 'x/1.jpg', width: 640, height: 480, answer: { task: 'boxes', boxes: [{ class: 'bike', x: 1.25, y: 2.5, w: 100.125, h: 0.75 }, { class: 'car', x: 0, y: 0, w: 640, h: 480 }] } },
      { fileName: 'x/2.jpg', width: 10, height: 10, answer: { task: 'boxes', boxes: [] } },
    ];
    const coco = encodeCoco(task, images);
    expect(coco.categories.map((c) => [c.id, c.name])).toEqual([[1, 'car'], [2, 'person'], [3, 'bike']]);
    expect(coco.annotations[0]).toMatchObject({ id: 1, image_id: 1, category_id: 3, bbox: [1.25, 2.5, 100.125, 0.75], iscrowd: 0 });
    const back = decoded(JSON.parse(JSON.stringify(coco)));
    expect(back.task).toEqual(task);
    expect(back.images).toEqual(images);
  });

  it('gives back the same skeletons, with and without a box, absent points included, and the whole skeleton', () => {
    const skeleton = { keypoints: ['head', 'left_hand', 'right_hand'], edges: [[0, 1], [0, 2]] as [number, number][], flips: [[1, 2]] as [number, number][], sigmas: [0.03, 0.07, 0.07], colors: ['#111111', '#222222', '#333333'] };
    const task: ProjectTask = { task: 'keypoints', config: { category: 'robot', skeleton } };
    const images: LabeledImage[] = [{
      fileName: 'r.png', width: 200, height: 100,
      answer: {
        task: 'keypoints',
        instances: [
          { points: [{ x: 10.5, y: 20.25, v: 2 }, { x: 0, y: 0, v: 0 }, { x: 30, y: 40, v: 1 }], box: { x: 5, y: 5, w: 50, h: 60 } },
          { points: [{ x: 150, y: 50, v: 2 }, { x: 160, y: 60, v: 2 }, { x: 170, y: 55, v: 2 }] }, // no box
        ],
      },
    }];
    const coco = encodeCoco(task, images);
    // COCO tools need a bbox: the second skeleton gets its points' bounds, marked as derived.
    expect(coco.annotations[1]).toMatchObject({ bbox: [150, 50, 20, 10], area: 200, num_keypoints: 3, tandem_derived_bbox: true });
    expect(coco.categories[0].skeleton).toEqual([[1, 2], [1, 3]]);
    const back = decoded(JSON.stringify(coco));
    expect(back.task).toEqual(task);
    expect(back.images).toEqual(images);
  });

  it('refuses a classification project, which COCO cannot hold', () => {
    expect(() => encodeCoco({ task: 'classification', config: { classes: ['a', 'b'] } }, [])).toThrow(/csv or jsonl/);
  });
});

describe('decodedOrThrow', () => {
  it('throws one bad_request listing the problems and saying nothing was imported', () => {
    const r = decodeCoco({ ...instancesFile, annotations: [{ id: 8, image_id: 10, category_id: 99, bbox: [0, 0, 1, 1] }] }, 'f.json');
    expect(() => decodedOrThrow(r, 'COCO import')).toThrow(/^COCO import: 1 problem, nothing imported\nf\.json: annotation id 8: category_id 99/);
  });
});
