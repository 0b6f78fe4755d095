import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';

/**
 * Content-addressed media: a file is stored once under its SHA-256, so an
 * import that runs twice (or resumes) never copies anything twice.
 */
export interface MediaStore {
  root: string;
  put(bytes: Uint8Array, ext: string): Promise<{ key: string; hash: string }>;
  read(key: string): Promise<Buffer>;
  /** Deletes a stored file (a removed model's); a missing one is no error. Only for files no row names any more. */
  remove(key: string): Promise<void>;
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export function createMediaStore(root: string): MediaStore {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`media key escapes the store: ${key}`);
    return full;
  };
  return {
    root,
    async put(bytes, ext) {
      const hash = sha256(bytes);
      const key = `${hash.slice(0, 2)}/${hash}.${ext}`;
      const full = resolve(key);
      try {
        await fs.access(full);
      } catch {
        await fs.mkdir(path.dirname(full), { recursive: true });
        // Write then rename: a crash mid-write never leaves a truncated file under the final name.
        const tmp = `${full}.${process.pid}.tmp`;
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, full);
      }
      return { key, hash };
    },
    read: (key) => fs.readFile(resolve(key)),
    remove: (key) => fs.rm(resolve(key), { force: true }),
  };
}
