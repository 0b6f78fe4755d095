/**
 * A tiny anti-aliased rasteriser for the rendered demo images (lib/sim/figures.ts): capsules,
 * discs and convex polygons drawn into an RGBA buffer, each pixel also remembering which part
 * covers it most (`owner`), so that what hides a joint is read off the picture actually drawn
 * instead of being guessed from geometry. Pure: a canvas is plain typed arrays.
 */

export type Rgb = readonly [number, number, number];

export interface Vec {
  x: number;
  y: number;
}

export interface Canvas {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel, opaque. */
  pixels: Uint8ClampedArray;
  /** Per pixel: the id of the part drawn last with at least half coverage there (0: background). */
  owner: Int32Array;
}

export function newCanvas(width: number, height: number): Canvas {
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < pixels.length; i += 4) pixels[i] = 255;
  return { width, height, pixels, owner: new Int32Array(width * height) };
}

/** The owner id under an image point (pixel (i, j) covers [i, i+1) × [j, j+1)); -1 outside. */
export function ownerAt(c: Canvas, p: Vec): number {
  const i = Math.floor(p.x);
  const j = Math.floor(p.y);
  if (i < 0 || j < 0 || i >= c.width || j >= c.height) return -1;
  return c.owner[j * c.width + i];
}

export function setPixel(c: Canvas, i: number, j: number, rgb: Rgb): void {
  const o = (j * c.width + i) * 4;
  c.pixels[o] = rgb[0];
  c.pixels[o + 1] = rgb[1];
  c.pixels[o + 2] = rgb[2];
}

function blend(c: Canvas, i: number, j: number, rgb: Rgb, cover: number, id: number, shade: number): void {
  const o = (j * c.width + i) * 4;
  const k = cover;
  c.pixels[o] = c.pixels[o] * (1 - k) + rgb[0] * shade * k;
  c.pixels[o + 1] = c.pixels[o + 1] * (1 - k) + rgb[1] * shade * k;
  c.pixels[o + 2] = c.pixels[o + 2] * (1 - k) + rgb[2] * shade * k;
  if (cover >= 0.5 && id >= 0) c.owner[j * c.width + i] = id;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * A thick line with round ends (a limb): coverage from the distance to the segment, and a
 * darker rim (`shade` at the edge) so it reads as a rounded body part rather than a flat band.
 * An `id` below 0 draws without claiming pixels (decoration that hides nothing).
 */
export function fillCapsule(c: Canvas, a: Vec, b: Vec, r: number, rgb: Rgb, id: number, shade = 0.3): void {
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - r - 1));
  const x1 = Math.min(c.width - 1, Math.ceil(Math.max(a.x, b.x) + r + 1));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r - 1));
  const y1 = Math.min(c.height - 1, Math.ceil(Math.max(a.y, b.y) + r + 1));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  for (let j = y0; j <= y1; j++) {
    for (let i = x0; i <= x1; i++) {
      const px = i + 0.5 - a.x;
      const py = j + 0.5 - a.y;
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      const d = Math.hypot(px - t * dx, py - t * dy);
      const cover = clamp01(r + 0.5 - d);
      if (cover <= 0) continue;
      const rim = r > 0 ? Math.min(d, r) / r : 0;
      blend(c, i, j, rgb, cover, id, 1 - shade * rim * rim);
    }
  }
}

export function fillDisc(c: Canvas, centre: Vec, r: number, rgb: Rgb, id: number, shade = 0.25): void {
  fillCapsule(c, centre, centre, r, rgb, id, shade);
}

/** A convex polygon (either winding), anti-aliased by the signed distance to its edges. */
export function fillConvex(c: Canvas, pts: readonly Vec[], rgb: Rgb, id: number): void {
  let signedArea = 0;
  for (let k = 0; k < pts.length; k++) {
    const p = pts[k];
    const q = pts[(k + 1) % pts.length];
    signedArea += p.x * q.y - q.x * p.y;
  }
  const dir = signedArea >= 0 ? 1 : -1;
  const edges = pts.map((p, k) => {
    const q = pts[(k + 1) % pts.length];
    const ex = q.x - p.x;
    const ey = q.y - p.y;
    const len = Math.hypot(ex, ey) || 1;
    // Outward normal for this winding (image y grows downward; the sign just has to be consistent).
    return { p, nx: (dir * ey) / len, ny: (-dir * ex) / len };
  });
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - 1));
  const x1 = Math.min(c.width - 1, Math.ceil(Math.max(...xs) + 1));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - 1));
  const y1 = Math.min(c.height - 1, Math.ceil(Math.max(...ys) + 1));
  for (let j = y0; j <= y1; j++) {
    for (let i = x0; i <= x1; i++) {
      let sd = -Infinity;
      for (const e of edges) sd = Math.max(sd, (i + 0.5 - e.p.x) * e.nx + (j + 0.5 - e.p.y) * e.ny);
      const cover = clamp01(0.5 - sd);
      if (cover > 0) blend(c, i, j, rgb, cover, id, 1);
    }
  }
}
