import type { Embeddings } from '../al/types';
import { knnGraph } from '../model/knn';

export interface NoisyLabel {
  /** Index of the point in the input. */
  index: number;
  /** The class the neighbourhood votes for (index into the classes). */
  predicted: number;
  /** Its share of the neighbours' weighted vote, in [0, 1]. */
  confidence: number;
  /** How often the point is among other labeled points' nearest neighbours, relative to the most (0–1]: how far its label reaches. */
  influence: number;
  /** confidence × influence: the review list's order. */
  priority: number;
}

/**
 * Labels their neighbourhood contradicts: each resolved item's class is predicted from its k
 * nearest labeled neighbours in the model's embedding space, leaving the item itself out (a
 * cross-validated guess: a model that saw the label cannot be asked about it), and an item whose
 * neighbours vote confidently for another class is returned, the labels that reach furthest
 * first. Pure; exact kNN, so the caller bounds the number of points.
 */
export function noisyLabels(input: { vectors: Embeddings; labels: Int32Array; classes: number; k?: number; minConfidence?: number; minNeighbours?: number }): NoisyLabel[] {
  const { vectors, labels, classes } = input;
  const k = input.k ?? 10;
  const minConfidence = input.minConfidence ?? 0.8;
  const minNeighbours = input.minNeighbours ?? 5;
  if (vectors.n !== labels.length) throw new RangeError(`${labels.length} labels for ${vectors.n} vectors`);
  if (vectors.n <= minNeighbours) return [];
  const g = knnGraph(vectors, k);
  const degree = new Float64Array(g.n);
  let maxDegree = 0;
  for (let i = 0; i < g.n; i++) {
    degree[i] = g.rowStart[i + 1] - g.rowStart[i];
    maxDegree = Math.max(maxDegree, degree[i]);
  }
  const out: NoisyLabel[] = [];
  const votes = new Float64Array(classes);
  for (let i = 0; i < g.n; i++) {
    votes.fill(0);
    let total = 0;
    for (let e = g.rowStart[i]; e < g.rowStart[i + 1]; e++) {
      votes[labels[g.cols[e]]] += g.weights[e];
      total += g.weights[e];
    }
    if (g.rowStart[i + 1] - g.rowStart[i] < minNeighbours || total <= 0) continue;
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
    const confidence = votes[best] / total;
    if (best === labels[i] || confidence < minConfidence) continue;
    const influence = maxDegree === 0 ? 0 : degree[i] / maxDegree;
    out.push({ index: i, predicted: best, confidence, influence, priority: confidence * influence });
  }
  return out.sort((a, b) => b.priority - a.priority || a.index - b.index);
}
