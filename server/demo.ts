import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { Db } from '../db/client';
import { listProjects } from '../db/queries/projects';
import { mapLimit } from '../lib/import/map-limit';
import type { Config } from './config';
import type { Logger } from './log';
import type { MediaStore } from './media';
import type { Services } from './services';
import { SYSTEM } from './services/access';
import { ensurePosesDemo } from './demo-poses';

export interface DemoLogin {
  email: string;
  password: string;
  /** admin, lead or annotator: what the person does in the demo. */
  role: string;
}

export const DEMO_SLUG = 'mnist-demo';
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const PEOPLE = [
  { email: 'admin@tandem.local', role: 'admin', member: null },
  { email: 'lead@tandem.local', role: 'user', member: 'lead' },
  { email: 'ann1@tandem.local', role: 'user', member: 'annotator' },
  { email: 'ann2@tandem.local', role: 'user', member: 'annotator' },
] as const;

/**
 * On a database without projects (and with the demo on): writes the real
 * MNIST digits shipped in the `mnist` package as PNG files (once), imports
 * them like any user's folder per class, with the digit kept as the hidden
 * reference answer so the pool still needs labeling; then the keypoint demo
 * (server/demo-poses.ts: rendered people, their true skeletons hidden the
 * same way); and makes the demo team members of both. A database that has
 * any project is left untouched.
 */
export async function ensureDemo(ctx: { services: Services; db: Db; media: MediaStore; config: Config; log: Logger }): Promise<{ created: boolean; logins: DemoLogin[] }> {
  const { services, config, log } = ctx;
  if (!config.demo || (await listProjects(ctx.db)).length > 0) return { created: false, logins: [] };
  const started = Date.now();
  const folder = path.join(config.dataDir, 'demo', 'mnist');
  await writeMnistPngs(folder, config.demoLimit);
  const project = await services.projects.create(SYSTEM, { slug: DEMO_SLUG, name: 'MNIST digits (demo)', classes: DIGITS });
  const report = await services.imports.run(SYSTEM, project.id, folder, { holdout: 0.1, seed: 1, labels: 'reference' }).catch((e: unknown) => {
    log.error({ err: e }, `the demo import stopped; finish it with: tandem import ${DEMO_SLUG} ${folder} --labels reference`);
    throw e;
  });
  if (report.failed.length) log.warn({ failed: report.failed.slice(0, 5) }, 'some demo files failed to import');
  const poses = await ensurePosesDemo({ services, db: ctx.db, log, folder: path.join(config.dataDir, 'demo', 'poses'), limit: config.demoPoses });

  const logins: DemoLogin[] = [];
  for (const person of PEOPLE) {
    const role = person.member ?? person.role;
    // Someone may have made these accounts by hand before the first start: keep them and their passwords.
    let user = await services.users.findByEmail(person.email);
    if (!user) {
      const password = config.demoPassword ?? crypto.randomBytes(9).toString('base64url');
      user = await services.users.add(SYSTEM, { email: person.email, password, role: person.role });
      logins.push({ email: person.email, password, role });
    }
    if (person.member) {
      for (const id of [project.id, poses.projectId]) await services.projects.setMember(SYSTEM, id, user.id, person.member);
    }
  }
  if (logins.length) {
    // The banner may scroll away; the data folder is private to the owner already (mode 600 like the auth secret).
    fs.writeFileSync(path.join(config.dataDir, 'demo-logins.txt'),
      logins.map((l) => `${l.role}\t${l.email}\t${l.password}`).join('\n') + '\n', { mode: 0o600 });
  }
  log.info({ items: report.added, ms: Date.now() - started }, 'demo project created');
  return { created: true, logins };
}

/**
 * Writes the first `limit` MNIST digits, taken round-robin over the classes
 * (so a small limit still has every digit), as `<digit>/<digit>-<n>.png`.
 * Files already there are kept: a second start writes nothing.
 */
export async function writeMnistPngs(folder: string, limit: number): Promise<string> {
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const perClass = DIGITS.map((d) => mnist[d].raw.length / 784);
  const picks: { d: number; n: number }[] = [];
  for (let n = 0; picks.length < limit && n < Math.max(...perClass); n++) {
    for (let d = 0; d < 10 && picks.length < limit; d++) if (n < perClass[d]) picks.push({ d, n });
  }
  for (const d of DIGITS) fs.mkdirSync(path.join(folder, d), { recursive: true });
  await mapLimit(picks, 16, async ({ d, n }) => {
    const file = path.join(folder, String(d), `${d}-${n}.png`);
    if (fs.existsSync(file)) return;
    const raw = mnist[String(d)].raw;
    const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    const pixels = Buffer.alloc(784);
    for (let i = 0; i < 784; i++) pixels[i] = Math.round(raw[n * 784 + i] * 255);
    png.data = pixels;
    // Write then rename: an interrupted first start never leaves a truncated digit under its final name
    // (and a left-over hidden temp file is skipped by the import).
    const tmp = path.join(folder, String(d), `.${d}-${n}.png.${process.pid}.tmp`);
    await fs.promises.writeFile(tmp, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    await fs.promises.rename(tmp, file);
  });
  return folder;
}
