import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { countProjectItems, findProject, listMembers } from '../../db/queries/projects';
import { listReferenceAnswers } from '../../db/queries/reference-answers';
import { renderFigures } from '../../lib/sim/figures';
import { Answer, taskOfProject } from '../../lib/tasks';
import { decodeCoco } from '../../lib/tasks/codecs/coco';
import { readConfig } from '../../server/config';
import { ensureDemo, DEMO_SLUG } from '../../server/demo';
import { ensurePosesDemo, POSES_SLUG, POSES_TASK } from '../../server/demo-poses';
import { createLogger } from '../../server/log';
import { createMediaStore } from '../../server/media';
import { createServices } from '../../server/services';
import { DATABASE_KINDS, openTestDatabase } from '../fixtures/database';
import { TMP_ROOT } from '../fixtures/paths';

const log = createLogger('silent');
const seedOf = (file: string) => Number(/pose-(\d+)\.png$/.exec(file)![1]);

describe.each(DATABASE_KINDS)('the poses demo on %s', (kind) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'demo-poses-'));
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const services = () => createServices(database.db, { leaseSeconds: 600, media: createMediaStore(path.join(dir, 'media')) });

  it('creates a keypoint project of N rendered images whose hidden reference answers are the rendered truth', async () => {
    const folder = path.join(dir, 'poses');
    const result = await ensurePosesDemo({ services: services(), db: database.db, log, folder, limit: 12 });
    expect(result).toMatchObject({ created: true, items: 12 });

    const project = (await findProject(database.db, POSES_SLUG))!;
    expect(project.name).toBe('Poses (demo)');
    expect(taskOfProject(project)).toEqual(POSES_TASK);
    // The truth is hidden: the pool still needs every label.
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 12, labeled: 0 });

    const refs = await listReferenceAnswers(database.db, project.id);
    expect(refs).toHaveLength(12);
    for (const ref of refs) {
      const scene = renderFigures(seedOf(ref.sourceName), { width: 256, height: 256 });
      const truth = Answer.parse({ task: 'keypoints', instances: scene.figures.map((f) => ({ points: f.points, box: f.box })) });
      expect(decodeAnswer(POSES_TASK, ref.answer), ref.sourceName).toEqual(truth);
      expect([ref.width, ref.height]).toEqual([256, 256]);
    }
    const items = await database.db.query.items.findMany();
    expect(items.every((i) => i.mediaType === 'image/png' && i.referenceLabel === null)).toBe(true);

    // The files are a COCO person-keypoints dataset any COCO tool reads, and the images are the rendered pixels.
    const coco = decodeCoco(fs.readFileSync(path.join(folder, 'poses.coco.json'), 'utf8'));
    expect(coco.ok && coco.value.images.map((i) => i.fileName)).toEqual(Array.from({ length: 12 }, (_, i) => `pose-${String(i + 1).padStart(4, '0')}.png`));
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(fs.readFileSync(path.join(folder, 'images', 'pose-0003.png')));
    expect(Buffer.from(png.data).equals(Buffer.from(renderFigures(3).pixels))).toBe(true);
  });

  it('does nothing on a second run: no new project, items or files', async () => {
    const folder = path.join(dir, 'poses');
    const first = await ensurePosesDemo({ services: services(), db: database.db, log, folder, limit: 6 });
    const stamp = fs.statSync(path.join(folder, 'poses.coco.json')).mtimeMs;
    const again = await ensurePosesDemo({ services: services(), db: database.db, log, folder, limit: 6 });
    expect(again).toEqual({ projectId: first.projectId, created: false, items: 0 });
    expect(await countProjectItems(database.db, first.projectId)).toMatchObject({ items: 6 });
    expect(fs.statSync(path.join(folder, 'poses.coco.json')).mtimeMs).toBe(stamp);
  });

  it('is created by the start-up demo beside MNIST with the same team, and a second start does nothing', async () => {
    const config = readConfig({ TANDEM_DATA: dir, AUTH_SECRET: 'a'.repeat(32), TANDEM_DEMO_LIMIT: '20', TANDEM_DEMO_POSES: '5', TANDEM_DEMO_PASSWORD: 'demo-password' } as unknown as NodeJS.ProcessEnv);
    const ctx = { services: services(), db: database.db, media: createMediaStore(path.join(dir, 'media')), config, log };
    const first = await ensureDemo(ctx);
    expect(first.created).toBe(true);
    const mnist = (await findProject(database.db, DEMO_SLUG))!;
    const poses = (await findProject(database.db, POSES_SLUG))!;
    expect(mnist.taskType).toBe('classification');
    expect(poses.taskType).toBe('keypoints');
    expect(await countProjectItems(database.db, mnist.id)).toMatchObject({ items: 20 });
    expect(await countProjectItems(database.db, poses.id)).toMatchObject({ items: 5 });
    const team = async (id: number) => (await listMembers(database.db, id)).map((m) => `${m.email}:${m.role}`).sort();
    expect(await team(poses.id)).toEqual(await team(mnist.id));
    expect(await team(poses.id)).toEqual(['ann1@tandem.local:annotator', 'ann2@tandem.local:annotator', 'lead@tandem.local:lead']);

    expect(await ensureDemo(ctx)).toEqual({ created: false, logins: [] });
    expect(await countProjectItems(database.db, poses.id)).toMatchObject({ items: 5 });
  });
});
