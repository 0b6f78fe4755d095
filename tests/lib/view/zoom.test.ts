import { describe, expect, it } from 'vitest';
import { FIT, MAX_SCALE, panBy, wheelFactor, zoomAt, isZoomed } from '../../../lib/view/zoom';

const box = { width: 400, height: 400 };

describe('zoom and pan of an image in its box', () => {
  it('zooms at the cursor: the image point under it stays under it', () => {
    const v = zoomAt(FIT, 2, { x: 100, y: 300 }, box);
    expect(v.scale).toBe(2);
    // The image point (100, 300) is drawn at t + s·p = (100, 300) again.
    expect(v.x + 2 * 100).toBe(100);
    expect(v.y + 2 * 300).toBe(300);
    const w = zoomAt(v, 2, { x: 250, y: 50 }, box);
    const p = { x: (250 - v.x) / v.scale, y: (50 - v.y) / v.scale };
    expect(w.x + w.scale * p.x).toBeCloseTo(250, 9);
    expect(w.y + w.scale * p.y).toBeCloseTo(50, 9);
  });

  it('never shrinks the image below its fit, nor zooms past the limit', () => {
    expect(zoomAt(FIT, 0.5, { x: 200, y: 200 }, box)).toEqual(FIT);
    let v = FIT;
    for (let i = 0; i < 10; i++) v = zoomAt(v, 2, { x: 200, y: 200 }, box);
    expect(v.scale).toBe(MAX_SCALE);
    expect(zoomAt(zoomAt(FIT, 4, { x: 10, y: 10 }, box), 0.25, { x: 390, y: 390 }, box)).toEqual(FIT);
  });

  it('pans a zoomed image, but never out of its box', () => {
    const v = zoomAt(FIT, 2, { x: 200, y: 200 }, box);
    expect(panBy(v, 50, -30, box)).toEqual({ scale: 2, x: v.x + 50, y: v.y - 30 });
    expect(panBy(v, 10_000, 10_000, box)).toEqual({ scale: 2, x: 0, y: 0 });
    expect(panBy(v, -10_000, -10_000, box)).toEqual({ scale: 2, x: -400, y: -400 });
    // Not zoomed: there is nowhere to pan to.
    expect(panBy(FIT, 50, 50, box)).toEqual(FIT);
  });

  it('reads two wheel notches as twice or half the zoom, and ignores a bad factor', () => {
    expect(wheelFactor(-200)).toBe(2);
    expect(wheelFactor(200)).toBe(0.5);
    expect(zoomAt(FIT, Number.NaN, { x: 1, y: 1 }, box)).toEqual(FIT);
    expect(isZoomed(FIT)).toBe(false);
    expect(isZoomed(zoomAt(FIT, wheelFactor(-100), { x: 1, y: 1 }, box))).toBe(true);
  });
});
