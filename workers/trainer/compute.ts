import { createRequire } from 'node:module';
import type { DenseHead } from '../../lib/model';
import { createDenseHead, headName, type DenseHeadOptions } from './tf-head';
import { loadTf, type TfChoice } from './tf';

/**
 * What the trainer computes with, decided once at start: label spreading in
 * typed arrays (always), and the dense head with MC dropout on tfjs
 * (tfjs-node-gpu or wasm, `loadTf`) when tfjs starts. Without tfjs the
 * trainer still ranks with every strategy that needs no samples on a pool
 * small enough for the graph; BALD, vote entropy and pools above
 * GRAPH_MAX_ITEMS fail their jobs with a message naming the cause. Never the
 * pure-JS tfjs `cpu` backend (loadTf refuses it).
 */
export interface Compute {
  /** The trainer's dense head, or none when tfjs could not start. */
  head?: DenseHead;
  /** Logged at start and sent with every model version (≤ 100 characters, the protocol's limit). */
  backend: string;
  /**
   * The backends a job claim names (ClaimJobRequest.backends), best first:
   * tfjs's (`tfjs-node-gpu` or `tfjs-wasm`) when it started, then
   * `onnxruntime-node` (CPU) when installed, for a project's ONNX embedding model.
   */
  backends: string[];
  /** tfjs as loadTf describes it, e.g. "tfjs 4.22.0 wasm (cpu, simd)". */
  tf?: string;
  /** The head's name (headName), e.g. "tfjs-mlp64-dropout0.5". */
  headName?: string;
  /** Why tfjs did not start. */
  tfError?: string;
}

export const SPREADING = 'label spreading (typed arrays)';

/** Loads tfjs (once per process) and builds the head on it; a failure is reported, not thrown. */
export async function loadCompute(choice?: TfChoice, opts: DenseHeadOptions = {}): Promise<Compute> {
  try {
    const rt = await loadTf(choice);
    return {
      head: createDenseHead(rt.tf, opts), backend: `${SPREADING} + ${rt.description} MC-dropout head`, tf: rt.description, headName: headName(opts),
      backends: claimBackends(rt.backend, hasOnnxRuntime()),
    };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { backend: `${SPREADING}; no tfjs head (bald, vote-entropy, big pools off)`, tfError: reason, backends: claimBackends(null, hasOnnxRuntime()) };
  }
}

/** The compute of a trainer built without `loadCompute` (tests that need no head): label spreading only. */
export const SPREADING_ONLY: Compute = { backend: `${SPREADING}; no tfjs head (bald, vote-entropy, big pools off)`, backends: [] };

/** The claim's backend names from tfjs's backend (null: tfjs did not start) and whether onnxruntime-node is installed. */
export function claimBackends(tf: 'tensorflow' | 'wasm' | null, onnx: boolean): string[] {
  const names: string[] = [];
  if (tf === 'tensorflow') names.push('tfjs-node-gpu');
  else if (tf === 'wasm') names.push('tfjs-wasm');
  if (onnx) names.push('onnxruntime-node');
  return names;
}

/** Whether onnxruntime-node resolves (it is loaded only when a project has an ONNX model; resolving does not load it). */
function hasOnnxRuntime(): boolean {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * The backend string of one model version: the embedding's own compute first
 * when it has one (said once when it is the head's tfjs too), cut to the
 * protocol's 100 characters.
 */
export function versionBackend(compute: Compute, embedding: string | null): string {
  const full = !embedding ? compute.backend
    : embedding === compute.tf ? `label spreading + ${embedding} embeddings and MC-dropout head`
    : `${embedding} embeddings; ${compute.backend.replace(' (typed arrays)', '')}`;
  return full.length <= 100 ? full : `${full.slice(0, 99)}…`;
}
