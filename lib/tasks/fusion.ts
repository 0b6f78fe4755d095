import { AGREEMENT_MIN_IOU, AGREEMENT_MIN_OKS } from './agreement';
import type { Box, BoxesPayload } from './boxes';
import { iou } from './geometry';
import type { Keypoint, KeypointsPayload, SkeletonInstance } from './keypoints';
import { matchItems } from './matching';
import { objectArea, oksBetween } from './oks';

/**
 * Consensus of several annotators' spatial answers to one item: boxes drawn by several people
 * are fused into one (coordinates averaged, each drawing weighted by how well it agrees with
 * the others, its mean IoU with them), skeletons into one with each keypoint at the median of
 * where people put it.
 *
 * Grouping: the answers are taken in the order given; each one's boxes (skeletons) are matched
 * one-to-one to the groups so far by the Hungarian method (lib/tasks/matching.ts) against each
 * group's current fused box (skeleton), same class, IoU ≥ 0.5 (OKS ≥ 0.5) as agreement
 * matches; what stays unmatched opens a group. A group drawn by at least `minSupport`
 * annotators (default: half of them, rounded up) is kept. Confidence of a kept object:
 * support / annotators × its members' mean pairwise similarity (1 when alone); the answer's:
 * the mean over every group, dropped ones counting 0, so that "three people drew a box only
 * one of them saw" lowers it.
 */

export interface FusedBox extends Box {
  /** Annotators whose box went into it. */
  support: number;
  confidence: number;
}

export interface FusedSkeleton extends SkeletonInstance {
  support: number;
  confidence: number;
  /** Per keypoint: median distance in pixels of people's points from the fused one (null: fewer than two placed it). */
  spread: (number | null)[];
}

export interface FusionOptions {
  /** Annotators a group needs to be kept (default ⌈answers / 2⌉). */
  minSupport?: number;
}

interface Group<T> { members: T[]; fused: T }

/** Groups one-to-one-matched objects across answers; `fuse` rebuilds a group's representative after each answer. */
function group<T>(answers: readonly (readonly T[])[], similarity: (a: T, b: T) => number, threshold: number, fuse: (members: T[]) => T): Group<T>[] {
  const groups: Group<T>[] = [];
  for (const objects of answers) {
    const matching = matchItems(groups.map((g) => g.fused), objects, similarity, threshold);
    for (const { a, b } of matching.pairs) groups[a].members.push(objects[b]);
    for (const { a } of matching.pairs) groups[a].fused = fuse(groups[a].members);
    for (const b of matching.unmatchedB) groups.push({ members: [objects[b]], fused: objects[b] });
  }
  return groups;
}

/** Mean similarity of a member with the others (1 when alone): its weight, and over members, the group's cohesion. */
function cohesion<T>(members: readonly T[], similarity: (a: T, b: T) => number): number[] {
  if (members.length === 1) return [1];
  return members.map((m, i) => members.reduce((s, o, j) => (i === j ? s : s + similarity(m, o)), 0) / (members.length - 1));
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const boxSimilarity = (p: Box, q: Box) => (p.class === q.class ? iou(p, q) : 0);

/** Corners averaged with IoU weights: a box that agrees with the others pulls harder than an outlier. */
function fuseBoxGroup(members: Box[]): Box {
  const w = cohesion(members, boxSimilarity).map((x) => Math.max(x, 1e-6));
  const total = w.reduce((a, b) => a + b, 0);
  const avg = (f: (b: Box) => number) => members.reduce((s, b, i) => s + w[i] * f(b), 0) / total;
  const x1 = avg((b) => b.x);
  const y1 = avg((b) => b.y);
  return { class: members[0].class, x: x1, y: y1, w: avg((b) => b.x + b.w) - x1, h: avg((b) => b.y + b.h) - y1 };
}

export function fuseBoxes(answers: readonly BoxesPayload[], opts: FusionOptions = {}): { boxes: FusedBox[]; confidence: number } {
  if (answers.length === 0) return { boxes: [], confidence: 0 };
  const minSupport = opts.minSupport ?? Math.ceil(answers.length / 2);
  const groups = group(answers.map((a) => a.boxes), boxSimilarity, AGREEMENT_MIN_IOU, fuseBoxGroup);
  if (groups.length === 0) return { boxes: [], confidence: 1 }; // everyone: nothing here
  const scored = groups.map((g) => ({
    g, confidence: (g.members.length / answers.length) * mean(cohesion(g.members, boxSimilarity)),
  }));
  const kept = scored.filter((s) => s.g.members.length >= minSupport);
  return {
    boxes: kept.map(({ g, confidence }) => ({ ...fuseBoxGroup(g.members), support: g.members.length, confidence })),
    confidence: kept.reduce((s, k) => s + k.confidence, 0) / groups.length,
  };
}

const placed = (p: Keypoint | undefined): p is Keypoint => p !== undefined && p.v > 0;

/**
 * Per keypoint: where at least half of the members placed it, the median x and y of those who
 * did, and the visibility most of them gave (2 on a tie); else absent. The instance box, when
 * members have one, is the median of their corners.
 */
function fuseSkeletonGroup(members: SkeletonInstance[]): SkeletonInstance {
  const n = Math.max(...members.map((m) => m.points.length));
  const points: Keypoint[] = [];
  for (let i = 0; i < n; i++) {
    const ps = members.map((m) => m.points[i]).filter(placed);
    if (ps.length === 0 || ps.length * 2 < members.length) {
      points.push({ x: 0, y: 0, v: 0 });
      continue;
    }
    const visible = ps.filter((p) => p.v === 2).length;
    points.push({ x: median(ps.map((p) => p.x)), y: median(ps.map((p) => p.y)), v: visible * 2 >= ps.length ? 2 : 1 });
  }
  const boxes = members.flatMap((m) => (m.box ? [m.box] : []));
  if (boxes.length === 0) return { points };
  const x = median(boxes.map((b) => b.x));
  const y = median(boxes.map((b) => b.y));
  return { points, box: { x, y, w: median(boxes.map((b) => b.x + b.w)) - x, h: median(boxes.map((b) => b.y + b.h)) - y } };
}

export function fuseKeypoints(answers: readonly KeypointsPayload[], sigmas: readonly number[], opts: FusionOptions = {}): { instances: FusedSkeleton[]; confidence: number } {
  if (answers.length === 0) return { instances: [], confidence: 0 };
  const minSupport = opts.minSupport ?? Math.ceil(answers.length / 2);
  const similarity = (a: SkeletonInstance, b: SkeletonInstance) => oksBetween(a, b, sigmas);
  const groups = group(answers.map((a) => a.instances), similarity, AGREEMENT_MIN_OKS, fuseSkeletonGroup);
  if (groups.length === 0) return { instances: [], confidence: 1 };
  const scored = groups.map((g) => ({ g, confidence: (g.members.length / answers.length) * mean(cohesion(g.members, similarity)) }));
  const kept = scored.filter((s) => s.g.members.length >= minSupport);
  return {
    instances: kept.map(({ g, confidence }) => {
      const fused = fuseSkeletonGroup(g.members);
      const spread = fused.points.map((f, i) => {
        const ds = g.members.map((m) => m.points[i]).filter(placed).map((p) => Math.hypot(p.x - f.x, p.y - f.y));
        return f.v > 0 && ds.length >= 2 ? median(ds) : null;
      });
      return { ...fused, support: g.members.length, confidence, spread };
    }),
    confidence: kept.reduce((s, k) => s + k.confidence, 0) / groups.length,
  };
}

/** The fused skeleton's scale (√ of its object area, as OKS measures it): divide a spread by it to compare joints across people of different sizes. */
export function skeletonScale(instance: SkeletonInstance): number {
  return Math.sqrt(objectArea(instance));
}
