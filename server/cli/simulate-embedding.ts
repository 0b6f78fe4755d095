import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isTandemError } from '../../lib/errors';
import { mapLimit } from '../../lib/import/map-limit';
import {
  BUILTIN_EMBEDDINGS, BUILTIN_PREFIX, chooseBuiltin, isColour, parseBuiltinRef, type BuiltinEmbeddingName, type ImageSample,
} from '../../lib/model/builtin-embeddings';
import { onnxExtractor, photoExtractor, PIXEL_EXTRACTOR, type Extractor } from '../../workers/trainer/extractor';
import { createOnnxEmbedder, inspectOnnxModel } from '../../workers/trainer/onnx-embedder';
import { loadPhotoEmbedder } from '../../workers/trainer/photo-embedder';
import { decodeRgba } from '../../workers/trainer/pixels';
import { AUTO_SAMPLE } from '../services/models';
import { UsageError } from './commands';
import { AUTO_RULE } from './models';

/**
 * `tandem simulate --embedding`: what each image becomes before the model
 * sees it, with the trainer's own extractors (workers/trainer/extractor.ts)
 * and the server's own auto rule (chooseBuiltin on a sample of the images),
 * so that a simulation measures what a project would get.
 */

/** What `--embedding` names: the auto rule, a built-in, or a user's ONNX file (an absolute path). */
export type EmbeddingOption =
  | { kind: 'auto' }
  | { kind: 'builtin'; name: BuiltinEmbeddingName }
  | { kind: 'onnx'; file: string };

const BUILTIN_REFS = BUILTIN_EMBEDDINGS.map((b) => BUILTIN_PREFIX + b);

export const EMBEDDING_HELP = `how images become features: auto (the trainer's rule: ${AUTO_RULE}), ${BUILTIN_REFS.join(', ')}, or FILE.onnx (an image embedding model, as \`tandem model add\` takes)`;

/** `--embedding VALUE` → an option; `cwd` resolves a relative ONNX path. Unknown values are a UsageError (exit 2). */
export function parseEmbeddingOption(value: string, cwd: string): EmbeddingOption {
  const v = value.trim();
  if (v === 'auto') return { kind: 'auto' };
  if (v.startsWith(BUILTIN_PREFIX)) {
    const name = parseBuiltinRef(v);
    if (!name) throw new UsageError(`no built-in embedding '${v}' — use ${BUILTIN_REFS.join(' or ')} (or auto, or FILE.onnx)`);
    return { kind: 'builtin', name };
  }
  if (/\.onnx$/i.test(v)) return { kind: 'onnx', file: path.resolve(cwd, v) };
  throw new UsageError(`unknown --embedding '${v}' — use auto, ${BUILTIN_REFS.join(', ')} or an ONNX model file (FILE.onnx)`);
}

/** The extractor a simulation embeds with, and how it was chosen. */
export interface ChosenEmbedding {
  /** `builtin:pixels`, `builtin:mobilenet-v2`, or the ONNX file's name. */
  ref: string;
  /** `auto: <the rule's reason>`, or `--embedding <ref>`. */
  choice: string;
  extractor: Extractor;
  /** Releases what the extractor holds (an ONNX session). */
  close(): Promise<void>;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);

async function builtin(name: BuiltinEmbeddingName, choice: string): Promise<ChosenEmbedding> {
  const close = async () => undefined;
  switch (name) {
    case 'pixels': return { ref: BUILTIN_PREFIX + name, choice, extractor: PIXEL_EXTRACTOR, close };
    case 'mobilenet-v2': return { ref: BUILTIN_PREFIX + name, choice, extractor: photoExtractor(await loadPhotoEmbedder()), close };
  }
}

/** A user's ONNX file, checked as `tandem model add` checks it (opened and run once), then loaded for embedding. */
async function onnx(file: string): Promise<ChosenEmbedding> {
  const name = path.basename(file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`--embedding: no ONNX file at ${file}`);
  const bytes = fs.readFileSync(file);
  const spec = await inspectOnnxModel(bytes, { name, sha256: createHash('sha256').update(bytes).digest('hex') }).catch((e: unknown) => {
    throw isTandemError(e) ? new UsageError(`--embedding: ${e.message}`) : e;
  });
  const embedder = await createOnnxEmbedder(bytes, spec);
  return { ref: name, choice: `--embedding ${name}`, extractor: onnxExtractor(embedder), close: () => embedder.close() };
}

/**
 * Loads the extractor `option` names. `sample` is asked only under `auto`:
 * a spread-out sample of the data set's images, as the server takes one of a
 * project's, for the trainer's rule (chooseBuiltin).
 */
export async function openEmbedding(option: EmbeddingOption, sample: () => Promise<ImageSample[]>): Promise<ChosenEmbedding> {
  switch (option.kind) {
    case 'auto': {
      const choice = chooseBuiltin(await sample());
      return builtin(choice.name, `auto: ${choice.reason}`);
    }
    case 'builtin': return builtin(option.name, `--embedding ${BUILTIN_PREFIX}${option.name}`);
    case 'onnx': return onnx(option.file);
  }
}

/** Files read at once: reading waits on the disk. */
const READ_CONCURRENCY = 16;

/**
 * AUTO_SAMPLE images spread evenly over `files` (the server's sample is
 * spread by content hash), with their sizes and whether they are in colour.
 * Images that cannot be read or decoded are left out here (the embedding
 * pass reports them).
 */
export async function sampleImages(files: readonly string[]): Promise<ImageSample[]> {
  const count = Math.min(AUTO_SAMPLE, files.length);
  const picked = Array.from({ length: count }, (_, j) => files[Math.floor((j * files.length) / count)]);
  const samples = await mapLimit(picked, READ_CONCURRENCY, async (file): Promise<ImageSample | null> => {
    try {
      const { width, height, rgba } = decodeRgba(await fs.promises.readFile(file));
      return { width, height, colour: isColour(rgba) };
    } catch {
      return null;
    }
  });
  return samples.filter((s): s is ImageSample => s !== null);
}

/** Images read and embedded at once: one progress step, and what a broken image makes us redo one by one. */
const CHUNK = 64;

/**
 * `count` images through the extractor, in chunks (the photo CNN and ONNX
 * models run whole batches): row i at `rows[i * extractor.dim]`. An image
 * that cannot be read or embedded gets a reason in `failures` (its row stays
 * zero); the others are embedded as if it were not there.
 */
export async function embedImages(
  extractor: Extractor, count: number, read: (i: number) => Promise<Buffer>, onProgress?: (done: number, total: number) => void,
): Promise<{ rows: Float32Array; failures: (string | undefined)[] }> {
  const rows = new Float32Array(count * extractor.dim);
  const failures = new Array<string | undefined>(count);
  for (let start = 0; start < count; start += CHUNK) {
    const index = Array.from({ length: Math.min(CHUNK, count - start) }, (_, j) => start + j);
    const images = await mapLimit(index, READ_CONCURRENCY, async (i) => {
      try {
        return await read(i);
      } catch (e) {
        failures[i] = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read it (${firstLine(e)})`;
        return null;
      }
    });
    const ok = index.filter((_, j) => images[j] !== null);
    const bytes = (i: number) => images[i - start]!;
    try {
      await extractor.encode(ok.map(bytes), rows, ok);
    } catch {
      for (const i of ok) {
        try {
          await extractor.encode([bytes(i)], rows, [i]);
        } catch (e) {
          rows.fill(0, i * extractor.dim, (i + 1) * extractor.dim);
          failures[i] = `cannot decode it (${firstLine(e)})`;
        }
      }
    }
    onProgress?.(start + index.length, count);
  }
  return { rows, failures };
}
