import { createHash } from 'node:crypto';
import type { Embeddings } from '../../lib/al';
import { buildPixelFeatures, MODEL_NAME, PCA_MODEL_NAME, UMAP_COMPONENTS, type Features } from '../../lib/model';
import type { BuiltinEmbeddingChoice } from '../../lib/model/builtin-embeddings';
import { buildEmbeddingFeatures } from '../../lib/model/embedding';
import { onnxModelName } from '../../lib/model/onnx-spec';
import { NEIGHBOURS, PCA_COMPONENTS } from '../../lib/model/pipeline';
import { pixelFeatureSteps, TWO_VIEW_MODEL_NAME, usesTwoViews } from '../../lib/model/views';
import { twoViewFeaturesInThreads } from './view-threads';
import type { EmbeddingModelInfo } from '../../lib/protocol/worker';
import type { WorkerClient } from './client';
import { createOnnxEmbedder, ONNX_BACKEND, type OnnxEmbedder } from './onnx-embedder';
import { loadPhotoEmbedder, PHOTO_MODEL, type PhotoEmbedder } from './photo-embedder';
import { SIDE, thumbnail } from './pixels';

/**
 * What an image becomes before the model sees it, and how those rows become
 * features: 28×28 gray pixels through PCA-50 (small gray images), the
 * built-in photo CNN's 1,280-d features through PCA-50 (photos), or a user's
 * ONNX model's embedding. `key` names the kind of row, so caches of two extractors
 * never mix.
 */
export interface Extractor {
  key: string;
  /** The start of the embedding space's name for features of `d` dimensions (the rest is a hash of the vectors: see spaceName in train.ts). */
  space(d: number): string;
  /** Values per image. */
  dim: number;
  /** Reported with every model version. */
  model: string;
  /** The model's name for features of `d` dimensions, when it depends on them (default: `model`). */
  modelFor?(d: number): string;
  /** The compute the rows take, when it is not the trainer's own. */
  backend: string | null;
  /** Writes image i's row at `out[rows[i] * dim]`. */
  encode(images: Buffer[], out: Float32Array, rows: number[]): Promise<void>;
  features(x: Embeddings): Features;
  /** The same in steps, when the build is long: the caller awaits `pause` between them (heartbeats go out). */
  featuresInSteps?(x: Embeddings, pause: () => Promise<void>): Promise<Features>;
}

export const PIXEL_EXTRACTOR: Extractor = {
  key: 'pixels',
  // PCA-50 then UMAP-10 (`pca50-umap10`), beside it the same of the HOG descriptors (`…+hog-pca50-umap10`),
  // or PCA-50 alone on a pool too big for UMAP (`pca50`).
  space: (d) => (d === 2 * UMAP_COMPONENTS ? `pca${PCA_COMPONENTS}-umap${UMAP_COMPONENTS}+hog-pca${PCA_COMPONENTS}-umap${UMAP_COMPONENTS}`
    : d === UMAP_COMPONENTS ? `pca${PCA_COMPONENTS}-umap${d}` : `pca${d}`),
  dim: SIDE * SIDE,
  model: TWO_VIEW_MODEL_NAME,
  modelFor: (d) => (d === 2 * UMAP_COMPONENTS ? TWO_VIEW_MODEL_NAME : d === UMAP_COMPONENTS ? MODEL_NAME : PCA_MODEL_NAME),
  backend: null,
  async encode(images, out, rows) {
    images.forEach((bytes, i) => thumbnail(bytes, out, rows[i] * SIDE * SIDE));
  },
  features: (x) => buildPixelFeatures(x),
  async featuresInSteps(x, pause) {
    if (usesTwoViews(x)) {
      try {
        return await twoViewFeaturesInThreads(x);
      } catch (e) {
        console.warn(`trainer: building the two views in threads failed (${e instanceof Error ? e.message : String(e)}); building them in this thread instead`);
      }
    }
    const steps = pixelFeatureSteps(x);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await pause();
    }
  },
};

export function onnxExtractor(embedder: OnnxEmbedder): Extractor {
  const { spec } = embedder;
  // The file's hash, and the rest of the spec (the same file with another normalisation gives other rows).
  const key = `onnx-${spec.sha256.slice(0, 16)}-${createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 8)}`;
  return {
    key,
    // Unit-length embeddings as they are, or PCA of them above 64-d (buildEmbeddingFeatures).
    space: (d) => `onnx:${key.slice(5).replace('-', '.')}:${d === spec.output.dim ? 'unit' : 'pca'}${d}`,
    dim: spec.output.dim,
    model: onnxModelName(spec),
    backend: ONNX_BACKEND,
    async encode(images, out, rows) {
      const got = await embedder.embed(images);
      rows.forEach((row, i) => out.set(got.subarray(i * spec.output.dim, (i + 1) * spec.output.dim), row * spec.output.dim));
    },
    features: (x) => buildEmbeddingFeatures(x),
  };
}

/**
 * The built-in photo extractor: MobileNetV2's 1,280-d features (photo-embedder.ts)
 * → unit length → PCA-50 → kNN graph, as for an ONNX model's wide embedding.
 * Its key carries the package version and the weights' hash, so its rows and
 * features never mix with another extractor's, nor with another version's.
 */
export function photoExtractor(embedder: PhotoEmbedder): Extractor {
  const key = `${PHOTO_MODEL.name}-${embedder.version}`;
  return {
    key,
    space: (d) => `${PHOTO_MODEL.name}:${embedder.version}:${d === embedder.dim ? 'unit' : 'pca'}${d}`,
    dim: embedder.dim,
    model: `${PHOTO_MODEL.name}@${embedder.source}-pca${PCA_COMPONENTS}-knn${NEIGHBOURS}-label-spreading`,
    backend: embedder.backend,
    async encode(images, out, rows) {
      const got = await embedder.embed(images);
      rows.forEach((row, i) => out.set(got.subarray(i * embedder.dim, (i + 1) * embedder.dim), row * embedder.dim));
    },
    features: (x) => buildEmbeddingFeatures(x),
  };
}

/**
 * The extractor of each project, asked of the server at every job: a model
 * that was added, changed or removed takes effect on the next retrain, and so
 * does the built-in the project chose or the server picked from its images
 * (`builtin`: raw pixels for small gray images, the photo CNN otherwise).
 * Loaded models are kept by id and SHA-256 (a model is downloaded and opened
 * once); the photo CNN is loaded once per process, on first use.
 */
export function createExtractors(client: WorkerClient, log?: (msg: string, fields: Record<string, unknown>) => void) {
  const loaded = new Map<string, Promise<Extractor>>();

  async function load(info: EmbeddingModelInfo): Promise<Extractor> {
    const bytes = await client.embeddingModelFile(info);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== info.sha256) throw new Error(`model ${info.name}: the downloaded file's SHA-256 is ${sha.slice(0, 12)}…, not ${info.sha256.slice(0, 12)}… (changed while downloading?)`);
    const t0 = performance.now();
    const embedder = await createOnnxEmbedder(bytes, info);
    log?.('embedding model loaded', {
      model: info.name, provider: embedder.provider, input: `${info.input.layout} ${info.input.channels}×${info.input.size}×${info.input.size}`,
      dim: info.output.dim, ms: Math.round(performance.now() - t0),
    });
    return onnxExtractor(embedder);
  }

  let photoLoaded = false;
  async function photo(choice: BuiltinEmbeddingChoice): Promise<Extractor> {
    const t0 = performance.now();
    const embedder = await loadPhotoEmbedder();
    if (!photoLoaded) {
      photoLoaded = true;
      log?.('photo embedding model loaded', { model: embedder.model, backend: embedder.backend, dim: embedder.dim, chosen: choice.chosen, reason: choice.reason, ms: Math.round(performance.now() - t0) });
    }
    return photoExtractor(embedder);
  }

  return {
    async forProject(projectId: number): Promise<Extractor> {
      const { model: info, builtin } = await client.embeddingChoice(projectId);
      if (!info) {
        const name = builtin?.name ?? 'pixels';
        switch (name) {
          case 'pixels': return PIXEL_EXTRACTOR;
          case 'mobilenet-v2': return photo(builtin!);
        }
      }
      const id = `${info.id}:${info.sha256}`;
      let got = loaded.get(id);
      if (!got) {
        got = load(info);
        loaded.set(id, got);
        // A failed load is tried again on the next job, not remembered.
        got.catch(() => loaded.delete(id));
      }
      return got;
    },
  };
}

export type Extractors = ReturnType<typeof createExtractors>;
