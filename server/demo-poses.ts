import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Db } from '../db/client';
import { findProject } from '../db/queries/projects';
import { mapLimit } from '../lib/import/map-limit';
import { renderFigures } from '../lib/sim/figures';
import type { ProjectTask } from '../lib/tasks';
import { encodeCoco } from '../lib/tasks/codecs/coco';
import type { LabeledImage } from '../lib/tasks/codecs/types';
import { COCO17 } from '../lib/tasks/skeletons';
import type { Logger } from './log';
import type { Services } from './services';
import { SYSTEM } from './services/access';

/**
 * The keypoint demo beside MNIST: people rendered by Tandem itself (lib/sim/figures.ts), so
 * every image's true skeleton is known. No npm package ships photographs of people with
 * keypoints (only pose models; see docs), and nothing may download at run time, so the pictures
 * are drawn: varied poses, sizes, places, turns, backgrounds, occluders and cut-offs.
 *
 * Files: `<folder>/images/pose-0001.png …` and `<folder>/poses.coco.json`, the ground truth as
 * COCO person keypoints (any COCO tool reads it). The project imports that file as a user
 * would (`tandem import poses-demo poses.coco.json --format coco --as reference`): the images
 * become items and the truth each item's hidden reference answer, so the pool still needs
 * labeling while tests and simulations score against the truth.
 */

export const POSES_SLUG = 'poses-demo';
export const POSES_NAME = 'Poses (demo)';
export const POSES_TASK: Extract<ProjectTask, { task: 'keypoints' }> = { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } };
export const POSES_IMAGE_SIZE = 256;
export const POSES_COCO_FILE = 'poses.coco.json';

const fileName = (n: number) => `pose-${String(n).padStart(4, '0')}.png`;

/**
 * Renders images 1…limit (seed n for image n) into `<folder>/images` and writes their truth as
 * `<folder>/poses.coco.json`. What is already there is kept: a second start renders nothing.
 * Returns the truth as the file holds it.
 */
export async function writePoseImages(folder: string, limit: number): Promise<{ images: string; coco: string }> {
  const images = path.join(folder, 'images');
  const coco = path.join(folder, POSES_COCO_FILE);
  fs.mkdirSync(images, { recursive: true });
  const names = Array.from({ length: limit }, (_, i) => fileName(i + 1));
  if (fs.existsSync(coco) && names.every((n) => fs.existsSync(path.join(images, n)))) return { images, coco };
  const labeled: LabeledImage[] = new Array(limit);
  await mapLimit(names.map((name, i) => ({ name, seed: i + 1, i })), 8, async ({ name, seed, i }) => {
    const scene = renderFigures(seed, { width: POSES_IMAGE_SIZE, height: POSES_IMAGE_SIZE });
    labeled[i] = {
      fileName: name, width: scene.width, height: scene.height,
      answer: { task: 'keypoints', instances: scene.figures.map((f) => ({ points: f.points, box: f.box })) },
    };
    const file = path.join(images, name);
    if (fs.existsSync(file)) return;
    const png = new PNG({ width: scene.width, height: scene.height });
    png.data = Buffer.from(scene.pixels.buffer, scene.pixels.byteOffset, scene.pixels.byteLength);
    // Write then rename: an interrupted first start never leaves a truncated image under its final name.
    const tmp = path.join(images, `.${name}.${process.pid}.tmp`);
    await fs.promises.writeFile(tmp, PNG.sync.write(png));
    await fs.promises.rename(tmp, file);
  });
  const tmp = `${coco}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(encodeCoco(POSES_TASK, labeled)));
  await fs.promises.rename(tmp, coco);
  return { images, coco };
}

export interface PosesDemoContext {
  services: Services;
  db: Db;
  log: Logger;
  /** Where the demo's files go (`<data>/demo/poses`). */
  folder: string;
  limit: number;
}

/**
 * Creates the `poses-demo` project with `limit` rendered images whose true skeletons are the
 * hidden reference answers. Nothing happens when the project exists. Returns the project's id.
 */
export async function ensurePosesDemo(ctx: PosesDemoContext): Promise<{ projectId: number; created: boolean; items: number }> {
  const existing = await findProject(ctx.db, POSES_SLUG);
  if (existing) return { projectId: existing.id, created: false, items: 0 };
  const started = Date.now();
  const { images, coco } = await writePoseImages(ctx.folder, ctx.limit);
  const project = await ctx.services.projects.create(SYSTEM, { slug: POSES_SLUG, name: POSES_NAME, taskType: 'keypoints', classes: [POSES_TASK.config.category], skeleton: 'coco17' });
  // The truth goes in as hidden references through the same COCO import a user runs: the file is the one source of it.
  const report = await ctx.services.datasets.import(SYSTEM, project.id, coco, { format: 'coco', as: 'reference', images, holdout: 0.1, seed: 1 }).catch((e: unknown) => {
    ctx.log.error({ err: e }, `the poses demo import stopped; finish it with: tandem import ${POSES_SLUG} ${coco} --format coco --as reference --images ${images}`);
    throw e;
  });
  ctx.log.info({ items: report.added, references: report.answers, ms: Date.now() - started }, 'poses demo project created');
  return { projectId: project.id, created: true, items: report.added };
}
