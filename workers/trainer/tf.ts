/**
 * The trainer's TensorFlow.js, loaded once at run time on the best backend
 * this host has: `@tensorflow/tfjs-node-gpu` when it is installed (a GPU host:
 * `npm install @tensorflow/tfjs-node-gpu`; it is an optional peer dependency
 * because its install script downloads libtensorflow), else
 * `@tensorflow/tfjs-backend-wasm` (ships inside the package, SIMD on).
 * Never the pure-JS `cpu` backend: it is 6× slower than wasm on the same
 * work (FACTS.md), so a host where wasm cannot start gets an error naming
 * the cause instead of a silently slow trainer.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

export interface TfRuntime {
  tf: Tf;
  /** The backend tfjs runs on: 'tensorflow' (tfjs-node-gpu) or 'wasm'. */
  backend: 'tensorflow' | 'wasm';
  /** What to log at start and show with every model version. */
  description: string;
}

/** TANDEM_TF_BACKEND: `auto` (default: gpu when installed, else wasm), `gpu` (fail without it) or `wasm`. */
export type TfChoice = 'auto' | 'gpu' | 'wasm';

let loading: Promise<TfRuntime> | undefined;

/** The process's tfjs runtime (one per process: tfjs keeps its backend in a global). */
export function loadTf(choice: TfChoice = parseChoice(process.env.TANDEM_TF_BACKEND)): Promise<TfRuntime> {
  loading ??= startTf(choice).catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

export function parseChoice(value: string | undefined): TfChoice {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'gpu' || value === 'wasm') return value;
  throw new Error(`TANDEM_TF_BACKEND must be auto, gpu or wasm (got "${value}")`);
}

/** Starts tfjs on the chosen backend, uncached (loadTf is the one to call; this one tests the choice). */
export async function startTf(choice: TfChoice): Promise<TfRuntime> {
  if (choice !== 'wasm') {
    const gpu = await tryGpu();
    if (gpu.runtime) return gpu.runtime;
    if (choice === 'gpu') throw new Error(`TANDEM_TF_BACKEND=gpu but @tensorflow/tfjs-node-gpu cannot be used: ${gpu.reason}`);
  }
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(`tfjs could not start its wasm backend (got "${tf.getBackend()}"); the pure-JS cpu backend is too slow to train on, so the trainer stops here`);
  }
  return { tf, backend: 'wasm', description: `tfjs ${tf.version.tfjs} wasm (cpu, simd)` };
}

async function tryGpu(): Promise<{ runtime?: TfRuntime; reason: string }> {
  // A variable specifier: the package is optional, so neither tsc nor a bundler may insist on it.
  const name = '@tensorflow/tfjs-node-gpu';
  try {
    const tf = (await import(name)) as Tf;
    await tf.ready();
    if (tf.getBackend() !== 'tensorflow') return { reason: `it started the "${tf.getBackend()}" backend` };
    return { runtime: { tf, backend: 'tensorflow', description: `tfjs-node-gpu ${tf.version.tfjs} (tensorflow, CUDA)` }, reason: '' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve/.test(err.message);
    return { reason: missing ? 'not installed' : err.message };
  }
}
