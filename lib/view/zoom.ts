/**
 * Zoom and pan of an image shown in a box, as a CSS transform `translate(x, y) scale(scale)`
 * with its origin at the box's top-left corner. Pure: the page turns wheel and drag events
 * into these calls. The image never gets smaller than it fits (scale ≥ 1) and never leaves
 * the box: some of it is always under the cursor.
 */
export interface View {
  scale: number;
  /** Translation in screen pixels. */
  x: number;
  y: number;
}

export interface Box {
  width: number;
  height: number;
}

export const FIT: View = { scale: 1, x: 0, y: 0 };
export const MAX_SCALE = 16;

/** Keeps the scaled image covering the box (at scale 1 that is no translation at all). */
function clampTo(v: View, box: Box): View {
  const minX = box.width - box.width * v.scale;
  const minY = box.height - box.height * v.scale;
  return { scale: v.scale, x: Math.min(0, Math.max(minX, v.x)), y: Math.min(0, Math.max(minY, v.y)) };
}

/** Zooms by `factor` keeping the point `at` (box coordinates) where it is on screen. */
export function zoomAt(v: View, factor: number, at: { x: number; y: number }, box: Box): View {
  if (!Number.isFinite(factor) || factor <= 0) return v;
  const scale = Math.min(MAX_SCALE, Math.max(1, v.scale * factor));
  const k = scale / v.scale;
  // The image point under `at` stays under it: at = t + s·p before and after.
  return clampTo({ scale, x: at.x - (at.x - v.x) * k, y: at.y - (at.y - v.y) * k }, box);
}

/** The wheel's zoom factor: two notches (deltaY 100 each in Chromium) double or halve it, as on the spatial canvas. */
export const wheelFactor = (deltaY: number): number => 2 ** (-deltaY / 200);

/** Moves the zoomed image by a drag of (dx, dy) screen pixels. */
export function panBy(v: View, dx: number, dy: number, box: Box): View {
  return clampTo({ scale: v.scale, x: v.x + dx, y: v.y + dy }, box);
}

export const isZoomed = (v: View): boolean => v.scale > 1;

export const cssTransform = (v: View): string => `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
