import fs from 'node:fs/promises';
import path from 'node:path';
import { TandemError } from '../../lib/errors';
import { IMAGE_NAME } from '../../lib/import/images';

/** Larger than any annotation file a team would hand-make; a cap so a wrong path cannot fill memory. */
export const MAX_ANNOTATION_FILE_BYTES = 512 * 1024 * 1024;
export const MAX_LABEL_FILE_BYTES = 1024 * 1024;

/** A text file read whole, refused with its name when missing or past `limit`. */
export async function readTextFile(file: string, limit: number): Promise<string> {
  const st = await fs.stat(file).catch(() => null);
  if (!st || !st.isFile()) throw new TandemError('not_found', `no file at ${file}`);
  if (st.size > limit) throw new TandemError('too_large', `${file} is ${Math.round(st.size / 1048576)} MiB; the most an import reads is ${Math.round(limit / 1048576)} MiB`);
  return fs.readFile(file, 'utf8');
}

/** Image files under a folder, relative paths with `/`, sorted; hidden files and folders skipped. */
export async function listImages(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    const list = (await fs.readdir(dir, { withFileTypes: true })).filter((d) => !d.name.startsWith('.'));
    for (const d of list) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) await walk(full);
      else if (d.isFile() && IMAGE_NAME.test(d.name)) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  await walk(root);
  return out.sort();
}

/** Where Ultralytics keeps an image's label file (one rule for the CLI import and the browser's upload). */
export { yoloLabelPath } from '../../lib/tasks/codecs/yolo';
