import { describe, expect, it } from 'vitest';
import type { ProjectTask } from '../../../../lib/tasks';
import { codecsOf, decodeYolo, encodeYolo, yoloLabelFileOf, type Dataset, type LabeledImage, type YoloLabelFile } from '../../../../lib/tasks/codecs';
import { COCO17 } from '../../../../lib/tasks/skeletons';

/** Deep equality with numbers allowed to differ by `tol` (YOLO writes 6 decimals of a normalised coordinate). */
function expectClose(actual: unknown, expected: unknown, tol: number, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
  } else if (expected && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const k of Object.keys(expected)) expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], tol, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

const ok = (r: ReturnType<typeof decodeYolo>): Dataset => {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};
const issuesOf = (r: ReturnType<typeof decodeYolo>) => {
  if (r.ok) throw new Error('expected the dataset to be refused');
  return r.issues.map((i) => `${i.where}: ${i.message}`);
};
const label = (image: string, width: number, height: number, text: string | null): YoloLabelFile =>
  ({ image, width, height, file: `labels/${yoloLabelFileOf(image)}`, text });

const detectYaml = { file: 'data.yaml', text: 'path: ../datasets/x\ntrain: images/train\nnames:\n  0: car\n  1: person\n' };

describe('decodeYolo: detect', () => {
  it('turns normalised centre boxes into pixel boxes with the image\'s size, worked by hand', () => {
    const d = ok(decodeYolo({ dataYaml: detectYaml, labels: [label('a.jpg', 200, 100, '0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.2 0.2\n'), label('b.jpg', 64, 64, null)] }));
    expect(d.task).toEqual({ task: 'boxes', config: { classes: ['car', 'person'] } });
    // car: x = (0.5 − 0.2/2) × 200 = 80, y = (0.5 − 0.4/2) × 100 = 30, w = 0.2 × 200 = 40, h = 0.4 × 100 = 40.
    // person: x = (0.1 − 0.1) × 200 = 0, y = 0, w = 40, h = 20.
    expectClose(d.images, [
      { fileName: 'a.jpg', width: 200, height: 100, answer: { task: 'boxes', boxes: [{ class: 'car', x: 80, y: 30, w: 40, h: 40 }, { class: 'person', x: 0, y: 0, w: 40, h: 20 }] } },
      { fileName: 'b.jpg', width: 64, height: 64, answer: { task: 'boxes', boxes: [] } }, // no label file: a background image
    ], 1e-9);
  });

  it('reads names given as a list too, and refuses an nc that disagrees', () => {
    expect(ok(decodeYolo({ dataYaml: { file: 'd.yaml', text: "names: ['car', 'bus']\nnc: 2\n" }, labels: [] })).task)
      .toEqual({ task: 'boxes', config: { classes: ['car', 'bus'] } });
    expect(issuesOf(decodeYolo({ dataYaml: { file: 'd.yaml', text: 'names: [car, bus]\nnc: 3\n' }, labels: [] })))
      .toEqual(['d.yaml: nc: is 3 but names lists 2 classes']);
  });

  it('lists every bad line at once by file and line: value count, class, number, outside the image', () => {
    const text = [
      '0 0.5 0.5 0.2 0.2', // fine
      '0 0.5 0.5 0.2', // four values
      '', // blank lines are allowed
      '7 0.5 0.5 0.2 0.2', // class 7 of 2
      '0 0.5 abc 0.2 0.2',
      '1 0.95 0.5 0.2 0.2', // reaches x = 1.05 × 100
    ].join('\n');
    const issues = issuesOf(decodeYolo({ dataYaml: detectYaml, labels: [label('img/c.jpg', 100, 100, text), label('d.jpg', 0, 0, '')] }));
    expect(issues).toEqual([
      'labels/img/c.txt:2: has 4 values, expected 5 (class cx cy w h)',
      'labels/img/c.txt:4: class 7 is not among data.yaml\'s names (0 … 1)',
      'labels/img/c.txt:5: value 3 "abc" is not a number',
      'd.jpg: has no usable size (0×0); YOLO\'s coordinates need it',
    ]);
    // The box outside the image is found once the file's own lines parse.
    const outside = issuesOf(decodeYolo({ dataYaml: detectYaml, labels: [label('c.jpg', 100, 100, '0 0.5 0.5 0.2 0.2\n1 0.95 0.5 0.2 0.2\n')] }));
    expect(outside).toEqual([expect.stringMatching(/^labels\/c\.txt:2: box at \(85, 40\) of 20×20 reaches outside the 100×100 image/)]);
  });

  it('names the line of a data.yaml that is not YAML', () => {
    expect(issuesOf(decodeYolo({ dataYaml: { file: 'data.yaml', text: 'names: [car\nnc: 1\n' }, labels: [] }))[0]).toMatch(/^data\.yaml:\d+: is not YAML/);
  });
});

const poseYaml = (extra = '') => ({
  file: 'data.yaml',
  text: `kpt_shape: [17, 3]\nflip_idx: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]\nnames:\n  0: person\n${extra}`,
});

describe('decodeYolo: pose', () => {
  it('takes COCO\'s person skeleton for 17 unnamed points, with flips from flip_idx', () => {
    expect(ok(decodeYolo({ dataYaml: poseYaml(), labels: [] })).task).toEqual({ task: 'keypoints', config: { category: 'person', skeleton: COCO17 } });
  });

  it('reads a pose line: the box, then x y v for each point; an absent point is stored at (0, 0)', () => {
    const points = COCO17.keypoints.map((_, k) => (k === 1 ? '0.3 0.3 0' : `${(0.1 + k * 0.05).toFixed(2)} 0.5 2`)).join(' ');
    const d = ok(decodeYolo({ dataYaml: poseYaml(), labels: [label('p.jpg', 400, 200, `0 0.5 0.5 1 1 ${points}`)] }));
    const answer = d.images[0].answer;
    if (answer.task !== 'keypoints') throw new Error('expected skeletons');
    const [inst] = answer.instances;
    expectClose(inst.box, { x: 0, y: 0, w: 400, h: 200 }, 1e-9);
    expectClose(inst.points[0], { x: 40, y: 100, v: 2 }, 1e-9); // 0.1 × 400, 0.5 × 200
    expect(inst.points[1]).toEqual({ x: 0, y: 0, v: 0 });
  });

  it('refuses a line with a wrong point count, naming the file and line', () => {
    const short = `0 0.5 0.5 1 1 ${'0.5 0.5 2 '.repeat(16)}`;
    expect(issuesOf(decodeYolo({ dataYaml: poseYaml(), labels: [label('p.jpg', 10, 10, `\n${short}`)] })))
      .toEqual(['labels/p.txt:2: has 53 values, expected 56 (class cx cy w h and 17 points × 3)']);
  });

  it('refuses a flip_idx that is not a set of swaps', () => {
    const text = 'kpt_shape: [3, 3]\nflip_idx: [1, 2, 0]\nnames: [thing]\n';
    expect(issuesOf(decodeYolo({ dataYaml: { file: 'data.yaml', text }, labels: [] }))[0]).toMatch(/^data\.yaml: flip_idx: must send each of the 3 points/);
  });

  it('reads kpt_shape [n, 2] lines: a point at (0, 0) is absent, any other visible', () => {
    const text = 'kpt_shape: [2, 2]\nnames: [hand]\nkpt_names:\n  0:\n    - left_tip\n    - right_tip\n';
    const d = ok(decodeYolo({ dataYaml: { file: 'data.yaml', text }, labels: [label('h.jpg', 100, 100, '0 0.5 0.5 0.5 0.5 0.4 0.5 0 0')] }));
    if (d.task.task !== 'keypoints' || d.images[0].answer.task !== 'keypoints') throw new Error('expected skeletons');
    expect(d.task.config.skeleton.keypoints).toEqual(['left_tip', 'right_tip']);
    expect(d.task.config.skeleton.flips).toEqual([[0, 1]]);
    expectClose(d.images[0].answer.instances[0].points, [{ x: 40, y: 50, v: 2 }, { x: 0, y: 0, v: 0 }], 1e-9);
  });
});

describe('encodeYolo then decodeYolo', () => {
  // Six decimals of a normalised coordinate: within 0.5e-6 × 1000 px = 0.0005 px here.
  const TOL_PX = 1e-3;
  const roundTrip = (task: ProjectTask, images: LabeledImage[]) => {
    const files = encodeYolo(task, images);
    const byImage = new Map(files.labels.map((l) => [l.image, l]));
    return ok(decodeYolo({
      dataYaml: { file: 'data.yaml', text: files.dataYaml },
      labels: images.map((img) => ({ image: img.fileName, width: img.width, height: img.height, file: byImage.get(img.fileName)!.file, text: byImage.get(img.fileName)!.text })),
    }));
  };

  it('gives back the same boxes (to 0.001 px) and the same classes', () => {
    const task: ProjectTask = { task: 'boxes', config: { classes: ['car', 'person', 'bike'] } };
    const images: LabeledImage[] = [
      { fileName: 'images/1.jpg', width: 1000, height: 750, answer: { task: 'boxes', boxes: [{ class: 'bike', x: 1.25, y: 2.5, w: 100.125, h: 0.75 }, { class: 'car', x: 0, y: 0, w: 1000, h: 750 }, { class: 'person', x: 333.3333, y: 10, w: 1 / 3, h: 7 }] } },
      { fileName: 'images/2.png', width: 10, height: 10, answer: { task: 'boxes', boxes: [] } },
    ];
    const files = encodeYolo(task, images);
    expect(files.labels.map((l) => l.file)).toEqual(['images/1.txt', 'images/2.txt']);
    expect(files.labels[0].text.split('\n')[1]).toBe('0 0.5 0.5 1 1'); // the car fills the image
    expect(files.labels[1].text).toBe('');
    const back = roundTrip(task, images);
    expect(back.task).toEqual(task);
    expectClose(back.images, images, TOL_PX);
  });

  it('gives back the same skeletons that have boxes (to 0.001 px), absent points included, and the whole skeleton', () => {
    const skeleton = { keypoints: ['head', 'left_hand', 'right_hand'], edges: [[0, 1], [0, 2]] as [number, number][], flips: [[1, 2]] as [number, number][], sigmas: [0.03, 0.07, 0.07] };
    const task: ProjectTask = { task: 'keypoints', config: { category: 'robot', skeleton } };
    const images: LabeledImage[] = [{
      fileName: 'r.png', width: 640, height: 480,
      answer: {
        task: 'keypoints',
        instances: [
          { points: [{ x: 10.5, y: 20.25, v: 2 }, { x: 0, y: 0, v: 0 }, { x: 30, y: 40, v: 1 }], box: { x: 5, y: 5, w: 50, h: 60 } },
          { points: [{ x: 150.123, y: 50, v: 2 }, { x: 160, y: 60.987, v: 2 }, { x: 170, y: 55, v: 2 }], box: { x: 140, y: 40, w: 40, h: 30 } },
        ],
      },
    }];
    const back = roundTrip(task, images);
    expect(back.task).toEqual(task);
    expectClose(back.images, images, TOL_PX);
  });

  it('gives a skeleton without a box its points\' bounds, since every YOLO line needs one', () => {
    const task: ProjectTask = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };
    const points = COCO17.keypoints.map((_, k) => ({ x: 100 + k, y: 50 + 2 * k, v: 2 as const }));
    const back = roundTrip(task, [{ fileName: 'p.jpg', width: 400, height: 300, answer: { task: 'keypoints', instances: [{ points }] } }]);
    expect(back.task).toEqual(task);
    const answer = back.images[0].answer;
    if (answer.task !== 'keypoints') throw new Error('expected skeletons');
    expectClose(answer.instances[0], { points, box: { x: 100, y: 50, w: 16, h: 32 } }, TOL_PX);
  });
});

describe('codecsOf', () => {
  it('offers COCO and YOLO to boxes and keypoint projects, and neither to classification', () => {
    expect(codecsOf('boxes').map((c) => c.name)).toEqual(['coco', 'yolo']);
    expect(codecsOf({ task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }).map((c) => c.name)).toEqual(['coco', 'yolo']);
    expect(codecsOf('classification')).toEqual([]);
  });
});
