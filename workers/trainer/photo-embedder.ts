import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LayersModel, Tensor, Tensor3D } from '@tensorflow/tfjs';
import { decodeRgba } from './pixels';
import { loadTf, type TfRuntime } from './tf';

/**
 * The built-in photo embedder: MobileNetV2 with the weights that ship inside
 * the `nsfwjs` npm package (a Keras layers model, uint8-quantized, 2.6 MB;
 * ImageNet-pretrained and fine-tuned by its authors for another task), cut at
 * its `flatten_1` layer: the 7×7 average pool of the last 1,280-channel
 * block. Runs on the trainer's tfjs (loadTf: tfjs-node-gpu when installed,
 * else wasm). Nothing is downloaded: the model JSON and the weights are JS
 * modules of the package, read here through a small IOHandler (tfjs's own
 * `file://` loader needs tfjs-node).
 *
 * Input: the image as RGB in 0–1 (nsfwjs's own preprocessing), resized to
 * 224×224 without keeping the aspect ratio (the whole image is seen): an
 * integer box average first when the image is at least twice that (in JS,
 * one pass), then bilinear.
 */
export const PHOTO_MODEL = { name: 'mobilenet-v2', package: 'nsfwjs', layer: 'flatten_1', size: 224, dim: 1280 } as const;
/** Images per forward pass: 8 × 224 × 224 × 3 floats in, activations of ~40 MB at the widest layer. */
export const PHOTO_BATCH = 8;

export interface PhotoEmbedder {
  /** e.g. `mobilenet-v2 (nsfwjs 4.4.0, flatten_1)`. */
  model: string;
  /** The tfjs runtime it runs on (TfRuntime.description). */
  backend: string;
  dim: number;
  /** The package's version and the first hex digits of the weights' SHA-256: a change of either is another embedding. */
  version: string;
  /** The package and its version, e.g. `nsfwjs-4.4.0`. */
  source: string;
  /** n images (PNG or JPEG bytes) → n × dim features, row by row; a broken image rejects with its index. */
  embed(images: Buffer[]): Promise<Float32Array>;
  dispose(): void;
}

interface WeightsManifestGroup { paths: string[]; weights: { name: string }[] }
interface ModelJson { modelTopology: object; weightsManifest: WeightsManifestGroup[] }

/** The model JSON and the weights, from the package's JS modules (UMD: the JSON object, the weights as base64). */
function readPackagedModel(): { json: ModelJson; weights: Buffer; version: string } {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('nsfwjs/models/mobilenet_v2');
  } catch {
    throw new Error('the built-in photo embedder needs the nsfwjs package (npm install nsfwjs@4.4.0)');
  }
  // entry: <pkg>/dist/cjs/models/mobilenet_v2.js; the model files: <pkg>/dist/models/mobilenet_v2/.
  const root = path.resolve(path.dirname(entry), '../../..');
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const local = createRequire(entry);
  const json = local('../../models/mobilenet_v2/model.min.js') as ModelJson;
  const weights = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const b64 = local(`../../models/mobilenet_v2/${p}.min.js`) as unknown;
    if (typeof b64 !== 'string') throw new Error(`nsfwjs ${version}: weights ${p} are not where Tandem expects them`);
    return Buffer.from(b64, 'base64');
  }));
  return { json, weights, version };
}

let loading: Promise<PhotoEmbedder> | undefined;

/** The process's photo embedder, loaded once (~0.7 s); a failed load is tried again on the next call. */
export function loadPhotoEmbedder(): Promise<PhotoEmbedder> {
  loading ??= createPhotoEmbedder().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

export async function createPhotoEmbedder(runtime?: TfRuntime): Promise<PhotoEmbedder> {
  const rt = runtime ?? (await loadTf());
  const { tf } = rt;
  const { json, weights, version } = readPackagedModel();
  const handler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as never,
      weightData: Uint8Array.from(weights).buffer,
    }),
  };
  const full = await tf.loadLayersModel(handler);
  const layer = full.getLayer(PHOTO_MODEL.layer);
  const model: LayersModel = tf.model({ inputs: full.inputs, outputs: layer.output as never });
  const dim = (layer.outputShape as number[])[1];
  if (dim !== PHOTO_MODEL.dim) throw new Error(`nsfwjs ${version}: layer ${PHOTO_MODEL.layer} gives ${dim} values, not ${PHOTO_MODEL.dim}`);
  const S = PHOTO_MODEL.size;
  let queue: Promise<unknown> = Promise.resolve();

  /** One image as a [S, S, 3] float tensor in 0–1. */
  function input(bytes: Buffer, index: number): Tensor3D {
    let img: ReturnType<typeof decodeRgba>;
    try {
      img = decodeRgba(bytes);
    } catch (e) {
      throw new Error(`photo embedding: image ${index} is not a PNG or JPEG that can be decoded (${String((e as Error)?.message ?? e).split('\n')[0]})`);
    }
    const { width, height, rgba } = img;
    if (!(width > 0 && height > 0) || rgba.length < width * height * 4) throw new Error(`photo embedding: image ${index} has no pixels`);
    // RGB in 0–1, box-averaged over k×k blocks in one pass (k ≥ 2 when the image is at least twice S), then bilinear to S×S.
    const k = Math.max(1, Math.floor(Math.min(width, height) / S));
    const w = Math.floor(width / k);
    const h = Math.floor(height / k);
    const rgb = new Float32Array(w * h * 3);
    const scale = 1 / (k * k * 255);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dy = 0; dy < k; dy++) {
          let p = ((y * k + dy) * width + x * k) * 4;
          for (let dx = 0; dx < k; dx++, p += 4) {
            r += rgba[p];
            g += rgba[p + 1];
            b += rgba[p + 2];
          }
        }
        const o = (y * w + x) * 3;
        rgb[o] = r * scale;
        rgb[o + 1] = g * scale;
        rgb[o + 2] = b * scale;
      }
    }
    return tf.tidy(() => {
      const x = tf.tensor3d(rgb, [h, w, 3]);
      return w === S && h === S ? x : tf.image.resizeBilinear(x, [S, S], false, true);
    });
  }

  async function embedNow(images: Buffer[]): Promise<Float32Array> {
    const out = new Float32Array(images.length * dim);
    for (let start = 0; start < images.length; start += PHOTO_BATCH) {
      const end = Math.min(images.length, start + PHOTO_BATCH);
      const inputs: Tensor3D[] = [];
      try {
        for (let i = start; i < end; i++) inputs.push(input(images[i], i));
        const y = tf.tidy(() => model.predict(tf.stack(inputs)) as Tensor);
        const data = (await y.data()) as Float32Array;
        y.dispose();
        for (let i = 0; i < data.length; i++) {
          if (!Number.isFinite(data[i])) throw new Error(`photo embedding: a non-finite feature for image ${start + Math.floor(i / dim)}`);
        }
        out.set(data, start * dim);
      } finally {
        tf.dispose(inputs);
      }
    }
    return out;
  }

  const sha = createHash('sha256').update(weights).digest('hex');
  return {
    model: `${PHOTO_MODEL.name} (${PHOTO_MODEL.package} ${version}, ${PHOTO_MODEL.layer})`,
    backend: rt.description,
    dim,
    version: `${version}-${sha.slice(0, 12)}`,
    source: `${PHOTO_MODEL.package}-${version}`,
    embed(images) {
      // One forward pass at a time: calls from parallel media fetches queue here.
      const run = queue.then(() => embedNow(images));
      queue = run.catch(() => undefined);
      return run;
    },
    dispose: () => full.dispose(),
  };
}
