import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { Db } from '../db/client';
import { hasAnyProject } from '../db/queries/items';
import type { Config } from './config';
import type { Logger } from './log';
import type { MediaStore } from './media';
import type { Services } from './services';
import { SYSTEM } from './services/access';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const PEOPLE = [
  { email: 'admin@tandem.local', role: 'admin', member: null },
  { email: 'lead@tandem.local', role: 'user', member: 'lead' },
  { email: 'ann1@tandem.local', role: 'user', member: 'annotator' },
  { email: 'ann2@tandem.local', role: 'user', member: 'annotator' },
] as const;

/**
 * On a database without projects: writes the real MNIST digits shipped in the
 * `mnist` package as PNG files (once), imports them like any user's folder
 * per class, with the digit kept as the hidden reference answer so the pool
 * still needs labeling, and creates the demo team.
 */
export async function ensureDemo(ctx: { services: Services; db: Db; media: MediaStore; config: Config; log: Logger }): Promise<{ created: boolean; logins: DemoLogin[] }> {
  const { services, config, log } = ctx;
  if (!config.demo || (await hasAnyProject(ctx.db))) return { created: false, logins: [] };
  const started = Date.now();
  const folder = writeMnistPngs(path.join(config.dataDir, 'demo', 'mnist'), config.demoLimit);
  const project = await services.projects.create(SYSTEM, { slug: 'mnist-demo', name: 'MNIST digits (demo)', classes: DIGITS });
  const report = await services.imports.run(SYSTEM, project.id, folder, { holdout: 0.1, seed: 1, labels: 'reference' });
  if (report.failed.length) log.warn({ failed: report.failed.slice(0, 5) }, 'some demo files failed to import');
  const logins: DemoLogin[] = [];
  for (const person of PEOPLE) {
    const password = config.demoPassword ?? crypto.randomBytes(9).toString('base64url');
    const user = await services.users.add(SYSTEM, { email: person.email, password, role: person.role });
    if (person.member) await services.projects.setMember(SYSTEM, project.id, user.id, person.member);
    logins.push({ email: person.email, password, role: person.member ?? person.role });
  }
  fs.writeFileSync(path.join(config.dataDir, 'demo-logins.txt'),
    logins.map((l) => `${l.role}\t${l.email}\t${l.password}`).join('\n') + '\n', { mode: 0o600 });
  log.info({ items: report.added, ms: Date.now() - started }, 'demo project created');
  return { created: true, logins };
}

/** Writes `limit` digits, round-robin over the classes, as <digit>/<digit>-<n>.png; files already there are kept. */
export function writeMnistPngs(folder: string, limit: number): string {
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const perClass = DIGITS.map((d) => mnist[d].raw.length / 784);
  for (const d of DIGITS) fs.mkdirSync(path.join(folder, d), { recursive: true });
  let written = 0;
  for (let n = 0; written < limit && n < Math.max(...perClass); n++) {
    for (let d = 0; d < 10 && written < limit; d++) {
      if (n >= perClass[d]) continue;
      written++;
      const file = path.join(folder, String(d), `${d}-${n}.png`);
      if (fs.existsSync(file)) continue;
      const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
      const raw = mnist[String(d)].raw;
      const pixels = Buffer.alloc(784);
      for (let i = 0; i < 784; i++) pixels[i] = Math.round(raw[n * 784 + i] * 255);
      png.data = pixels;
      const tmp = path.join(folder, String(d), `.${d}-${n}.png.tmp`);
      fs.writeFileSync(tmp, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
      fs.renameSync(tmp, file);
    }
  }
  return folder;
}
