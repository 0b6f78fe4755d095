import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { composite, decodeRgba, SIDE, thumbnail } from '../../workers/trainer/pixels';

/** A 2×2 PNG from four RGBA pixels. */
function png(pixels: number[][]): Buffer {
  const img = new PNG({ width: 2, height: 2 });
  pixels.forEach((px, i) => img.data.set(px, i * 4));
  return PNG.sync.write(img);
}

describe('images with transparency', () => {
  it('are composited onto white before any embedding sees them', () => {
    // Fully transparent black, fully transparent red, half-transparent black, opaque gray.
    const { rgba } = decodeRgba(png([[0, 0, 0, 0], [255, 0, 0, 0], [0, 0, 0, 128], [100, 100, 100, 255]]));
    expect(Array.from(rgba)).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 127, 127, 127, 255, 100, 100, 100, 255]);
  });

  it('embed the same whatever colour the transparent pixels hide', () => {
    const a = new Float32Array(SIDE * SIDE);
    const b = new Float32Array(SIDE * SIDE);
    thumbnail(png([[0, 0, 0, 0], [0, 0, 0, 255], [0, 0, 0, 0], [0, 0, 0, 255]]), a, 0);
    thumbnail(png([[200, 30, 90, 0], [0, 0, 0, 255], [13, 250, 1, 0], [0, 0, 0, 255]]), b, 0);
    expect(Array.from(b)).toEqual(Array.from(a));
    // The transparent half reads as white (1), the opaque half as black (0).
    expect(a[0]).toBeCloseTo(1, 6);
    expect(a[SIDE - 1]).toBe(0);
  });

  it('leaves an opaque image as it was', () => {
    const px = Uint8Array.of(1, 2, 3, 255, 4, 5, 6, 255);
    expect(Array.from(composite(Uint8Array.from(px)))).toEqual(Array.from(px));
  });
});
