/**
 * npm run bench:diversity — how well a diversity ranking (lib/al rankByDiversity, what Tandem's
 * trainer sends a keypoint or box project) covers the pool, against random order, on the poses
 * demo's rendered images embedded as the trainer embeds them with `builtin:pixels` (28×28 gray →
 * PCA-50, UMAP-10 where the trainer uses it). For the first N items of each order: the coverage
 * radius (the largest distance from any image to its nearest chosen one) and the mean distance
 * to the nearest chosen one. Random: the median over SEEDS seeded orders. Pure: no server.
 *
 *   npm run bench:diversity            N=600 SEEDS=9 npm run bench:diversity
 */
import { PNG } from 'pngjs';
import { rankByDiversity, randomPick, sqDist, type Embeddings } from '../lib/al';
import { renderFigures } from '../lib/sim/figures';
import { POSES_IMAGE_SIZE } from '../server/demo-poses';
import { PIXEL_EXTRACTOR } from '../workers/trainer/extractor';
import { machine, percentile } from './stats';

const N = Number(process.env.N ?? 300);
const SEEDS = Number(process.env.SEEDS ?? 5);
const HEADS = [10, 25, 50, 100].filter((h) => h < N);

/** Distance from every item to its nearest item among `chosen`: the largest and the mean. */
function coverage(emb: Embeddings, chosen: ArrayLike<number>): { radius: number; mean: number } {
  let radius = 0;
  let sum = 0;
  for (let i = 0; i < emb.n; i++) {
    let best = Infinity;
    for (let j = 0; j < chosen.length; j++) best = Math.min(best, sqDist(emb.data, i, chosen[j], emb.d));
    const d = Math.sqrt(best);
    radius = Math.max(radius, d);
    sum += d;
  }
  return { radius, mean: sum / emb.n };
}

async function main() {
  const t0 = performance.now();
  const rows = new Float32Array(N * PIXEL_EXTRACTOR.dim);
  const images: Buffer[] = [];
  for (let seed = 1; seed <= N; seed++) {
    const scene = renderFigures(seed, { width: POSES_IMAGE_SIZE, height: POSES_IMAGE_SIZE });
    const png = new PNG({ width: scene.width, height: scene.height });
    png.data = Buffer.from(scene.pixels.buffer, scene.pixels.byteOffset, scene.pixels.byteLength);
    images.push(PNG.sync.write(png));
  }
  await PIXEL_EXTRACTOR.encode(images, rows, images.map((_, i) => i));
  const emb = PIXEL_EXTRACTOR.features({ n: N, d: PIXEL_EXTRACTOR.dim, data: rows }).embeddings;
  const embedMs = performance.now() - t0;
  const all = Int32Array.from({ length: N }, (_, i) => i);
  const t1 = performance.now();
  const ranked = rankByDiversity(emb, { candidates: all, covered: new Int32Array(0), seed: 1 });
  const rankMs = performance.now() - t1;
  const heads = HEADS.map((h) => {
    const div = coverage(emb, ranked.order.subarray(0, h));
    const rnd = Array.from({ length: SEEDS }, (_, s) => coverage(emb, randomPick(all, h, s + 1).indices));
    const random = { radius: percentile(rnd.map((r) => r.radius), 50), mean: percentile(rnd.map((r) => r.mean), 50) };
    return { first: h, diversity: div, random, radiusRatio: div.radius / random.radius, meanRatio: div.mean / random.mean };
  });
  const row = { items: N, space: PIXEL_EXTRACTOR.space(emb.d), seeds: SEEDS, embedMs: Math.round(embedMs), rankMs: Math.round(rankMs), heads, date: new Date().toISOString(), machine: machine() };
  console.log(JSON.stringify(row, null, 2));
  const f = (x: number) => x.toFixed(2);
  for (const h of heads) {
    console.log(`| ${row.date.slice(0, 10)} | ${N} | ${row.space} | ${h.first} | ${f(h.diversity.radius)} / ${f(h.random.radius)} | ${f(h.diversity.mean)} / ${f(h.random.mean)} | ${row.rankMs} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
