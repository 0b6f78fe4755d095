import type { Embeddings } from '../al/types';
import { buildFeatures, neighbourGraph, NEIGHBOURS, type Features } from './pipeline';

/** Learned embeddings at most this wide go to the neighbour graph as they are; wider ones through PCA first. */
export const DIRECT_GRAPH_MAX_DIM = 64;

/**
 * Features of a learned embedding (a user's ONNX model, n × d): rows scaled
 * to unit length (neighbours by cosine, as such embeddings are meant to be
 * compared), then straight to the kNN graph when d ≤ DIRECT_GRAPH_MAX_DIM,
 * else PCA to 50 first. A zero row stays zero.
 */
export function buildEmbeddingFeatures(x: Embeddings, opts: { neighbours?: number; seed?: number } = {}): Features {
  const data = new Float32Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) {
    let s = 0;
    for (let f = 0; f < x.d; f++) s += x.data[i * x.d + f] ** 2;
    const scale = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let f = 0; f < x.d; f++) data[i * x.d + f] = x.data[i * x.d + f] * scale;
  }
  const unit = { n: x.n, d: x.d, data };
  if (x.d > DIRECT_GRAPH_MAX_DIM) return buildFeatures(unit, opts);
  return { embeddings: unit, graph: neighbourGraph(unit, opts.neighbours ?? NEIGHBOURS) };
}
