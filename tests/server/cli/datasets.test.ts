import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { COCO17 } from '../../../lib/tasks/skeletons';
import { runTandemCli } from '../../fixtures/cli';
import { pngBytes } from '../../fixtures/images';
import { TMP_ROOT } from '../../fixtures/paths';

/** `tandem project create`, `import --format` and `export --format` for box and keypoint projects, as a user types them. */
describe('tandem CLI with boxes and keypoints', () => {
  const root = fs.mkdtempSync(path.join(TMP_ROOT, 'cli-spatial-'));
  const dataDir = path.join(root, 'data');
  const tandem = (...args: string[]) => runTandemCli(dataDir, args, { cwd: root });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates box and keypoint projects, and says what is missing', async () => {
    expect(await tandem('project', 'create', 'cars', '--task', 'boxes', '--classes', 'car,person'))
      .toMatchObject({ code: 0, out: expect.stringContaining('created project cars (id 1): boxes with classes car, person') });
    expect(await tandem('project', 'create', 'poses', '--task', 'keypoints', '--skeleton', 'coco17'))
      .toMatchObject({ code: 0, out: expect.stringContaining('keypoints with a 17-point skeleton of person') });
    expect(await tandem('project', 'create', 'x', '--task', 'keypoints')).toMatchObject({ code: 2, err: expect.stringMatching(/give --skeleton/) });
    expect(await tandem('project', 'create', 'x', '--task', 'keypoints', '--skeleton', 'horse')).toMatchObject({ code: 2, err: expect.stringMatching(/a preset \(coco17\) or a JSON file; there is no file .*horse/) });
    fs.writeFileSync(path.join(root, 'hand.json'), JSON.stringify({ keypoints: ['wrist', 'thumb'], edges: [[0, 5]], sigmas: [0.05, 0.05] }));
    expect(await tandem('project', 'create', 'hands', '--task', 'keypoints', '--skeleton', 'hand.json'))
      .toMatchObject({ code: 2, err: expect.stringMatching(/skeleton\.edges\.0: names keypoint 5 but the skeleton has 2/) });
    expect(await tandem('project', 'create', 'x', '--task', 'polygons', '--classes', 'a')).toMatchObject({ code: 2, err: expect.stringMatching(/classification, boxes, keypoints/) });
  });

  it('imports COCO keypoints and exports them as COCO and YOLO, refusing what a project cannot take', async () => {
    fs.mkdirSync(path.join(root, 'coco'), { recursive: true });
    const coco = {
      images: [1, 2].map((id) => ({ id, file_name: `p${id}.png`, width: 40, height: 30 })),
      categories: [{ id: 1, name: 'person', keypoints: COCO17.keypoints, skeleton: COCO17.edges.map(([a, b]) => [a + 1, b + 1]) }],
      annotations: [1, 2].map((id) => ({ id, image_id: id, category_id: 1, bbox: [2, 2, 30, 25], keypoints: COCO17.keypoints.flatMap((_, i) => [3 + i, 4 + i, 2]) })),
    };
    for (const img of coco.images) fs.writeFileSync(path.join(root, 'coco', img.file_name), pngBytes(img.id, 40, 30));
    fs.writeFileSync(path.join(root, 'coco', 'people.json'), JSON.stringify(coco));

    expect(await tandem('import', 'poses', 'coco/people.json', '--format', 'coco', '--holdout', '0'))
      .toMatchObject({ code: 0, out: expect.stringContaining('imported 2 new items into poses with their answers as labels') });
    expect(await tandem('import', 'cars', 'coco/people.json', '--format', 'coco'))
      .toMatchObject({ code: 2, err: expect.stringMatching(/is a boxes project; the file holds keypoints/) });

    expect(await tandem('export', 'poses', '--format', 'coco', '--out', 'out.json')).toMatchObject({ code: 0, err: expect.stringContaining('wrote 2 labels') });
    const back = JSON.parse(fs.readFileSync(path.join(root, 'out.json'), 'utf8'));
    expect(back.annotations.map((a: { keypoints: number[] }) => a.keypoints.slice(0, 3))).toEqual([[3, 4, 2], [3, 4, 2]]);

    expect(await tandem('export', 'poses', '--format', 'yolo')).toMatchObject({ code: 2, err: expect.stringMatching(/give --out DIR/) });
    expect(await tandem('export', 'poses', '--format', 'yolo', '--out', 'yolo')).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(root, 'yolo', 'data.yaml'), 'utf8')).toMatch(/kpt_shape/);
    expect(fs.readFileSync(path.join(root, 'yolo', 'labels', 'p1.txt'), 'utf8').trim().split(' ')).toHaveLength(5 + 17 * 3);

    const jsonl = await tandem('export', 'poses', '--format', 'jsonl');
    expect(JSON.parse(jsonl.out.split('\n')[0]).answer.instances[0].points[0]).toEqual({ x: 3, y: 4, v: 2 });
  });
});
