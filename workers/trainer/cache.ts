import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Features } from '../../lib/model';
import { TWO_VIEW_MODEL_NAME } from '../../lib/model/views';
import { SIDE } from './pixels';

/**
 * The trainer's disk cache, so a restarted trainer (after a crash, or every
 * `npm start`) does not fetch every image and rebuild the neighbour graph
 * again: per server and project, the thumbnails by item id and the features
 * of one exact item set. Versioned by the extractor; a file that does not
 * read back whole is ignored (and rebuilt), never trusted.
 */
const VERSION = `thumb${SIDE}-${TWO_VIEW_MODEL_NAME}-v2`;

export function defaultCacheDir(): string {
  return process.env.TANDEM_WORKER_CACHE || path.join(os.homedir(), '.cache', 'tandem-worker');
}

type Arrays = Record<string, Float32Array | Int32Array>;

function write(file: string, meta: Record<string, unknown>, arrays: Arrays): void {
  const names = Object.keys(arrays);
  const header = Buffer.from(JSON.stringify({ ...meta, version: VERSION, arrays: names.map((n) => [n, arrays[n] instanceof Float32Array ? 'f32' : 'i32', arrays[n].length]) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, header);
    for (const n of names) fs.writeSync(fd, new Uint8Array(arrays[n].buffer, arrays[n].byteOffset, arrays[n].byteLength));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function read(file: string): { meta: Record<string, unknown>; arrays: Arrays } | null {
  let buf: Buffer;
  try { buf = fs.readFileSync(file); } catch { return null; }
  try {
    const len = buf.readUInt32LE(0);
    const meta = JSON.parse(buf.subarray(4, 4 + len).toString()) as { version: string; arrays: [string, 'f32' | 'i32', number][] };
    if (meta.version !== VERSION) return null;
    let offset = 4 + len;
    const arrays: Arrays = {};
    for (const [name, type, length] of meta.arrays) {
      const bytes = length * 4;
      if (offset + bytes > buf.length) return null;
      const copy = new Uint8Array(bytes);
      copy.set(buf.subarray(offset, offset + bytes));
      arrays[name] = type === 'f32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
      offset += bytes;
    }
    return offset === buf.length ? { meta, arrays } : null;
  } catch {
    return null;
  }
}

/** Rows of the default extractor (28×28 thumbnails); any other names its own files, e.g. an ONNX model's `onnx-<sha256>-…`. */
const PIXELS = 'pixels';

export function createFeatureCache(dir: string, server: string) {
  const folder = (projectId: number) => path.join(dir, crypto.createHash('sha256').update(`${server}\n${projectId}`).digest('hex').slice(0, 16));
  // Features are of one item set and one extractor: an ONNX model's never pass for PCA's, nor one model's for another's.
  const idsKey = (ids: Int32Array, extractor: string) => {
    const h = crypto.createHash('sha256');
    if (extractor !== PIXELS) h.update(`${extractor}\n`);
    return h.update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength)).digest('hex').slice(0, 24);
  };
  const rowsFile = (extractor: string) => (extractor === PIXELS ? 'pixels.bin' : `rows-${extractor.replace(/[^a-z0-9-]/gi, '_')}.bin`);
  const safely = <T>(f: () => T, fallback: T): T => { try { return f(); } catch { return fallback; } };

  return {
    dir,
    loadPixels(projectId: number, extractor = PIXELS): { ids: Int32Array; pixels: Float32Array } | null {
      const got = read(path.join(folder(projectId), rowsFile(extractor)));
      return got ? { ids: got.arrays.ids as Int32Array, pixels: got.arrays.pixels as Float32Array } : null;
    },
    savePixels(projectId: number, ids: Int32Array, pixels: Float32Array, extractor = PIXELS): boolean {
      return safely(() => { write(path.join(folder(projectId), rowsFile(extractor)), {}, { ids, pixels }); return true; }, false);
    },
    loadFeatures(projectId: number, ids: Int32Array, extractor = PIXELS): Features | null {
      const got = read(path.join(folder(projectId), `features-${idsKey(ids, extractor)}.bin`));
      if (!got) return null;
      const { n, d } = got.meta as { n: number; d: number };
      const a = got.arrays;
      const graphOf = (p: string) => ({ n, rowStart: a[`${p}rowStart`] as Int32Array, cols: a[`${p}cols`] as Int32Array, weights: a[`${p}weights`] as Float32Array });
      const views = (got.meta as { views?: number }).views ?? 0;
      return {
        embeddings: { n, d, data: a.embeddings as Float32Array },
        graph: graphOf(''),
        ...(views > 0 ? { otherViews: Array.from({ length: views }, (_, v) => graphOf(`view${v + 1}.`)) } : {}),
      };
    },
    saveFeatures(projectId: number, ids: Int32Array, f: Features, extractor = PIXELS): boolean {
      return safely(() => {
        // One feature file per project: the previous item set's file is of no further use.
        for (const old of fs.readdirSync(folder(projectId)).filter((x) => x.startsWith('features-'))) fs.rmSync(path.join(folder(projectId), old), { force: true });
        const views = f.otherViews ?? [];
        const arrays: Arrays = { embeddings: f.embeddings.data, rowStart: f.graph.rowStart, cols: f.graph.cols, weights: f.graph.weights };
        views.forEach((g, v) => Object.assign(arrays, { [`view${v + 1}.rowStart`]: g.rowStart, [`view${v + 1}.cols`]: g.cols, [`view${v + 1}.weights`]: g.weights }));
        write(path.join(folder(projectId), `features-${idsKey(ids, extractor)}.bin`), { n: f.embeddings.n, d: f.embeddings.d, views: views.length }, arrays);
        return true;
      }, false);
    },
    /** The last ranking's item ids in rank order: the next version's churn compares with it, across restarts. */
    loadRanking(projectId: number): Int32Array | null {
      const got = read(path.join(folder(projectId), 'ranking.bin'));
      return got ? (got.arrays.order as Int32Array) : null;
    },
    saveRanking(projectId: number, order: Int32Array): boolean {
      return safely(() => { write(path.join(folder(projectId), 'ranking.bin'), {}, { order }); return true; }, false);
    },
  };
}

export type FeatureCache = ReturnType<typeof createFeatureCache>;
