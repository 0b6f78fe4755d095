// TEMPORARY minimal demo (the import helper replaces it with one that goes through the importer).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { Db } from '../db/client';
import { items, projects } from '../db/schema';
import { splitForGroup } from '../lib/holdout';
import { hashUnit } from '../lib/random';
import type { Config } from './config';
import type { Logger } from './log';
import type { MediaStore } from './media';
import type { Services } from './services';
import { SYSTEM } from './services/access';

export async function ensureDemo(ctx: { services: Services; db: Db; media: MediaStore; config: Config; log: Logger }) {
  const { db, config, services, media } = ctx;
  if (!config.demo || (await db.select({ id: projects.id }).from(projects).limit(1)).length > 0) return { created: false, logins: [] };
  const mnist = createRequire(import.meta.url)('mnist') as { raw: number[] }[][] & Record<number, { raw: number[] }[]>;
  const project = await services.projects.create(SYSTEM, { slug: 'mnist-demo', name: 'MNIST digits (demo)', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  const rows = [];
  for (let n = 0, k = 0; k < config.demoLimit; n++) {
    for (let d = 0; d < 10 && k < config.demoLimit; d++) {
      const sample = (mnist[d] as unknown as { raw: number[] }[])[n] ?? (mnist as any)[d].raw?.[n];
      const raw: number[] | undefined = (mnist as any)[d].raw ? (mnist as any)[d].raw.slice(n * 784, n * 784 + 784) : (sample as any)?.raw;
      if (!raw || raw.length < 784) continue;
      const png = new PNG({ width: 28, height: 28 });
      for (let i = 0; i < 784; i++) {
        const v = Math.round(raw[i] * 255);
        png.data[i * 4] = v; png.data[i * 4 + 1] = v; png.data[i * 4 + 2] = v; png.data[i * 4 + 3] = 255;
      }
      const bytes = PNG.sync.write(png);
      const { key, hash } = await media.put(bytes, 'png');
      const name = `${d}/${d}-${n}.png`;
      rows.push({ projectId: project.id, media: key, mediaType: 'image/png', contentHash: hash, sourceName: name, groupKey: name,
        split: splitForGroup(name, 0.1, 1), dealKey: hashUnit(hash, 1), referenceLabel: String(d), width: 28, height: 28 });
      k++;
    }
    if (n > 2000) break;
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(items).values(rows.slice(i, i + 500)).onConflictDoNothing();
  const logins = [];
  for (const [email, role, prole] of [['admin@tandem.local', 'admin', null], ['lead@tandem.local', 'user', 'lead'], ['ann1@tandem.local', 'user', 'annotator'], ['ann2@tandem.local', 'user', 'annotator']] as const) {
    const password = config.demoPassword ?? crypto.randomBytes(9).toString('base64url');
    const u = await services.users.add(SYSTEM, { email, password, role });
    if (prole) await services.projects.setMember(SYSTEM, project.id, u.id, prole);
    logins.push({ email, password, role: prole ?? role });
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  void path;
  return { created: true, logins };
}
