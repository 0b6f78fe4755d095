import { zipSync, type Zippable } from 'fflate';
import { TandemError } from '../../lib/errors';

/** A folder export past this is the CLI's job: the zip is built in memory. */
export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

/**
 * A folder export (YOLO: images, label files, data.yaml) as one zip to download, every file
 * under `name/`. Images are compressed already and go in stored; text is deflated.
 */
export function zipFolder(name: string, files: readonly { path: string; bytes: Uint8Array | string }[], tooLarge: string): Uint8Array {
  const bytes = files.reduce((n, f) => n + (typeof f.bytes === 'string' ? Buffer.byteLength(f.bytes) : f.bytes.byteLength), 0);
  if (bytes > MAX_ZIP_BYTES) throw new TandemError('too_large', `this export is ${Math.round(bytes / 2 ** 20)} MiB, more than a download takes (1 GiB): ${tooLarge}`);
  const tree: Zippable = {};
  for (const f of files) tree[`${name}/${f.path}`] = typeof f.bytes === 'string' ? [new TextEncoder().encode(f.bytes), { level: 6 }] : [f.bytes, { level: 0 }];
  return zipSync(tree);
}
