import { z } from 'zod';
import { StoredText } from '../protocol/stored';
import { TandemError } from '../errors';
import { DIRECT_GRAPH_MAX_DIM } from './embedding';
import { NEIGHBOURS, PCA_COMPONENTS } from './pipeline';

/**
 * A user-supplied ONNX model (`tandem model add`), as Tandem records it: what
 * the file is (name, SHA-256, size), how an image becomes its input tensor
 * (layout, side, channels, normalisation) and what comes out. Pure: the
 * server reads the model's signature with onnxruntime-node and hands it here.
 *
 * Normalisation: pixels are read in 0–1, then each channel is `(v − mean) / std`
 * (ImageNet's values by default for 3 channels, none for 1).
 */

export const MODEL_KINDS = ['embedding'] as const;
export const LAYOUTS = ['NCHW', 'NHWC'] as const;
export type Layout = (typeof LAYOUTS)[number];

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
/** Side used when the model leaves its spatial size open and the user gives none. */
export const DEFAULT_INPUT_SIZE = 224;
export const MAX_INPUT_SIZE = 2048;
export const MAX_OUTPUT_DIM = 65_536;

const Finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const ModelName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use 1–64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit');

export const EmbeddingModelSpec = z.object({
  kind: z.enum(MODEL_KINDS),
  name: ModelName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  /** Size of the .onnx file. */
  bytes: z.number().int().positive(),
  input: z.object({
    name: StoredText.min(1).max(200),
    layout: z.enum(LAYOUTS),
    /** Images are resized to size × size. */
    size: z.number().int().min(1).max(MAX_INPUT_SIZE),
    channels: z.union([z.literal(1), z.literal(3)]),
    mean: z.array(Finite).min(1).max(3),
    std: z.array(Finite.refine((x) => x > 0, 'must be > 0')).min(1).max(3),
    /** The batch size the model is fixed to, or null when it takes any. */
    batch: z.number().int().positive().nullable(),
  }),
  output: z.object({
    name: StoredText.min(1).max(200),
    /** Width of one image's embedding (every non-batch dimension multiplied). */
    dim: z.number().int().min(1).max(MAX_OUTPUT_DIM),
  }),
}).superRefine((s, ctx) => {
  for (const key of ['mean', 'std'] as const) {
    if (s.input[key].length !== s.input.channels) {
      ctx.addIssue({ code: 'custom', path: ['input', key], message: `needs one value per channel (${s.input.channels})` });
    }
  }
});
export type EmbeddingModelSpec = z.infer<typeof EmbeddingModelSpec>;

/** One input or output as onnxruntime reports it: a type and a shape whose dimensions are numbers or symbolic names. */
export interface TensorSignature {
  name: string;
  /** `float32`, `int64`, …; null for a non-tensor value (a map, a sequence). */
  type: string | null;
  shape: (number | string)[];
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** What the user may say about a model that its signature leaves open (or to override a guess). */
export const ModelOptions = z.object({
  name: ModelName.optional(),
  inputSize: z.number().int().min(1).max(MAX_INPUT_SIZE).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  layout: z.enum(LAYOUTS).optional(),
  mean: z.array(Finite).min(1).max(3).optional(),
  std: z.array(Finite.refine((x) => x > 0, 'must be > 0')).min(1).max(3).optional(),
  /** Which output is the embedding, when the model has several (default: the first). */
  output: StoredText.min(1).max(200).optional(),
}).strict();
export type ModelOptions = z.infer<typeof ModelOptions>;

/** A spec still missing its output width when the signature leaves it symbolic: a trial run tells. */
export type ModelPlan = Omit<EmbeddingModelSpec, 'output'> & { output: { name: string; dim: number | null } };

const bad = (message: string) => new TandemError('bad_request', message);
const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
const shapeText = (s: (number | string)[]) => `[${s.join(',')}]`;

/** `My Model.v2.onnx` → `my-model.v2`: a default name from the file name. */
export function modelNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.onnx$/i, '');
  const name = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64).replace(/[-._]+$/, '');
  return name || 'model';
}

/**
 * Checks a model's signature against what Tandem can feed it (one float
 * image tensor, NCHW or NHWC, 1 or 3 channels, square) and fills in what the
 * user gave; throws a `bad_request` TandemError that says what to change.
 */
export function planEmbeddingModel(sig: ModelSignature, file: { name: string; sha256: string; bytes: number }, opts: ModelOptions = {}): ModelPlan {
  if (sig.inputs.length !== 1) {
    throw bad(`the model takes ${sig.inputs.length} inputs (${sig.inputs.map((i) => i.name).join(', ')}); an embedding model must take one image tensor`);
  }
  const input = sig.inputs[0];
  if (input.type !== 'float32') throw bad(`the model's input "${input.name}" is ${input.type ?? 'not a tensor'}; it must be float32`);
  const shape = input.shape;
  if (shape.length !== 4) {
    throw bad(`the model's input "${input.name}" has shape ${shapeText(shape)}; an image model takes [N,C,H,W] or [N,H,W,C]`);
  }
  const isChannels = (d: number | string) => d === 1 || d === 3;
  const layout: Layout = opts.layout ?? (isChannels(shape[3]) && !isChannels(shape[1]) ? 'NHWC' : 'NCHW');
  const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]];
  if (fixed(c) && !isChannels(c)) throw bad(`the model's input ${shapeText(shape)} has ${c} channels in ${layout}; Tandem feeds 1 (gray) or 3 (RGB) — give --layout if it is the other order`);
  if (fixed(c) && opts.channels !== undefined && opts.channels !== c) throw bad(`the model takes ${c} channels; --channels ${opts.channels} does not fit`);
  const channels = (fixed(c) ? c : opts.channels ?? 3) as 1 | 3;
  if (fixed(h) && fixed(w) && h !== w) throw bad(`the model's input is ${h}×${w}; Tandem feeds square images only`);
  const side = fixed(h) ? h : fixed(w) ? w : undefined;
  if (side !== undefined && opts.inputSize !== undefined && opts.inputSize !== side) {
    throw bad(`the model's input is fixed at ${side}×${side}; --input-size ${opts.inputSize} does not fit`);
  }
  const size = side ?? opts.inputSize ?? DEFAULT_INPUT_SIZE;
  if (size > MAX_INPUT_SIZE) throw bad(`the model's input side ${size} is over ${MAX_INPUT_SIZE}`);
  const mean = opts.mean ?? (channels === 3 ? IMAGENET_MEAN : [0]);
  const std = opts.std ?? (channels === 3 ? IMAGENET_STD : [1]);
  if (mean.length !== channels || std.length !== channels) throw bad(`--mean and --std need ${channels} value${channels > 1 ? 's' : ''}, one per channel`);

  if (sig.outputs.length === 0) throw bad('the model has no outputs');
  const output = opts.output === undefined ? sig.outputs[0] : sig.outputs.find((o) => o.name === opts.output);
  if (!output) throw bad(`the model has no output "${opts.output}"; its outputs are ${sig.outputs.map((o) => o.name).join(', ')}`);
  if (output.type !== 'float32') throw bad(`the model's output "${output.name}" is ${output.type ?? 'not a tensor'}; an embedding must be float32`);
  const rest = output.shape.slice(1);
  const dim = output.shape.length >= 2 && rest.every(fixed) ? rest.reduce((a, b) => a * b, 1) : null;
  if (dim !== null && dim > MAX_OUTPUT_DIM) throw bad(`the model's output ${shapeText(output.shape)} is ${dim} values per image; at most ${MAX_OUTPUT_DIM} make an embedding`);

  return {
    kind: 'embedding',
    name: opts.name ?? modelNameFromFile(file.name),
    sha256: file.sha256,
    bytes: file.bytes,
    input: { name: input.name, layout, size, channels, mean, std, batch: fixed(shape[0]) ? shape[0] : null },
    output: { name: output.name, dim },
  };
}

/** The input tensor's shape for a batch of `n` images. */
export function inputShape(spec: Pick<EmbeddingModelSpec, 'input'>, n: number): number[] {
  const { size, channels, layout } = spec.input;
  return layout === 'NCHW' ? [n, channels, size, size] : [n, size, size, channels];
}

/** The model name a trainer reports when it embeds with a user's ONNX model. */
export function onnxModelName(spec: Pick<EmbeddingModelSpec, 'name' | 'output'>): string {
  const reduce = spec.output.dim > DIRECT_GRAPH_MAX_DIM ? `pca${PCA_COMPONENTS}-` : '';
  return `onnx:${spec.name}-${reduce}knn${NEIGHBOURS}-label-spreading`;
}
