import fs from 'node:fs';
import path from 'node:path';
import { neighbourGraph, type Features } from '../lib/model';
import { ROOT } from '../tests/fixtures/paths';

/** Where bench:al keeps a data set's UMAP rows (MNIST's file keeps its old name). */
export function umapCacheFile(data: string): string {
  return path.join(ROOT, `bench/.tmp/al-umap-features${data === 'mnist' ? '' : `-${data}`}.bin`);
}

/** The trainer's features (PCA-50 → UMAP-10 → 7-NN graph), the UMAP rows read from `file` when an earlier run left them (same data, same seed, same code). */
export function umapFeatures(build: () => Features, file: string): Features {
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const d = buf.readInt32LE(0);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 4, buf.byteOffset + buf.length));
    const embeddings = { n: data.length / d, d, data };
    process.stderr.write(`bench:al: UMAP rows from ${path.relative(ROOT, file)}\n`);
    return { embeddings, graph: neighbourGraph(embeddings) };
  }
  const f = build();
  const head = Buffer.alloc(4);
  head.writeInt32LE(f.embeddings.d, 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(f.embeddings.data.buffer, f.embeddings.data.byteOffset, f.embeddings.data.byteLength)]));
  return f;
}
