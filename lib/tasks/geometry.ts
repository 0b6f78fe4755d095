/** An axis-aligned rectangle in image pixels: (x, y) is the top-left corner. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function area(r: Rect): number {
  return Math.max(0, r.w) * Math.max(0, r.h);
}

/** Intersection over union of two rectangles; 0 when either is empty. */
export function iou(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Sub-pixel slack for "inside the image": an edge dragged to the border at a fractional zoom
 * lands a rounding error past it, and refusing that answer would only annoy.
 */
export const EDGE_SLACK_PX = 0.5;

export function rectInside(r: Rect, width: number, height: number): boolean {
  return r.x >= -EDGE_SLACK_PX && r.y >= -EDGE_SLACK_PX
    && r.x + r.w <= width + EDGE_SLACK_PX && r.y + r.h <= height + EDGE_SLACK_PX;
}

export function pointInside(x: number, y: number, width: number, height: number): boolean {
  return x >= -EDGE_SLACK_PX && y >= -EDGE_SLACK_PX && x <= width + EDGE_SLACK_PX && y <= height + EDGE_SLACK_PX;
}

/** The smallest rectangle around the points (null for none). */
export function boundsOf(points: { x: number; y: number }[]): Rect | null {
  if (points.length === 0) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
