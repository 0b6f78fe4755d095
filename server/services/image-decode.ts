import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { sniffImage, type ImageFormat } from '../../lib/import/images';

/**
 * Decodes the whole image, so a truncated or corrupt file is caught at import
 * rather than as a broken picture in front of an annotator.
 */
export function decodeImage(bytes: Buffer): { format: ImageFormat; width: number; height: number } {
  const format = sniffImage(bytes);
  if (!format) throw new Error('not a PNG or JPEG image');
  try {
    if (format.ext === 'png') {
      const png = PNG.sync.read(bytes);
      return { format, width: png.width, height: png.height };
    }
    const img = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
    return { format, width: img.width, height: img.height };
  } catch (e) {
    throw new Error(`broken or truncated ${format.ext === 'png' ? 'PNG' : 'JPEG'} (${(e as Error).message})`);
  }
}
