import { describe, expect, it } from 'vitest';
import { renderFigures, renderScene, sampleScene, type RenderedScene, type SceneSpec } from '../../../lib/sim/figures';
import { angleAt, DEG, JOINT } from '../../../lib/sim/poses';
import { Answer, parseAnswer } from '../../../lib/tasks';
import { COCO17 } from '../../../lib/tasks/skeletons';

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);
const scenes = new Map<number, RenderedScene>(SEEDS.map((s) => [s, renderFigures(s)]));
const pixel = (r: { width: number; pixels: Uint8ClampedArray }, x: number, y: number) => {
  const o = (Math.floor(y) * r.width + Math.floor(x)) * 4;
  return [r.pixels[o], r.pixels[o + 1], r.pixels[o + 2]];
};
const backgroundOf = (spec: SceneSpec) => renderScene({ ...spec, figures: [], occluders: [] });

describe('rendered figures', () => {
  it('renders the same pixels and the same truth for the same seed, and another picture for another seed', () => {
    const a = renderFigures(7);
    const b = renderFigures(7);
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
    expect(a.figures).toEqual(b.figures);
    expect(Buffer.from(renderFigures(8).pixels).equals(Buffer.from(a.pixels))).toBe(false);
  });

  it('returns an opaque RGBA image of the asked size with 17 COCO keypoints and a box per figure', () => {
    const r = renderFigures(3, { width: 320, height: 200 });
    expect(r.width).toBe(320);
    expect(r.pixels).toHaveLength(320 * 200 * 4);
    expect(r.pixels.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    for (const f of r.figures) expect(f.points).toHaveLength(COCO17.keypoints.length);
  });

  it('draws the person where every visible keypoint is: the pixel there differs from the bare background', () => {
    let checked = 0;
    for (const seed of SEEDS.slice(0, 25)) {
      const spec = sampleScene(seed);
      const drawn = scenes.get(seed)!;
      const bare = backgroundOf(spec);
      for (const f of drawn.figures) {
        for (const p of f.points.filter((q) => q.v === 2)) {
          const [a, b] = [pixel(drawn, p.x, p.y), pixel(bare, p.x, p.y)];
          expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]), `seed ${seed} (${p.x}, ${p.y})`).toBeGreaterThan(20);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(25 * 12);
  });

  it('marks a point outside the image absent at (0, 0), and keeps every labeled point inside the image and its box', () => {
    let absent = 0;
    for (const r of scenes.values()) {
      for (const f of r.figures) {
        expect(f.box.x).toBeGreaterThanOrEqual(0);
        expect(f.box.y).toBeGreaterThanOrEqual(0);
        expect(f.box.x + f.box.w).toBeLessThanOrEqual(r.width);
        expect(f.box.y + f.box.h).toBeLessThanOrEqual(r.height);
        for (const p of f.points) {
          if (p.v === 0) { absent += 1; expect(p).toEqual({ x: 0, y: 0, v: 0 }); continue; }
          expect(p.x).toBeGreaterThanOrEqual(f.box.x);
          expect(p.x).toBeLessThanOrEqual(f.box.x + f.box.w);
          expect(p.y).toBeGreaterThanOrEqual(f.box.y);
          expect(p.y).toBeLessThanOrEqual(f.box.y + f.box.h);
        }
      }
    }
    // 15 % of people are pushed past an edge by default.
    expect(absent).toBeGreaterThan(0);
  });

  it('cuts points off with the frame: a figure pushed past the left edge loses what is past it', () => {
    const spec = sampleScene(11, { twoFigures: 0, occluder: 0, cut: 0 });
    const inside = renderScene(spec).figures[0];
    expect(inside.points.every((p) => p.v > 0)).toBe(true);
    // Move it left until its middle sits on the left edge: about half its points leave the image.
    const xs = inside.points.map((p) => p.x);
    const shift = (Math.min(...xs) + Math.max(...xs)) / 2;
    const moved = renderScene({ ...spec, figures: [{ ...spec.figures[0], x: spec.figures[0].x - shift }] }).figures[0];
    inside.points.forEach((p, k) => {
      const x = p.x - shift;
      if (Math.abs(x) < 0.05) return;
      if (x < 0) expect(moved.points[k]).toEqual({ x: 0, y: 0, v: 0 });
      else expect(moved.points[k].v).toBeGreaterThan(0);
    });
    expect(moved.points.some((p) => p.v === 0)).toBe(true);
  });

  it('marks a joint under an occluder occluded (1), and the same joint without it visible (2)', () => {
    const spec = sampleScene(5, { twoFigures: 0, occluder: 0, cut: 0 });
    const clear = renderScene(spec).figures[0];
    const k = [JOINT.knee.left, JOINT.knee.right, JOINT.ankle.left, JOINT.ankle.right].find((i) => clear.points[i].v === 2)!;
    expect(k).toBeDefined();
    const p = clear.points[k];
    const hidden = renderScene({ ...spec, occluders: [{ kind: 'ball', centre: { x: p.x, y: p.y }, radius: 6, colour: [200, 120, 40] }] }).figures[0];
    expect(hidden.points[k]).toEqual({ ...p, v: 1 });
    // Elsewhere the picture is the same, so nothing else changes.
    hidden.points.forEach((q, i) => { if (Math.hypot(q.x - p.x, q.y - p.y) > 8) expect(q).toEqual(clear.points[i]); });
  });

  it('marks the wrist of an arm drawn behind the torso occluded when the torso covers it, and visible when the arm is in front', () => {
    const spec = sampleScene(2, { twoFigures: 0, occluder: 0, cut: 0 });
    const f = spec.figures[0];
    // Left hand on the belly (the arm bent inward across the body), the right arm hanging away from it.
    const pose = { ...f.pose, shoulder: { left: 10 * DEG, right: 30 * DEG }, elbow: { left: -110 * DEG, right: 0 } };
    const render = (leftInFront: boolean) => renderScene({ ...spec, figures: [{ ...f, pose, armInFront: { left: leftInFront, right: true } }] }).figures[0];
    expect(render(false).points[JOINT.wrist.left].v).toBe(1);
    expect(render(true).points[JOINT.wrist.left].v).toBe(2);
    expect(render(false).points[JOINT.wrist.right].v).toBe(2);
  });

  it('hides the far eye and ear behind the head when the head turns far to one side', () => {
    const spec = sampleScene(4, { twoFigures: 0, occluder: 0, cut: 0 });
    const f = spec.figures[0];
    const pose = { ...f.pose, shoulder: { left: 0, right: 0 }, elbow: { left: 0, right: 0 } };
    const turned = (yaw: number) => renderScene({ ...spec, figures: [{ ...f, pose: { ...pose, headYaw: yaw } }] }).figures[0].points;
    // Turned toward the person's left: the right side of the face faces us, the left eye and ear turn away.
    const toLeft = turned(60 * DEG);
    expect([toLeft[0].v, toLeft[1].v, toLeft[2].v, toLeft[3].v, toLeft[4].v]).toEqual([2, 1, 2, 1, 2]);
    const toRight = turned(-60 * DEG);
    expect([toRight[0].v, toRight[1].v, toRight[2].v, toRight[3].v, toRight[4].v]).toEqual([2, 2, 1, 2, 1]);
    const frontal = turned(0);
    expect(frontal.slice(0, 5).map((p) => p.v)).toEqual([2, 2, 2, 2, 2]);
    // The person faces us, so their left eye is on the image's right.
    expect(frontal[1].x).toBeGreaterThan(frontal[2].x);
  });

  it('shows all three visibilities across seeds, mostly visible', () => {
    const counts = [0, 0, 0];
    for (const r of scenes.values()) for (const f of r.figures) for (const p of f.points) counts[p.v] += 1;
    const total = counts[0] + counts[1] + counts[2];
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1] / total).toBeGreaterThan(0.03);
    expect(counts[1] / total).toBeLessThan(0.3);
    expect(counts[2] / total).toBeGreaterThan(0.6);
  });

  it('varies the pose: elbow and knee angles, head turn, size and place spread widely across seeds', () => {
    const elbows: number[] = [];
    const knees: number[] = [];
    const heights: number[] = [];
    const centres: number[] = [];
    for (const seed of SEEDS) {
      const spec = sampleScene(seed, { cut: 0 });
      const r = scenes.get(seed)!;
      for (const f of r.figures) {
        const p = f.points;
        if (p[5].v && p[7].v && p[9].v) elbows.push(angleAt(p[5], p[7], p[9]));
        if (p[11].v && p[13].v && p[15].v) knees.push(angleAt(p[11], p[13], p[15]));
        heights.push(f.box.h);
        centres.push(f.box.x + f.box.w / 2);
      }
      expect(spec.figures.length).toBeGreaterThanOrEqual(1);
    }
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    const sd = (xs: number[]) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length); };
    expect(sd(elbows)).toBeGreaterThan(25);
    expect(spread(elbows)).toBeGreaterThan(100);
    expect(spread(knees)).toBeGreaterThan(60);
    expect(spread(heights)).toBeGreaterThan(80);
    expect(spread(centres)).toBeGreaterThan(100);
    const kinds = new Set(SEEDS.map((s) => sampleScene(s).figures[0].pose.kind));
    expect(kinds.size).toBe(4);
  });

  it('puts two people in some images and none in none', () => {
    const counts = [...scenes.values()].map((r) => r.figures.length);
    expect(counts.every((n) => n === 1 || n === 2)).toBe(true);
    expect(counts.filter((n) => n === 2).length).toBeGreaterThan(5);
    expect(renderFigures(1, { twoFigures: 1 }).figures).toHaveLength(2);
    expect(renderFigures(1, { twoFigures: 0 }).figures).toHaveLength(1);
  });

  it('gives truth that is a valid keypoints answer for the COCO17 skeleton and the image', () => {
    for (const [seed, r] of scenes) {
      const raw = { task: 'keypoints', instances: r.figures.map((f) => ({ points: f.points, box: f.box })) };
      expect(() => parseAnswer({ task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, raw, { width: r.width, height: r.height }), `seed ${seed}`).not.toThrow();
      expect(Answer.parse(raw)).toEqual(raw);
    }
  });

  it('refuses options out of range', () => {
    expect(() => renderFigures(1, { width: 10 })).toThrow();
    expect(() => renderFigures(1, { occluder: 2 })).toThrow();
  });
});
