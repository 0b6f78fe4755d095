import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { TandemError } from '../../lib/errors';
import {
  EmbeddingModelSpec, inputShape, planEmbeddingModel, type ModelOptions, type ModelSignature,
} from '../../lib/model/onnx-spec';
import { resizeRgb } from './pixels';

/**
 * A user's ONNX model run by onnxruntime-node on the CPU: the server opens it
 * once to read and check its signature (`tandem model add`), the trainer to
 * embed every image of a pool. onnxruntime-node is loaded on first use, so a
 * server or trainer that never sees a model never loads the native addon.
 */

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;
function ort(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => ((m as unknown as { default?: Ort }).default ?? m) as Ort);
  return ortModule;
}

/** The execution provider Tandem asks for. onnxruntime-node's npm package bundles the CPU provider (CUDA would need its install-time download; see FACTS.md). */
export const ONNX_PROVIDER = 'cpu';
export const ONNX_BACKEND = `onnxruntime-node ${ONNX_PROVIDER}`;
/** Images per session run: large enough to keep the CPU busy, small enough for 224×224×3 inputs (64 × 0.6 MB). */
export const ONNX_BATCH = 64;

async function openSession(bytes: Uint8Array, opts: { threads?: number; quiet?: boolean } = {}): Promise<InferenceSession> {
  const { InferenceSession } = await ort();
  return InferenceSession.create(bytes, {
    executionProviders: [ONNX_PROVIDER], graphOptimizationLevel: 'all', ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    // Inspection reports a failure itself, in one line: onnxruntime's own log would repeat it on stderr.
    ...(opts.quiet ? { logSeverityLevel: 4 as const } : {}),
  });
}

function signatureOf(session: InferenceSession): ModelSignature {
  const describe = (m: InferenceSession.ValueMetadata) => (m.isTensor
    ? { name: m.name, type: m.type as string, shape: [...m.shape] }
    : { name: m.name, type: null, shape: [] });
  return { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);

/**
 * Reads an ONNX file's signature, fills in what `opts` says, and runs it once
 * on gray images to learn (or confirm) its output width: a file onnxruntime
 * cannot load or run is refused here, before anything is stored. Throws a
 * `bad_request` TandemError with a one-line reason.
 */
export async function inspectOnnxModel(bytes: Uint8Array, file: { name: string; sha256: string }, opts: ModelOptions = {}): Promise<EmbeddingModelSpec> {
  let session: InferenceSession;
  try {
    session = await openSession(bytes, { quiet: true });
  } catch (e) {
    throw new TandemError('bad_request', `${file.name} is not an ONNX model onnxruntime can load: ${firstLine(e)}`);
  }
  try {
    const plan = planEmbeddingModel(signatureOf(session), { name: file.name, sha256: file.sha256, bytes: bytes.length }, opts);
    const n = plan.input.batch ?? 2;
    const { Tensor } = await ort();
    const shape = inputShape(plan, n);
    const gray = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < gray.length; i++) {
      const c = plan.input.layout === 'NCHW' ? Math.floor(i / (plan.input.size * plan.input.size)) % plan.input.channels : i % plan.input.channels;
      gray[i] = (0.5 - plan.input.mean[c]) / plan.input.std[c];
    }
    let out: Tensor;
    try {
      out = (await session.run({ [plan.input.name]: new Tensor('float32', gray, shape) }, [plan.output.name]))[plan.output.name];
    } catch (e) {
      throw new TandemError('bad_request', `${file.name} loads but does not run on a ${shape.join('×')} input: ${firstLine(e)} — check --input-size, --channels and --layout`);
    }
    if (out.type !== 'float32' || out.dims[0] !== n || out.size % n !== 0) {
      throw new TandemError('bad_request', `${file.name}: output "${plan.output.name}" came out as ${out.type} [${out.dims.join(',')}] for ${n} images; an embedding model gives float32 [N, d]`);
    }
    const dim = out.size / n;
    if (plan.output.dim !== null && plan.output.dim !== dim) throw new TandemError('bad_request', `${file.name}: output "${plan.output.name}" should be ${plan.output.dim} wide but came out ${dim}`);
    if (!(out.data as Float32Array).every(Number.isFinite)) throw new TandemError('bad_request', `${file.name}: output "${plan.output.name}" is not finite (NaN or ∞) on a gray image`);
    const spec = EmbeddingModelSpec.safeParse({ ...plan, output: { name: plan.output.name, dim } });
    if (!spec.success) throw new TandemError('bad_request', `${file.name}: ${spec.error.issues[0]?.path.join('.')}: ${spec.error.issues[0]?.message}`);
    return spec.data;
  } finally {
    await session.release().catch(() => undefined);
  }
}

export interface OnnxEmbedder {
  spec: EmbeddingModelSpec;
  provider: string;
  /** n images (PNG or JPEG bytes) → n × spec.output.dim embeddings, row by row. */
  embed(images: Buffer[]): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Loads a registered model for embedding. Images are resized to the model's
 * side, normalised per channel and laid out as it wants, and run in batches
 * of ONNX_BATCH (or the model's fixed batch, the last one padded); calls are
 * queued so that one run has the CPU at a time.
 */
export async function createOnnxEmbedder(bytes: Uint8Array, spec: EmbeddingModelSpec, opts: { threads?: number } = {}): Promise<OnnxEmbedder> {
  const { Tensor } = await ort();
  const session = await openSession(bytes, { threads: opts.threads });
  const { size, channels, layout, mean, std } = spec.input;
  const batch = spec.input.batch ?? ONNX_BATCH;
  const plane = size * size;
  const per = plane * channels;
  const rgb = new Float32Array(plane * 3);
  const input = new Float32Array(batch * per);
  const d = spec.output.dim;
  let queue: Promise<unknown> = Promise.resolve();

  /** One image into slot `b` of the input tensor. */
  function place(image: Buffer, b: number): void {
    resizeRgb(image, size, rgb, 0);
    const base = b * per;
    for (let p = 0; p < plane; p++) {
      const r = rgb[p * 3];
      const g = rgb[p * 3 + 1];
      const bl = rgb[p * 3 + 2];
      for (let c = 0; c < channels; c++) {
        const v = channels === 1 ? 0.299 * r + 0.587 * g + 0.114 * bl : c === 0 ? r : c === 1 ? g : bl;
        input[layout === 'NCHW' ? base + c * plane + p : base + p * channels + c] = (v - mean[c]) / std[c];
      }
    }
  }

  async function embedNow(images: Buffer[]): Promise<Float32Array> {
    const out = new Float32Array(images.length * d);
    for (let start = 0; start < images.length; start += batch) {
      const m = Math.min(batch, images.length - start);
      for (let b = 0; b < m; b++) place(images[start + b], b);
      // A model fixed to its batch gets whole batches; the padding rows are dropped.
      const rows = spec.input.batch ?? m;
      const feed = new Tensor('float32', input.subarray(0, rows * per), inputShape(spec, rows));
      const result = (await session.run({ [spec.input.name]: feed }, [spec.output.name]))[spec.output.name];
      const data = result.data as Float32Array;
      if (data.length !== rows * d) throw new Error(`model ${spec.name} gave ${data.length} values for ${rows} images; expected ${d} each`);
      for (let i = 0; i < m * d; i++) {
        if (!Number.isFinite(data[i])) throw new Error(`model ${spec.name} gave a non-finite embedding for image ${start + Math.floor(i / d)} of the batch`);
      }
      out.set(data.subarray(0, m * d), start * d);
    }
    return out;
  }

  return {
    spec,
    provider: ONNX_PROVIDER,
    embed(images) {
      const run = queue.then(() => embedNow(images));
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => session.release(),
  };
}
