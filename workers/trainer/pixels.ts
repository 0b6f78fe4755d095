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
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50;
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (isPng) {
    const png = PNG.sync.read(bytes);
    ({ width, height } = png);
    rgba = png.data;
  } else {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    ({ width, height } = img);
    rgba = img.data;
  }
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
