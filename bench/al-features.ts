import fs from 'node:fs';
import path from 'node:path';
import { type Features } from '../lib/model';
import { featuresOfViews } from '../lib/model/views';
import { ROOT } from '../tests/fixtures/paths';

/** Where bench:al keeps a data set's UMAP rows (MNIST's file keeps its old name). */
export function umapCacheFile(data: string): string {
  return path.join(ROOT, `bench/.tmp/al-umap-views-features-${data}.bin`);
}

/**
 * The trainer's features (PCA-50 → UMAP-10 → 7-NN graph, and the HOG view beside it where the rows
 * are images), the joined UMAP rows read from `file` when an earlier run left them (same data,
 * same seed, same code), each view's graph rebuilt from its columns as buildPixelFeatures builds it.
 */
export function umapFeatures(build: () => Features, file: string): Features {
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const views = buf.readInt32LE(0);
    const widths = Array.from({ length: views }, (_, v) => buf.readInt32LE(4 + 4 * v));
    const d = widths.reduce((a, b) => a + b, 0);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 4 + 4 * views, buf.byteOffset + buf.length));
    process.stderr.write(`bench:al: UMAP rows from ${path.relative(ROOT, file)}\n`);
    return featuresOfViews({ n: data.length / d, d, data }, widths);
  }
  const f = build();
  const views = 1 + (f.otherViews?.length ?? 0);
  const width = f.embeddings.d / views;
  const head = Buffer.alloc(4 + 4 * views);
  head.writeInt32LE(views, 0);
  for (let v = 0; v < views; v++) head.writeInt32LE(width, 4 + 4 * v);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(f.embeddings.data.buffer, f.embeddings.data.byteOffset, f.embeddings.data.byteLength)]));
  return f;
}
