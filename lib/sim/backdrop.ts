import { mulberry32 } from '../random';
import { fillCapsule, fillConvex, fillDisc, setPixel, type Canvas, type Rgb, type Vec } from './raster';

/**
 * Backgrounds for the rendered pose images: a room (wall above a floor line) or a plain
 * gradient, a grain of smooth value noise, and clutter (frames, discs, poles) that claims no
 * pixels, so it never counts as hiding anyone. Pure; `noiseSeed` makes the grain reproducible.
 */

export type Clutter =
  | { kind: 'rect'; corners: Vec[]; colour: Rgb }
  | { kind: 'disc'; centre: Vec; radius: number; colour: Rgb }
  | { kind: 'bar'; from: Vec; to: Vec; radius: number; colour: Rgb };

export interface Background {
  kind: 'room' | 'gradient';
  /** Room: wall at the top, floor at the bottom; gradient: the two ends. */
  top: Rgb;
  bottom: Rgb;
  /** Room: the floor line's height (0..1 of the image); gradient: the direction, radians. */
  split: number;
  /** Grain amplitude in colour levels and its cell size in pixels. */
  noise: number;
  noiseCell: number;
  noiseSeed: number;
  clutter: Clutter[];
  /** The colours a person should stand out from. */
  palette: Rgb[];
}

const between = (rng: () => number, lo: number, hi: number) => lo + (hi - lo) * rng();

function muted(rng: () => number): Rgb {
  const base = between(rng, 60, 220);
  return [0, 1, 2].map(() => Math.round(Math.max(0, Math.min(255, base + between(rng, -45, 45))))) as unknown as Rgb;
}

export function sampleBackground(rng: () => number, width: number, height: number): Background {
  const kind = rng() < 0.6 ? 'room' : 'gradient';
  const top = muted(rng);
  const bottom = muted(rng);
  const clutter: Clutter[] = [];
  const n = Math.floor(between(rng, 1, 7));
  for (let i = 0; i < n; i++) {
    const colour = muted(rng);
    const at = { x: between(rng, 0, width), y: between(rng, 0, height) };
    const size = between(rng, 0.05, 0.25) * Math.min(width, height);
    const u = rng();
    if (u < 0.45) {
      const w = size * between(rng, 0.6, 1.6);
      const h = size * between(rng, 0.6, 1.6);
      clutter.push({ kind: 'rect', corners: [at, { x: at.x + w, y: at.y }, { x: at.x + w, y: at.y + h }, { x: at.x, y: at.y + h }], colour });
    } else if (u < 0.8) {
      clutter.push({ kind: 'disc', centre: at, radius: size / 2, colour });
    } else {
      // Upright, like a door frame or a lamp post: never limb-like diagonals that a labeler might take for an arm.
      clutter.push({ kind: 'bar', from: { x: at.x, y: 0 }, to: { x: at.x, y: height }, radius: between(rng, 1, 3), colour });
    }
  }
  return {
    kind, top, bottom,
    split: kind === 'room' ? between(rng, 0.45, 0.8) : between(rng, 0, Math.PI * 2),
    noise: between(rng, 4, 22),
    noiseCell: between(rng, 6, 24),
    noiseSeed: Math.floor(rng() * 2 ** 31),
    clutter,
    palette: [top, bottom, ...clutter.map((c) => c.colour)],
  };
}

/** Smooth value noise in [-1, 1]: random values on a grid, blended with a smoothstep. */
function valueNoise(width: number, height: number, cell: number, seed: number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const rng = mulberry32(seed);
  const grid = Float32Array.from({ length: gw * gh }, () => rng() * 2 - 1);
  const out = new Float32Array(width * height);
  const smooth = (t: number) => t * t * (3 - 2 * t);
  for (let j = 0; j < height; j++) {
    const gy = j / cell;
    const y0 = Math.floor(gy);
    const ty = smooth(gy - y0);
    for (let i = 0; i < width; i++) {
      const gx = i / cell;
      const x0 = Math.floor(gx);
      const tx = smooth(gx - x0);
      const a = grid[y0 * gw + x0] * (1 - tx) + grid[y0 * gw + x0 + 1] * tx;
      const b = grid[(y0 + 1) * gw + x0] * (1 - tx) + grid[(y0 + 1) * gw + x0 + 1] * tx;
      out[j * width + i] = a * (1 - ty) + b * ty;
    }
  }
  return out;
}

export function drawBackground(c: Canvas, bg: Background): void {
  const { width, height } = c;
  const grain = valueNoise(width, height, bg.noiseCell, bg.noiseSeed);
  const fine = valueNoise(width, height, 2, bg.noiseSeed ^ 0x9e3779b9);
  const dx = Math.cos(bg.split);
  const dy = Math.sin(bg.split);
  const span = Math.abs(dx) * width + Math.abs(dy) * height || 1;
  const floorY = bg.split * height;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      let base: Rgb;
      let shade = 1;
      if (bg.kind === 'room') {
        base = j < floorY ? bg.top : bg.bottom;
        // The wall darkens toward the floor, the floor lightens toward us.
        shade = j < floorY ? 1 - 0.15 * (j / floorY) : 0.85 + 0.15 * ((j - floorY) / Math.max(1, height - floorY));
      } else {
        const t = ((i - (dx < 0 ? width : 0)) * dx + (j - (dy < 0 ? height : 0)) * dy) / span;
        base = [0, 1, 2].map((k) => bg.top[k] * (1 - t) + bg.bottom[k] * t) as unknown as Rgb;
      }
      const n = bg.noise * grain[j * width + i] + 0.3 * bg.noise * fine[j * width + i];
      setPixel(c, i, j, [base[0] * shade + n, base[1] * shade + n, base[2] * shade + n]);
    }
  }
  if (bg.kind === 'room') fillCapsule(c, { x: 0, y: floorY }, { x: width, y: floorY }, 1, [base0(bg.bottom) * 0.6, base0(bg.bottom) * 0.6, base0(bg.bottom) * 0.6], -1, 0);
  for (const k of bg.clutter) {
    switch (k.kind) {
      case 'rect': fillConvex(c, k.corners, k.colour, -1); break;
      case 'disc': fillDisc(c, k.centre, k.radius, k.colour, -1, 0.15); break;
      case 'bar': fillCapsule(c, k.from, k.to, k.radius, k.colour, -1, 0.2); break;
      default: {
        const never: never = k;
        throw new Error(`unknown clutter ${JSON.stringify(never)}`);
      }
    }
  }
}

const base0 = (c: Rgb) => (c[0] + c[1] + c[2]) / 3;
