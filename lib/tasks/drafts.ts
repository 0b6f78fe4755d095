import type { Answer, ProjectTask } from './index';
import type { EditRecord } from './edit';
import type { Visibility } from './keypoints';
import { flipPermutation, type Skeleton } from './skeletons';

/**
 * A spatial answer as the canvas editor holds it while it is being made: shapes with stable ids
 * (so an edit can be told from a new object) and the index of the prelabel object each started
 * from. Pure: the editor keeps these in its Y.Doc and turns them into an answer on submit.
 */
export interface DraftPoint { x: number; y: number; v: Visibility }

export type DraftShape =
  | { kind: 'box'; id: string; from: number | null; class: string; x: number; y: number; w: number; h: number }
  | { kind: 'skeleton'; id: string; from: number | null; points: DraftPoint[] };

/** What a spatial editor needs of a project: the box classes, or the skeleton. */
export type DraftSpec =
  | { kind: 'boxes'; classes: string[] }
  | { kind: 'skeleton'; skeleton: Skeleton; category: string };

/** The editor's spec for a task; null for a task the canvas does not edit (classification). */
export function draftSpecOf(task: ProjectTask): DraftSpec | null {
  switch (task.task) {
    case 'classification': return null;
    case 'boxes': return { kind: 'boxes', classes: task.config.classes };
    case 'keypoints': return { kind: 'skeleton', skeleton: task.config.skeleton, category: task.config.category };
    default: {
      const never: never = task;
      throw new Error(`unknown task ${JSON.stringify(never)}`);
    }
  }
}

/** The shapes of an answer (a prelabel), each marked as coming from its index in it. */
export function draftOf(answer: Answer | null): DraftShape[] {
  if (!answer) return [];
  switch (answer.task) {
    case 'classification': return [];
    case 'boxes': return answer.boxes.map((b, i) => ({ kind: 'box', id: `p${i}`, from: i, class: b.class, x: b.x, y: b.y, w: b.w, h: b.h }));
    case 'keypoints': return answer.instances.map((inst, i) => ({ kind: 'skeleton', id: `p${i}`, from: i, points: inst.points.map((p) => ({ x: p.x, y: p.y, v: p.v })) }));
    default: {
      const never: never = answer;
      throw new Error(`unknown answer ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The answer the shapes make for the project. An absent point (v 0) is stored at (0, 0) as in
 * COCO, whatever position the editor still keeps for it; a box is clipped to the image so that a
 * box dragged past the edge is the part inside it rather than a refused answer.
 */
export function answerOfDraft(spec: DraftSpec, shapes: readonly DraftShape[], image: { width: number; height: number } | null): Answer {
  switch (spec.kind) {
    case 'boxes': {
      const boxes = [];
      for (const s of shapes) {
        if (s.kind !== 'box') continue;
        const b = image ? clipBox(s, image) : s;
        if (b.w > 0 && b.h > 0) boxes.push({ class: s.class, x: b.x, y: b.y, w: b.w, h: b.h });
      }
      return { task: 'boxes', boxes };
    }
    case 'skeleton':
      return {
        task: 'keypoints',
        instances: shapes.flatMap((s) => (s.kind === 'skeleton'
          ? [{ points: s.points.map((p) => (p.v === 0 ? { x: 0, y: 0, v: 0 as const } : { x: p.x, y: p.y, v: p.v })) }]
          : [])),
      };
    default: {
      const never: never = spec;
      throw new Error(`unknown spec ${JSON.stringify(never)}`);
    }
  }
}

function clipBox(b: { x: number; y: number; w: number; h: number }, image: { width: number; height: number }) {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(image.width, b.x + b.w);
  const y1 = Math.min(image.height, b.y + b.h);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** The points of a shape whose movement counts as an edit: a box's two corners, a skeleton's placed points. */
function pointsOf(s: DraftShape): ({ x: number; y: number } | null)[] {
  return s.kind === 'box'
    ? [{ x: s.x, y: s.y }, { x: s.x + s.w, y: s.y + s.h }]
    : s.points.map((p) => (p.v === 0 ? null : { x: p.x, y: p.y }));
}

/** Below this many image pixels a point counts as not moved (a click that did not drag). */
const MOVED_PX = 0.5;

/**
 * What the annotator changed from the prelabel: points moved (and how far on average), objects
 * added and deleted. A point that appeared or vanished (its visibility changed between absent and
 * placed) counts as moved, with no distance.
 */
export function measureEdit(prelabel: readonly DraftShape[], now: readonly DraftShape[], seconds: number, source: EditRecord['prelabel']): EditRecord {
  const kept = new Map<number, DraftShape>();
  let added = 0;
  for (const s of now) {
    if (s.from === null || kept.has(s.from) || !prelabel[s.from]) added++;
    else kept.set(s.from, s);
  }
  let moved = 0;
  let shift = 0;
  let measured = 0;
  prelabel.forEach((before, i) => {
    const after = kept.get(i);
    if (!after) return;
    const a = pointsOf(before);
    const b = pointsOf(after);
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      const p = a[k] ?? null;
      const q = b[k] ?? null;
      if (p === null && q === null) continue;
      if (p === null || q === null) { moved++; continue; }
      const d = Math.hypot(q.x - p.x, q.y - p.y);
      if (d >= MOVED_PX) { moved++; shift += d; measured++; }
    }
  });
  return {
    prelabel: source,
    seconds: Math.min(Math.max(0, seconds), 86_400),
    pointsMoved: moved,
    meanShiftPx: measured ? shift / measured : 0,
    added,
    deleted: prelabel.length - kept.size,
  };
}

/** A skeleton with its left and right points swapped (an annotator who placed a person's sides the wrong way round). */
export function flipPoints(skeleton: Pick<Skeleton, 'keypoints' | 'flips'>, points: readonly DraftPoint[]): DraftPoint[] {
  const to = flipPermutation(skeleton);
  return points.map((_, i) => ({ ...points[to[i]] }));
}

/** The next visibility when V is pressed on a point: visible → occluded → absent → visible. */
export const nextVisibility = (v: Visibility): Visibility => (v === 2 ? 1 : v === 1 ? 0 : 2);

/** The answer's short description for the page's "last:" line. */
export function summaryOfDraft(spec: DraftSpec, shapes: readonly DraftShape[]): string {
  const kind = spec.kind === 'boxes' ? 'box' : 'skeleton';
  const [one, many] = kind === 'box' ? ['box', 'boxes'] : ['skeleton', 'skeletons'];
  const n = shapes.filter((s) => s.kind === kind).length;
  return n === 1 ? `1 ${one}` : `${n === 0 ? 'no' : n} ${many}`;
}
