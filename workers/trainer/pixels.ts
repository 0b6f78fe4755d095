import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

/** Side of the square grayscale thumbnail every image becomes: MNIST's own size. */
export const SIDE = 28;

/**
 * An image as SIDE×SIDE grayscale values in 0–1 (area-averaged when larger).
 * Raw pixels are a valid embedding for MNIST-sized images (issue 4); photos
 * want a pretrained CNN, which plugs in here.
 */
export function thumbnail(bytes: Buffer, out: Float32Array, offset: number): void {
  const { width, height, rgba } = decodeRgba(bytes);
  for (let ty = 0; ty < SIDE; ty++) {
    const y0 = Math.floor((ty * height) / SIDE);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / SIDE));
    for (let tx = 0; tx < SIDE; tx++) {
      const x0 = Math.floor((tx * width) / SIDE);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / SIDE));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const p = (y * width + x) * 4;
          sum += 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
        }
      }
      out[offset + ty * SIDE + tx] = sum / ((y1 - y0) * (x1 - x0) * 255);
    }
  }
}

/** What a transparent pixel becomes before any embedding: white, as such images (icons, cut-out objects, sprites) are usually shown. */
export const BACKGROUND = 255;

/**
 * A PNG or JPEG as RGBA bytes, every pixel opaque: a PNG with transparency is composited onto
 * BACKGROUND first. Without it, the colour a pixel hides under alpha 0 (often black, sometimes
 * leftovers of an edit) would reach the embedding as if it were seen, so two images that look
 * alike could embed far apart.
 */
export function decodeRgba(bytes: Buffer): { width: number; height: number; rgba: Uint8Array } {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: composite(png.data) };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, rgba: img.data };
}

/** RGBA bytes composited onto BACKGROUND in place (alpha becomes 255); an opaque image is returned untouched. */
export function composite(rgba: Uint8Array): Uint8Array {
  for (let p = 3; p < rgba.length; p += 4) {
    const a = rgba[p];
    if (a === 255) continue;
    const f = a / 255;
    for (let c = p - 3; c < p; c++) rgba[c] = Math.round(rgba[c] * f + BACKGROUND * (1 - f));
    rgba[p] = 255;
  }
  return rgba;
}

/**
 * An image as side×side RGB values in 0–1, rows then columns then channels
 * (HWC), for a model's input: box-averaged when shrinking, the nearest pixel
 * when growing; the aspect ratio is not kept (the whole image is seen).
 */
export function resizeRgb(bytes: Buffer, side: number, out: Float32Array, offset: number): void {
  const { width, height, rgba } = decodeRgba(bytes);
  for (let ty = 0; ty < side; ty++) {
    const y0 = Math.min(height - 1, Math.floor((ty * height) / side));
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / side));
    for (let tx = 0; tx < side; tx++) {
      const x0 = Math.min(width - 1, Math.floor((tx * width) / side));
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / side));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const p = (y * width + x) * 4;
          r += rgba[p];
          g += rgba[p + 1];
          b += rgba[p + 2];
        }
      }
      const o = offset + (ty * side + tx) * 3;
      const scale = 1 / ((y1 - y0) * (x1 - x0) * 255);
      out[o] = r * scale;
      out[o + 1] = g * scale;
      out[o + 2] = b * scale;
    }
  }
}
