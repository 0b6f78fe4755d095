import type { Embeddings } from '../al';

/**
 * Histograms of oriented gradients (Dalal & Triggs 2005) of square grayscale thumbnails: per
 * cell of `cell`×`cell` pixels, a histogram of the gradient's unsigned orientation in `bins`
 * bins weighted by its magnitude (each vote shared linearly between the two nearest bins), then
 * each block of 2×2 cells (stride one cell) normalised with L2-Hys (L2, values clipped at 0.2,
 * L2 again). A shape descriptor that ignores absolute brightness and small shifts, where raw
 * pixels do not.
 *
 * Written by hand: the npm packages for it take a canvas (`hog-descriptor`, marked unmaintained)
 * or an image-js `Image` (`hog-features`, 0.0.x), not rows of numbers, and the whole method is
 * these few loops.
 */
export interface HogOptions {
  /** Side of the square image each row holds (row length side²). */
  side: number;
  /** Pixels per cell side (default 4). */
  cell?: number;
  /** Orientation bins over 0–180° (default 9). */
  bins?: number;
}

/** Length of one row's descriptor. */
export function hogLength(o: HogOptions): number {
  const cells = Math.floor(o.side / (o.cell ?? 4));
  return Math.max(0, cells - 1) ** 2 * 4 * (o.bins ?? 9);
}

/** The descriptor of every row of `x` (each a side×side image, row-major, any scale). */
export function hogRows(x: Embeddings, o: HogOptions): Embeddings {
  const { side } = o;
  if (x.d !== side * side) throw new RangeError(`hog: rows of ${x.d} values are not ${side}×${side} images`);
  const cell = o.cell ?? 4;
  const bins = o.bins ?? 9;
  const cells = Math.floor(side / cell);
  if (cells < 2) throw new RangeError(`hog: a ${side}-pixel image has fewer than 2 cells of ${cell}`);
  const d = hogLength(o);
  const out = new Float32Array(x.n * d);
  const hist = new Float32Array(cells * cells * bins);
  const block = new Float32Array(4 * bins);
  for (let r = 0; r < x.n; r++) {
    const img = x.data.subarray(r * x.d, (r + 1) * x.d);
    hist.fill(0);
    for (let y = 0; y < cells * cell; y++) {
      for (let xx = 0; xx < cells * cell; xx++) {
        // Central differences; the border pixel stands in for its missing neighbour.
        const gx = img[y * side + Math.min(side - 1, xx + 1)] - img[y * side + Math.max(0, xx - 1)];
        const gy = img[Math.min(side - 1, y + 1) * side + xx] - img[Math.max(0, y - 1) * side + xx];
        const mag = Math.hypot(gx, gy);
        if (mag === 0) continue;
        let angle = Math.atan2(gy, gx);
        if (angle < 0) angle += Math.PI;
        const pos = (angle / Math.PI) * bins - 0.5;
        const lo = Math.floor(pos);
        const frac = pos - lo;
        const at = (Math.floor(y / cell) * cells + Math.floor(xx / cell)) * bins;
        hist[at + ((lo + bins) % bins)] += mag * (1 - frac);
        hist[at + ((lo + 1) % bins)] += mag * frac;
      }
    }
    let o2 = r * d;
    for (let by = 0; by < cells - 1; by++) {
      for (let bx = 0; bx < cells - 1; bx++) {
        for (let j = 0; j < 4; j++) {
          const at = ((by + (j >> 1)) * cells + bx + (j & 1)) * bins;
          block.set(hist.subarray(at, at + bins), j * bins);
        }
        normaliseL2Hys(block);
        out.set(block, o2);
        o2 += block.length;
      }
    }
  }
  return { n: x.n, d, data: out };
}

function normaliseL2Hys(v: Float32Array): void {
  const scale = (clip: number) => {
    let s = 1e-6;
    for (const a of v) s += a * a;
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = Math.min(clip, v[i] * f);
  };
  scale(0.2);
  scale(Infinity);
}
