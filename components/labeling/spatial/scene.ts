import { Circle, Line, Rect, type FabricObject } from 'fabric';
import type { DraftShape, DraftSpec } from '@/lib/tasks/drafts';

/**
 * Draws the draft's shapes as fabric objects in image pixels (the canvas's viewport transform
 * does the zoom and pan). Every object is placed by its centre (fabric 7's default origin), so
 * its `left`/`top` is an exact image coordinate whatever its stroke: a box's corner is its centre
 * minus half its size, a point is its centre.
 */

/** What an object on the canvas stands for. */
export type Role =
  | { role: 'box'; id: string }
  | { role: 'point'; id: string; k: number }
  /** The area around a skeleton: dragging it moves the whole skeleton. */
  | { role: 'hull'; id: string }
  | { role: 'edge'; id: string; a: number; b: number };

export type Tagged = FabricObject & { tandem?: Role };

export const roleOf = (o: FabricObject | undefined | null): Role | null => (o as Tagged | undefined)?.tandem ?? null;

const BOX_COLOURS = ['#ff7f0e', '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
export const boxColour = (classes: readonly string[], cls: string) => BOX_COLOURS[Math.max(0, classes.indexOf(cls)) % BOX_COLOURS.length];

/** On-screen sizes, in screen pixels: divided by the zoom so a point stays the same size at any zoom. */
const POINT_RADIUS = 5;
const STROKE = 2;
const HULL_PAD = 12;

function tag<T extends FabricObject>(o: T, role: Role): T {
  (o as Tagged).tandem = role;
  return o;
}

export function hullOf(points: readonly { x: number; y: number; v: number }[], zoom: number) {
  const placed = points.filter((p) => p.v > 0);
  if (placed.length === 0) return null;
  const pad = HULL_PAD / zoom;
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const x0 = Math.min(...xs) - pad;
  const y0 = Math.min(...ys) - pad;
  const x1 = Math.max(...xs) + pad;
  const y1 = Math.max(...ys) + pad;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 };
}

export function pointStyle(colour: string, v: number, zoom: number) {
  const r = POINT_RADIUS / zoom;
  // visible: filled; occluded: a ring of the point's colour; absent: a small grey dashed ring.
  switch (v) {
    case 2: return { radius: r, fill: colour, stroke: '#fff', strokeWidth: 1.5 / zoom, strokeDashArray: null, opacity: 1 };
    case 1: return { radius: r, fill: 'rgba(0,0,0,0.35)', stroke: colour, strokeWidth: 2.5 / zoom, strokeDashArray: null, opacity: 1 };
    default: return { radius: r * 0.8, fill: 'rgba(0,0,0,0)', stroke: '#aaa', strokeWidth: 1.5 / zoom, strokeDashArray: [2 / zoom, 2 / zoom], opacity: 0.8 };
  }
}

/** The fabric objects for the shapes, back to front: hulls, boxes, edges, points. */
export function buildScene(spec: DraftSpec, shapes: readonly DraftShape[], zoom: number): FabricObject[] {
  const hulls: FabricObject[] = [];
  const boxes: FabricObject[] = [];
  const edges: FabricObject[] = [];
  const points: FabricObject[] = [];
  for (const s of shapes) {
    if (s.kind === 'box') {
      const colour = spec.kind === 'boxes' ? boxColour(spec.classes, s.class) : '#ff7f0e';
      boxes.push(tag(new Rect({
        left: s.x + s.w / 2, top: s.y + s.h / 2, width: s.w, height: s.h,
        fill: `${colour}22`, stroke: colour, strokeWidth: STROKE / zoom, strokeUniform: false, lockRotation: true,
        cornerSize: 10, transparentCorners: false, cornerColor: colour, borderColor: colour, objectCaching: false,
      }), { role: 'box', id: s.id }));
      continue;
    }
    if (spec.kind !== 'skeleton') continue;
    const { skeleton } = spec;
    const hull = hullOf(s.points, zoom);
    if (hull) {
      hulls.push(tag(new Rect({
        left: hull.cx, top: hull.cy, width: hull.w, height: hull.h, fill: 'rgba(255,255,255,0.06)', stroke: 'rgba(255,255,255,0.35)',
        strokeWidth: 1 / zoom, strokeDashArray: [4 / zoom, 4 / zoom], hasControls: false, hasBorders: false, hoverCursor: 'move', objectCaching: false,
      }), { role: 'hull', id: s.id }));
    }
    for (const [a, b] of skeleton.edges) {
      const p = s.points[a];
      const q = s.points[b];
      if (!p || !q || p.v === 0 || q.v === 0) continue;
      edges.push(tag(new Line([p.x, p.y, q.x, q.y], {
        stroke: skeleton.colors?.[b] ?? '#2ca02c', strokeWidth: STROKE / zoom, selectable: false, evented: false, objectCaching: false,
        strokeDashArray: p.v === 1 || q.v === 1 ? [5 / zoom, 4 / zoom] : undefined,
      }), { role: 'edge', id: s.id, a, b }));
    }
    s.points.forEach((p, k) => {
      points.push(tag(new Circle({
        left: p.x, top: p.y, ...pointStyle(skeleton.colors?.[k] ?? '#2ca02c', p.v, zoom),
        hasControls: false, hasBorders: false, hoverCursor: 'grab', objectCaching: false,
      }), { role: 'point', id: s.id, k }));
    });
  }
  return [...hulls, ...boxes, ...edges, ...points];
}

/**
 * A box's image rectangle from its fabric object (after a move or a resize by handles). Fabric
 * scales the box with its stroke (its outer edge follows the handle, the opposite outer edge stays
 * put): the box is that outer rectangle less the stroke as drawn, so the edge that did not move
 * keeps its exact coordinate and the dragged edge moves by exactly the pointer's movement.
 */
export function boxRectOf(o: FabricObject): { x: number; y: number; w: number; h: number } {
  const stroke = o.strokeUniform ? 0 : o.strokeWidth ?? 0;
  // Unscaled (drawn, moved): the width as it is, with no rounding from adding and taking the stroke.
  const along = (size: number, scale: number) => (scale === 1 ? size : Math.max(0, Math.abs((size + stroke) * scale) - stroke));
  const w = along(o.width, o.scaleX);
  const h = along(o.height, o.scaleY);
  return { x: o.left - w / 2, y: o.top - h / 2, w, h };
}
