import { unzipSync } from 'fflate';
import { zipFolder } from '../../../server/services/export-zip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { decodeAnswer } from '../../../db/queries/answers';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { annotations, items } from '../../../db/schema';
import { taskOfProject, type Answer } from '../../../lib/tasks';
import { COCO17 } from '../../../lib/tasks/skeletons';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { pngBytes } from '../../fixtures/images';
import { TMP_ROOT } from '../../fixtures/paths';

const W = 64;
const H = 48;

/** 17 COCO keypoints of one person, flattened [x, y, v, …], varied by `k`; one point absent. */
function personPoints(k: number): number[] {
  return COCO17.keypoints.flatMap((_, i) => (i === 3 ? [0, 0, 0] : [10 + ((i * 3 + k) % 40), 5 + ((i * 2 + k) % 38), i % 5 === 0 ? 1 : 2]));
}

/** A COCO person-keypoints file over `n` images it also writes beside it; `mutate` spoils it for the refusal cases. */
function writeCocoPoses(dir: string, n: number, mutate?: (coco: Record<string, any>) => void): string {
  fs.mkdirSync(path.join(dir, 'img'), { recursive: true });
  const coco: Record<string, any> = {
    images: Array.from({ length: n }, (_, i) => ({ id: i + 1, file_name: `img/pose-${i}.png`, width: W, height: H })),
    categories: [{ id: 1, name: 'person', keypoints: COCO17.keypoints, skeleton: COCO17.edges.map(([a, b]) => [a + 1, b + 1]) }],
    annotations: Array.from({ length: n }, (_, i) => ({
      id: 100 + i, image_id: i + 1, category_id: 1, iscrowd: 0, bbox: [8, 4, 45, 40], area: 1800, num_keypoints: 16, keypoints: personPoints(i),
    })),
  };
  mutate?.(coco);
  for (const img of coco.images) fs.writeFileSync(path.join(dir, img.file_name), pngBytes(img.id + 1000 * n, W, H));
  const file = path.join(dir, 'poses.json');
  fs.writeFileSync(file, JSON.stringify(coco));
  return file;
}

/** Standing answers by image name, decoded for the project. */
async function answersOf(database: Database, project: { id: number; taskType: any; classes: string[]; taskConfig: Record<string, unknown> }): Promise<Map<string, Answer>> {
  const task = taskOfProject(project);
  return new Map((await listCurrentLabels(database.db, project.id)).map((r) => [r.sourceName, decodeAnswer(task, r.payload)]));
}

describe.each(DATABASE_KINDS)('datasets on %s', (kind) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'datasets-'));
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports a keypoint project from COCO, takes answers through the labeling API, and exports what imports back identically', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 0, task: { taskType: 'keypoints', skeleton: 'coco17' } });
    const file = writeCocoPoses(dir, 6);
    const report = await services.datasets.import(SYSTEM, project.id, file, { format: 'coco', as: 'labels', holdout: 0 });
    expect(report).toMatchObject({ added: 6, duplicates: 0, answers: 6 });
    expect(await services.datasets.import(SYSTEM, project.id, file, { format: 'coco', as: 'labels', holdout: 0 })).toMatchObject({ added: 0, duplicates: 6 });

    // One more image to label through the API: a person placed by an annotator.
    // (A folder import of the same root: the six posed images are there already and are skipped by their content.)
    fs.writeFileSync(path.join(dir, 'extra.png'), pngBytes(77, W, H));
    expect(await services.imports.run(SYSTEM, project.id, dir, { labels: 'ignore', holdout: 0 })).toMatchObject({ added: 1, duplicates: 6 });
    const [lease] = await services.queue.claim(annotators[0], project.id, 1);
    const placed = COCO17.keypoints.map((_, i) => ({ x: 5 + i * 2.5, y: 40 - i * 2, v: (i === 0 ? 1 : 2) as 1 | 2 }));
    await services.labels.submit(annotators[0], project.id, {
      leaseId: lease.leaseId, itemId: lease.itemId, clientKey: 'pose-key-1',
      answer: { instances: [{ points: placed, box: { x: 4, y: 4, w: 50, h: 40 } }] },
      edit: { prelabel: 'none', seconds: 12.5, pointsMoved: 0, meanShiftPx: 0, added: 1, deleted: 0 },
    });
    const [stored] = await database.db.select().from(annotations).where(eq(annotations.itemId, lease.itemId));
    expect(stored.edit).toMatchObject({ prelabel: 'none', seconds: 12.5, added: 1 });

    const before = await answersOf(database, project);
    expect(before.size).toBe(7);
    expect(before.get('img/pose-2.png')).toMatchObject({ task: 'keypoints', instances: [{ box: { x: 8, y: 4, w: 45, h: 40 } }] });
    const pose2 = before.get('img/pose-2.png') as Extract<Answer, { task: 'keypoints' }>;
    expect(pose2.instances[0].points[3]).toEqual({ x: 0, y: 0, v: 0 });
    expect(pose2.instances[0].points[5]).toEqual({ x: 10 + ((15 + 2) % 40), y: 5 + ((10 + 2) % 38), v: 1 });

    const exported = await services.exports.project(SYSTEM, project.id, 'coco');
    if (exported.kind !== 'text') throw new Error('COCO is one file');
    const out = path.join(dir, 'exported.json');
    fs.writeFileSync(out, exported.text);
    const again = await services.projects.create(SYSTEM, { slug: 'again', taskType: 'keypoints', skeleton: 'coco17' });
    await services.datasets.import(SYSTEM, again.id, out, { format: 'coco', as: 'labels', holdout: 0 });
    const after = await answersOf(database, again);
    expect(after).toEqual(before);
  });

  it('round-trips a box project through YOLO, images and data.yaml included', async () => {
    const { services, project } = await buildProject(database.db, { n: 0, task: { taskType: 'boxes', classes: ['car', 'person'] } });
    const coco = {
      images: [1, 2, 3].map((id) => ({ id, file_name: `b${id}.png`, width: W, height: H })),
      categories: [{ id: 1, name: 'car' }, { id: 2, name: 'person' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 30, 20], area: 600, iscrowd: 0 },
        { id: 2, image_id: 1, category_id: 2, bbox: [40, 10, 12.5, 30], area: 375, iscrowd: 0 },
        { id: 3, image_id: 2, category_id: 2, bbox: [0, 0, 64, 48], area: 3072, iscrowd: 0 },
      ],
    };
    for (const img of coco.images) fs.writeFileSync(path.join(dir, img.file_name), pngBytes(img.id, W, H));
    fs.writeFileSync(path.join(dir, 'boxes.json'), JSON.stringify(coco));
    await services.datasets.import(SYSTEM, project.id, path.join(dir, 'boxes.json'), { format: 'coco', holdout: 0 });
    const before = await answersOf(database, project);
    expect(before.get('b3.png')).toEqual({ task: 'boxes', boxes: [] });
    expect(before.get('b1.png')).toEqual({ task: 'boxes', boxes: [{ class: 'car', x: 1, y: 2, w: 30, h: 20 }, { class: 'person', x: 40, y: 10, w: 12.5, h: 30 }] });

    const exported = await services.exports.project(SYSTEM, project.id, 'yolo');
    if (exported.kind !== 'folder') throw new Error('YOLO is a folder');
    const yoloDir = path.join(dir, 'yolo');
    for (const f of exported.files) {
      fs.mkdirSync(path.dirname(path.join(yoloDir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(yoloDir, f.path), f.bytes);
    }
    expect(fs.existsSync(path.join(yoloDir, 'labels', 'b1.txt'))).toBe(true);
    // The download is the same folder in one zip (the export route's answer).
    const zipped = unzipSync(zipFolder('p-answers-yolo', exported.files, 'use the CLI'));
    expect(Object.keys(zipped).sort()).toEqual(exported.files.map((f) => `p-answers-yolo/${f.path}`).sort());
    for (const f of exported.files) expect(Buffer.from(zipped[`p-answers-yolo/${f.path}`]).equals(Buffer.from(f.bytes))).toBe(true);
    const again = await services.projects.create(SYSTEM, { slug: 'yolo-again', taskType: 'boxes', classes: ['car', 'person'] });
    await services.datasets.import(SYSTEM, again.id, yoloDir, { format: 'yolo', holdout: 0 });
    const after = await answersOf(database, again);
    expect([...after.keys()].sort()).toEqual(['images/b1.png', 'images/b2.png', 'images/b3.png']);
    for (const [name, answer] of before) {
      const back = after.get(`images/${name}`) as Extract<Answer, { task: 'boxes' }>;
      const orig = answer as Extract<Answer, { task: 'boxes' }>;
      expect(back.boxes.map((b) => b.class)).toEqual(orig.boxes.map((b) => b.class));
      back.boxes.forEach((b, i) => (['x', 'y', 'w', 'h'] as const).forEach((k) => expect(b[k]).toBeCloseTo(orig.boxes[i][k], 3)));
    }
  });

  it('keeps imported answers as prelabels to start from, or as hidden references, when asked', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 0, task: { taskType: 'keypoints', skeleton: 'coco17' } });
    const file = writeCocoPoses(dir, 2);
    await services.datasets.import(SYSTEM, project.id, file, { format: 'coco', as: 'prelabels', holdout: 0 });
    expect(await listCurrentLabels(database.db, project.id)).toEqual([]);
    const [lease] = await services.queue.claim(annotators[0], project.id, 1);
    const pre = await services.labels.prelabel(annotators[0], project.id, lease.itemId);
    expect(pre.source).toBe('import');
    expect(pre.prelabel).toMatchObject({ task: 'keypoints', instances: [{ box: { x: 8, y: 4, w: 45, h: 40 } }] });

    const other = await services.projects.create(SYSTEM, { slug: 'ref', taskType: 'keypoints', skeleton: 'coco17' });
    await services.datasets.import(SYSTEM, other.id, file, { format: 'coco', as: 'reference', holdout: 0 });
    const rows = await database.db.select().from(items).where(eq(items.projectId, other.id));
    expect(rows.map((r) => r.status)).toEqual(['open', 'open']);
    expect(rows.every((r) => (r.referenceAnswer as { instances: unknown[] }).instances.length === 1)).toBe(true);
  });

  it.each([
    ['a box outside its image', (c: any) => { c.annotations[1].bbox = [50, 4, 45, 40]; }, /annotation id 101.*outside|outside.*annotation id 101/s],
    ['an unknown category id', (c: any) => { c.annotations[0].category_id = 9; }, /annotation id 100.*categor/is],
    ['a wrong keypoint count', (c: any) => { c.annotations[2].keypoints = c.annotations[2].keypoints.slice(0, 48); }, /annotation id 102.*(16|48|51|17)/s],
    ['a missing image', (c: any) => { c.images[1].file_name = 'img/nowhere.png'; }, /img\/nowhere\.png.*not found/s],
  ])('refuses a COCO file with %s, naming where, and stores nothing of it', async (_what, mutate, message) => {
    const { services, project } = await buildProject(database.db, { n: 0, task: { taskType: 'keypoints', skeleton: 'coco17' } });
    const file = writeCocoPoses(dir, 3, mutate);
    if (String(message).includes('nowhere')) fs.rmSync(path.join(dir, 'img', 'nowhere.png'), { force: true });
    const err = await services.datasets.import(SYSTEM, project.id, file, { format: 'coco', holdout: 0 }).catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: 'bad_request' });
    expect((err as { message: string }).message).toMatch(message);
    expect((err as { message: string }).message).toMatch(/nothing imported/);
    expect(await database.db.select().from(items).where(eq(items.projectId, project.id))).toEqual([]);
  });

  it('refuses bad spatial answers with the field named, storing nothing', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 0, task: { taskType: 'keypoints', skeleton: 'coco17' } });
    await services.datasets.import(SYSTEM, project.id, writeCocoPoses(dir, 1), { format: 'coco', as: 'prelabels', holdout: 0 });
    const [lease] = await services.queue.claim(annotators[0], project.id, 1);
    const full = COCO17.keypoints.map(() => ({ x: 10, y: 10, v: 2 }));
    const submit = (answer: unknown, n: number) => services.labels.submit(annotators[0], project.id, {
      leaseId: lease.leaseId, itemId: lease.itemId, clientKey: `bad-key-${n}`, answer: answer as Record<string, unknown>,
    }).then(() => 'stored', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    expect(await submit({ instances: [{ points: full.slice(1) }] }, 1)).toMatch(/^bad_request: .*instances\.0\.points: has 16 points but the skeleton has 17/);
    expect(await submit({ instances: [{ points: full.map((p, i) => (i === 4 ? { ...p, v: 3 } : p)) }] }, 2)).toMatch(/instances\.0\.points\.4\.v: must be 0 \(absent\), 1 \(occluded\) or 2 \(visible\)/);
    expect(await submit({ instances: [{ points: full.map((p, i) => (i === 6 ? { ...p, x: Number.NaN } : p)) }] }, 3)).toMatch(/instances\.0\.points\.6\.x/);
    expect(await submit({ instances: [{ points: full.map((p, i) => (i === 7 ? { ...p, x: W + 5 } : p)) }] }, 4)).toMatch(/instances\.0\.points\.7: left_elbow at \(69, 10\) is outside the 64×48 image/);
    expect(await submit({ boxes: [] }, 5)).toMatch(/^bad_request/);
    expect(await listCurrentLabels(database.db, project.id)).toEqual([]);
  });
});
