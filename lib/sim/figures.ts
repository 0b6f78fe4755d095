import { z } from 'zod';
import { mulberry32 } from '../random';
import type { Keypoint } from '../tasks/keypoints';
import type { Rect } from '../tasks/geometry';
import { drawBackground, sampleBackground, type Background } from './backdrop';
import { bodyOf, FACE_SEEN_DEPTH, JOINT, sampleBuild, samplePose, SIDES, sideSign, type Body, type Build, type Pose, type Side } from './poses';
import { fillCapsule, fillConvex, fillDisc, newCanvas, ownerAt, type Canvas, type Rgb, type Vec } from './raster';

/**
 * Rendered people with known COCO keypoints: the demo's pose images and the ground truth that
 * tests and simulations score against. Pure and deterministic for a seed.
 *
 * Order of work: `sampleScene` draws everything random (background, one or two figures with a
 * pose, build, outfit, size, place and turn, maybe an occluder) into a plain `SceneSpec`;
 * `renderScene` paints it back to front while every pixel remembers which body part covers it,
 * then reads each keypoint's visibility off that picture:
 * - 0 (absent) when the point falls outside the image (the figure is cut by the frame), stored at (0, 0) as COCO does;
 * - 1 (occluded) when something other than the joint's own parts covers it (the other arm, the
 *   torso in front of an arm behind it, another person, an occluder), or for a face point the
 *   head turned away from it;
 * - 2 (visible) otherwise.
 * The instance box is the figure's drawn extent, clipped to the image.
 */

export const SceneOptions = z.object({
  width: z.number().int().min(64).max(4096).default(256),
  height: z.number().int().min(64).max(4096).default(256),
  /** Share of images with two people. */
  twoFigures: z.number().min(0).max(1).default(0.3),
  /** Share of images with an object in front of someone. */
  occluder: z.number().min(0).max(1).default(0.3),
  /** Share of people placed partly outside the frame. */
  cut: z.number().min(0).max(1).default(0.15),
}).strict();
export type SceneOptions = z.input<typeof SceneOptions>;

export interface Outfit {
  skin: Rgb;
  hair: Rgb;
  shirt: Rgb;
  trousers: Rgb;
  shoes: Rgb;
  longSleeves: boolean;
  longTrousers: boolean;
}

export interface FigureSpec {
  pose: Pose;
  build: Build;
  outfit: Outfit;
  /** Pixels per figure unit (about the standing height in pixels). */
  scale: number;
  /** Image position of the pelvis. */
  x: number;
  y: number;
  /** Turn of the whole figure in the image, radians, counter-clockwise. */
  rotation: number;
  /** Per arm: drawn in front of the body (else behind the torso). */
  armInFront: Record<Side, boolean>;
  /** Which leg is drawn over the other. */
  frontLeg: Side;
}

export type Occluder =
  | { kind: 'crate'; corners: Vec[]; colour: Rgb }
  | { kind: 'ball'; centre: Vec; radius: number; colour: Rgb };

export interface SceneSpec {
  width: number;
  height: number;
  background: Background;
  /** Back to front. */
  figures: FigureSpec[];
  occluders: Occluder[];
}

export interface FigureTruth {
  /** The 17 COCO person keypoints in image pixels, in lib/tasks/skeletons.ts COCO17 order. */
  points: Keypoint[];
  box: Rect;
}

export interface RenderedScene {
  width: number;
  height: number;
  /** RGBA, row-major, opaque. */
  pixels: Uint8ClampedArray;
  /** One per figure, in the spec's order. */
  figures: FigureTruth[];
}

/** Draws and renders the scene of a seed. */
export function renderFigures(seed: number, options: SceneOptions = {}): RenderedScene {
  return renderScene(sampleScene(seed, options));
}

const between = (rng: () => number, lo: number, hi: number) => lo + (hi - lo) * rng();

export function sampleScene(seed: number, options: SceneOptions = {}): SceneSpec {
  const o = SceneOptions.parse(options);
  const rng = mulberry32(seed ^ 0x5eed);
  const background = sampleBackground(rng, o.width, o.height);
  const count = rng() < o.twoFigures ? 2 : 1;
  const figures: FigureSpec[] = [];
  for (let i = 0; i < count; i++) figures.push(sampleFigure(rng, i, count, o.width, o.height, rng() < o.cut, background.palette));
  const occluders = rng() < o.occluder ? [sampleOccluder(rng, figures[Math.floor(rng() * count)], background.palette)] : [];
  return { width: o.width, height: o.height, background, figures, occluders };
}

// ---------------------------------------------------------------------------------------------
// Sampling

const SKINS: Rgb[] = [[255, 219, 177], [238, 193, 150], [224, 172, 120], [198, 134, 90], [141, 92, 58], [98, 62, 40]];
const HAIRS: Rgb[] = [[30, 24, 20], [70, 45, 25], [120, 80, 40], [200, 165, 100], [150, 150, 150], [110, 35, 20]];

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** A colour at least `min` away from every background colour (so a person stands out), best of a few tries. */
function contrasting(rng: () => number, palette: readonly Rgb[], make: () => Rgb, min = 90): Rgb {
  let best = make();
  let bestGap = Math.min(...palette.map((p) => distance(p, best)));
  for (let t = 0; t < 12 && bestGap < min; t++) {
    const c = make();
    const gap = Math.min(...palette.map((p) => distance(p, c)));
    if (gap > bestGap) { best = c; bestGap = gap; }
  }
  return best;
}

function sampleOutfit(rng: () => number, palette: readonly Rgb[]): Outfit {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const jitter = (c: Rgb): Rgb => [c[0] + between(rng, -12, 12), c[1] + between(rng, -12, 12), c[2] + between(rng, -12, 12)].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as unknown as Rgb;
  const skin = contrasting(rng, palette, () => jitter(pick(SKINS)), 60);
  return {
    skin,
    hair: pick(HAIRS),
    shirt: contrasting(rng, [...palette, skin], () => hsv(between(rng, 0, 360), between(rng, 0.45, 0.9), between(rng, 0.45, 0.95))),
    trousers: contrasting(rng, palette, () => hsv(between(rng, 180, 260), between(rng, 0.2, 0.7), between(rng, 0.2, 0.6)), 70),
    shoes: hsv(between(rng, 0, 40), between(rng, 0, 0.5), between(rng, 0.08, 0.3)),
    longSleeves: rng() < 0.5,
    longTrousers: rng() < 0.7,
  };
}

/** Unit-scale image offset of a figure point: turned by `rotation`, y flipped to point down. */
function toImageUnit(p: Vec, rotation: number): Vec {
  const c = Math.cos(rotation);
  const s = Math.sin(rotation);
  return { x: p.x * c - p.y * s, y: -(p.x * s + p.y * c) };
}

function sampleFigure(rng: () => number, index: number, count: number, width: number, height: number, cut: boolean, palette: readonly Rgb[]): FigureSpec {
  const pose = samplePose(rng);
  const build = sampleBuild(rng);
  const rotation = (rng() < 0.85 ? between(rng, -10, 10) : between(rng, -55, 55)) * (Math.PI / 180);
  const body = bodyOf(pose, build);
  const around = [...body.joints, ...[-1, 1].flatMap((k) => [
    { x: body.headCentre.x + k * build.headRadius * 1.2, y: body.headCentre.y + build.headRadius * 1.2 },
    { x: body.headCentre.x + k * build.headRadius * 1.2, y: body.headCentre.y - build.headRadius * 1.2 },
  ])].map((p) => toImageUnit(p, rotation));
  const margin = 0.06;
  const x0 = Math.min(...around.map((p) => p.x)) - margin;
  const x1 = Math.max(...around.map((p) => p.x)) + margin;
  const y0 = Math.min(...around.map((p) => p.y)) - margin;
  const y1 = Math.max(...around.map((p) => p.y)) + margin;
  const tall = count === 1 ? between(rng, 0.5, 0.92) : between(rng, 0.4, 0.72);
  const scale = Math.min((tall * height) / (y1 - y0), ((count === 1 ? 0.95 : 0.58) * width) / (x1 - x0));
  // Where the pelvis may go with the whole figure inside, within this figure's share of the width.
  const slot = { lo: (index * width) / count, hi: ((index + 1) * width) / count };
  const xs = { lo: Math.max(-scale * x0, slot.lo - scale * (x0 + x1) / 2 - 0.15 * width / count), hi: Math.min(width - scale * x1, slot.hi - scale * (x0 + x1) / 2 + 0.15 * width / count) };
  const ys = { lo: -scale * y0, hi: height - scale * y1 };
  let x = xs.lo <= xs.hi ? between(rng, xs.lo, xs.hi) : (xs.lo + xs.hi) / 2;
  let y = ys.lo <= ys.hi ? between(rng, ys.lo, ys.hi) : (ys.lo + ys.hi) / 2;
  if (cut) {
    // Push the figure past one edge by 15–45 % of its size: the frame cuts those points off.
    const by = between(rng, 0.15, 0.45);
    switch (Math.floor(rng() * 4)) {
      case 0: x = -scale * x0 - by * scale * (x1 - x0); break;
      case 1: x = width - scale * x1 + by * scale * (x1 - x0); break;
      case 2: y = -scale * y0 - by * scale * (y1 - y0); break;
      default: y = height - scale * y1 + by * scale * (y1 - y0); break;
    }
  }
  return {
    pose, build, outfit: sampleOutfit(rng, palette), scale, x, y, rotation,
    armInFront: { left: rng() < 0.7, right: rng() < 0.7 },
    frontLeg: rng() < 0.5 ? 'left' : 'right',
  };
}

function sampleOccluder(rng: () => number, figure: FigureSpec, palette: readonly Rgb[]): Occluder {
  // Over a limb joint of one person: an object in front of a knee, a hip, a wrist.
  const targets = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const at = placed(figure).joints[targets[Math.floor(rng() * targets.length)]];
  const size = figure.scale * between(rng, 0.1, 0.22);
  const colour = contrasting(rng, [...palette, figure.outfit.shirt, figure.outfit.trousers], () => hsv(between(rng, 15, 45), between(rng, 0.4, 0.8), between(rng, 0.35, 0.75)), 60);
  const centre = { x: at.x + between(rng, -0.3, 0.3) * size, y: at.y + between(rng, -0.3, 0.3) * size };
  if (rng() < 0.4) return { kind: 'ball', centre, radius: size * 0.8, colour };
  const turn = between(rng, -0.3, 0.3);
  const w = size * between(rng, 1, 1.8);
  const h = size * between(rng, 0.8, 1.4);
  const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([a, b]) => ({
    x: centre.x + (a * w * Math.cos(turn) - b * h * Math.sin(turn)),
    y: centre.y + (a * w * Math.sin(turn) + b * h * Math.cos(turn)),
  }));
  return { kind: 'crate', corners, colour };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** The body's parts, each its own owner id so a joint knows which pixels are its own. */
const PARTS = ['torso', 'pelvis', 'neck', 'head', 'leftUpperArm', 'leftForearm', 'leftHand', 'rightUpperArm', 'rightForearm', 'rightHand',
  'leftThigh', 'leftShin', 'leftFoot', 'rightThigh', 'rightShin', 'rightFoot'] as const;
type Part = (typeof PARTS)[number];
const partId = (figure: number, part: Part) => 1 + figure * PARTS.length + PARTS.indexOf(part);
const OCCLUDER_ID = 100_000;

/** The parts whose pixels may cover each COCO keypoint without hiding it. */
const OWN_PARTS: readonly (readonly Part[])[] = [
  ['head'], ['head'], ['head'], ['head'], ['head'],
  ['torso', 'neck', 'leftUpperArm'], ['torso', 'neck', 'rightUpperArm'],
  ['leftUpperArm', 'leftForearm'], ['rightUpperArm', 'rightForearm'],
  ['leftForearm', 'leftHand'], ['rightForearm', 'rightHand'],
  ['pelvis', 'torso', 'leftThigh'], ['pelvis', 'torso', 'rightThigh'],
  ['leftThigh', 'leftShin'], ['rightThigh', 'rightShin'],
  ['leftShin', 'leftFoot'], ['rightShin', 'rightFoot'],
];

/** A figure's body in image pixels. */
function placed(f: FigureSpec): Body & { px: (p: Vec) => Vec; len: (l: number) => number } {
  const px = (p: Vec): Vec => {
    const u = toImageUnit(p, f.rotation);
    return { x: f.x + f.scale * u.x, y: f.y + f.scale * u.y };
  };
  const dir = (v: Vec): Vec => toImageUnit(v, f.rotation);
  const body = bodyOf(f.pose, f.build);
  return {
    ...body,
    joints: body.joints.map(px),
    neck: px(body.neck),
    headCentre: px(body.headCentre),
    headUp: dir(body.headUp),
    headRight: dir(body.headRight),
    up: dir(body.up),
    right: dir(body.right),
    px,
    len: (l) => l * f.scale,
  };
}

export function renderScene(spec: SceneSpec): RenderedScene {
  const canvas = newCanvas(spec.width, spec.height);
  drawBackground(canvas, spec.background);
  const bounds = spec.figures.map((f, i) => drawFigure(canvas, f, i));
  for (const [k, o] of spec.occluders.entries()) drawOccluder(canvas, o, OCCLUDER_ID + k);
  const figures = spec.figures.map((f, i): FigureTruth => {
    const body = placed(f);
    const points = body.joints.map((p, k): Keypoint => {
      if (!(p.x >= 0 && p.y >= 0 && p.x < spec.width && p.y < spec.height)) return { x: 0, y: 0, v: 0 };
      const owner = ownerAt(canvas, p);
      const own = OWN_PARTS[k].some((part) => partId(i, part) === owner);
      const faceHidden = k < 5 && body.faceDepth[k] < FACE_SEEN_DEPTH[k];
      return { x: round2(p.x), y: round2(p.y), v: own && !faceHidden ? 2 : 1 };
    });
    return { points, box: clipBox(bounds[i], spec.width, spec.height) };
  });
  return { width: spec.width, height: spec.height, pixels: canvas.pixels, figures };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

interface Extent { x0: number; y0: number; x1: number; y1: number }

function clipBox(e: Extent, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(e.x0));
  const y0 = Math.max(0, Math.floor(e.y0));
  const x1 = Math.min(width, Math.ceil(e.x1));
  const y1 = Math.min(height, Math.ceil(e.y1));
  return { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}

function drawFigure(canvas: Canvas, f: FigureSpec, index: number): Extent {
  const b = placed(f);
  const o = f.outfit;
  const j = b.joints;
  const extent: Extent = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const grow = (p: Vec, r: number) => {
    extent.x0 = Math.min(extent.x0, p.x - r); extent.y0 = Math.min(extent.y0, p.y - r);
    extent.x1 = Math.max(extent.x1, p.x + r); extent.y1 = Math.max(extent.y1, p.y + r);
  };
  const capsule = (a: Vec, c: Vec, r: number, rgb: Rgb, part: Part) => {
    fillCapsule(canvas, a, c, r, rgb, partId(index, part));
    grow(a, r); grow(c, r);
  };
  const along = (from: Vec, to: Vec, t: number): Vec => ({ x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t });
  const offset = (p: Vec, v: Vec, k: number): Vec => ({ x: p.x + v.x * b.len(k), y: p.y + v.y * b.len(k) });

  const arm = (side: Side) => {
    const [sh, el, wr] = [j[JOINT.shoulder[side]], j[JOINT.elbow[side]], j[JOINT.wrist[side]]];
    capsule(sh, el, b.len(0.032), o.shirt, `${side}UpperArm`);
    capsule(el, wr, b.len(0.027), o.longSleeves ? o.shirt : o.skin, `${side}Forearm`);
    capsule(wr, along(el, wr, 1.18), b.len(0.03), o.skin, `${side}Hand`);
  };
  const leg = (side: Side) => {
    const [hip, knee, ankle] = [j[JOINT.hip[side]], j[JOINT.knee[side]], j[JOINT.ankle[side]]];
    capsule(hip, knee, b.len(0.045), o.trousers, `${side}Thigh`);
    capsule(knee, ankle, b.len(0.036), o.longTrousers ? o.trousers : o.skin, `${side}Shin`);
    // The foot points outward and a little down from the ankle (we see it from the front, foreshortened).
    const toe = offset(offset(ankle, b.right, sideSign(side) * 0.05), b.up, -0.02);
    capsule(ankle, toe, b.len(0.026), o.shoes, `${side}Foot`);
  };
  const torso = () => {
    const [ls, rs, lh, rh] = [j[5], j[6], j[11], j[12]];
    fillConvex(canvas, [offset(offset(ls, b.right, 0.03), b.up, 0.02), offset(offset(rs, b.right, -0.03), b.up, 0.02), offset(rh, b.right, -0.04), offset(lh, b.right, 0.04)], o.shirt, partId(index, 'torso'));
    const pelvis = [offset(offset(lh, b.right, 0.05), b.up, 0.03), offset(offset(rh, b.right, -0.05), b.up, 0.03), offset(offset(rh, b.right, -0.045), b.up, -0.055), offset(offset(lh, b.right, 0.045), b.up, -0.055)];
    fillConvex(canvas, pelvis, o.trousers, partId(index, 'pelvis'));
    for (const p of pelvis) grow(p, 0);
    for (const p of [ls, rs]) grow(p, b.len(0.05));
    // A belt line, so the waist reads; it claims no pixels.
    fillCapsule(canvas, offset(offset(lh, b.right, 0.045), b.up, 0.03), offset(offset(rh, b.right, -0.045), b.up, 0.03), b.len(0.008), darker(o.trousers, 0.55), -1, 0);
  };
  const head = () => {
    const r = b.len(f.build.headRadius);
    const c = b.headCentre;
    capsule(b.neck, c, b.len(0.028), o.skin, 'neck');
    const yaw = f.pose.headYaw;
    const headId = partId(index, 'head');
    // Ears behind the head's outline are drawn first, so the head hides them as it would.
    const ears = [3, 4].map((k) => ({ k, at: j[k], front: b.faceDepth[k] >= FACE_SEEN_DEPTH[k] }));
    for (const e of ears) if (!e.front) fillDisc(canvas, e.at, r * 0.24, darker(o.skin, 0.85), headId);
    fillDisc(canvas, offset(offset(c, b.headUp, f.build.headRadius * 0.2), b.headRight, -Math.sin(yaw) * f.build.headRadius * 0.25), r, o.hair, headId, 0.15);
    fillDisc(canvas, offset(c, b.headUp, -f.build.headRadius * 0.1), r * 0.92, o.skin, headId, 0.2);
    grow(c, r * 1.2);
    for (const e of ears) if (e.front) fillDisc(canvas, e.at, r * 0.24, darker(o.skin, 0.85), headId);
    for (const k of [1, 2]) {
      if (b.faceDepth[k] < FACE_SEEN_DEPTH[k]) continue;
      fillDisc(canvas, j[k], Math.max(0.8, r * 0.2), [250, 250, 250], headId, 0);
      fillDisc(canvas, j[k], Math.max(0.6, r * 0.12), [25, 20, 20], headId, 0);
    }
    fillDisc(canvas, j[0], Math.max(0.7, r * 0.13), darker(o.skin, 0.7), headId, 0);
    const mouth = offset(offset(c, b.headUp, -f.build.headRadius * 0.5), b.headRight, Math.sin(yaw) * f.build.headRadius * 0.8);
    fillCapsule(canvas, offset(mouth, b.headRight, -f.build.headRadius * 0.2), offset(mouth, b.headRight, f.build.headRadius * 0.2), Math.max(0.5, r * 0.06), [150, 50, 50], headId, 0);
  };

  const armsBehind = SIDES.filter((s) => !f.armInFront[s]);
  const armsFront = SIDES.filter((s) => f.armInFront[s]);
  for (const s of armsBehind) arm(s);
  leg(f.frontLeg === 'left' ? 'right' : 'left');
  leg(f.frontLeg);
  torso();
  head();
  for (const s of armsFront) arm(s);
  return extent;
}

function darker(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

function drawOccluder(canvas: Canvas, o: Occluder, id: number): void {
  switch (o.kind) {
    case 'ball':
      fillDisc(canvas, o.centre, o.radius, o.colour, id, 0.45);
      break;
    case 'crate': {
      fillConvex(canvas, o.corners, darker(o.colour, 0.6), id);
      const mid = { x: o.corners.reduce((s, p) => s + p.x, 0) / 4, y: o.corners.reduce((s, p) => s + p.y, 0) / 4 };
      fillConvex(canvas, o.corners.map((p) => ({ x: mid.x + (p.x - mid.x) * 0.85, y: mid.y + (p.y - mid.y) * 0.85 })), o.colour, id);
      break;
    }
    default: {
      const never: never = o;
      throw new Error(`unknown occluder ${JSON.stringify(never)}`);
    }
  }
}
