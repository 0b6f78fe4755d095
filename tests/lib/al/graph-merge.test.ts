import { describe, expect, it } from 'vitest';
import { graphMergedClusters, OVERCLUSTER } from '../../../lib/al/graph-merge';
import { selectBatch } from '../../../lib/al';
import { typicalCluster } from '../../../lib/al/typical';
import { knnGraph } from '../../../lib/model/knn';
import { mulberry32 } from '../../../lib/random';
import { embOf } from './fixtures';

/**
 * Three classes in the plane: a long thin line (x 0 … 30, 120 points) and two tight blobs of 40
 * 1.5 apart at x = 45 and 46.5. k-means with 3 clusters does better by its own measure splitting
 * the line and putting both blobs in one cluster; the neighbour graph has no edge between the blobs.
 */
function lineAndTwoBlobs() {
  const rng = mulberry32(3);
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 120; i++) { rows.push([(30 * i) / 119, (rng() - 0.5) * 0.2]); truth.push(0); }
  for (const [c, x] of [[1, 45], [2, 46.5]]) {
    for (let i = 0; i < 40; i++) { rows.push([x + (rng() - 0.5) * 0.3, (rng() - 0.5) * 0.3]); truth.push(c); }
  }
  const emb = embOf(rows);
  return { emb, truth, graph: knnGraph(emb, 5), all: Int32Array.from({ length: rows.length }, (_, i) => i) };
}

const classesOf = (picks: Int32Array, truth: number[]) => new Set(Array.from(picks, (i) => truth[i]));

describe('graphMergedClusters', () => {
  it('over-clusters with k-means, then merges what the graph ties together, down to k clusters', () => {
    const { emb, truth, graph, all } = lineAndTwoBlobs();
    const assign = graphMergedClusters(emb, [graph], { k: 3, seed: 1, points: all });
    expect(new Set(assign).size).toBe(3);
    // Each class is exactly one cluster.
    for (let c = 0; c < 3; c++) {
      const clusters = new Set(Array.from(all).filter((i) => truth[i] === c).map((i) => assign[i]));
      expect(clusters.size).toBe(1);
    }
  });

  it('keeps k clusters when the graph has no edges between any of them (nothing ties them)', () => {
    const { emb, all } = lineAndTwoBlobs();
    const empty = { n: emb.n, rowStart: new Int32Array(emb.n + 1), cols: new Int32Array(0), weights: new Float32Array(0) };
    const assign = graphMergedClusters(emb, [empty], { k: 3, seed: 1, points: all });
    expect(new Set(assign).size).toBe(3);
    expect(Math.max(...assign)).toBe(2);
  });

  it('asks k-means for OVERCLUSTER × k clusters, fewer when there are fewer points', () => {
    expect(OVERCLUSTER).toBeGreaterThan(1);
    const emb = embOf([[0], [1], [10], [11]]);
    const assign = graphMergedClusters(emb, [knnGraph(emb, 1)], { k: 2, seed: 1, points: Int32Array.of(0, 1, 2, 3) });
    expect(Array.from(assign)).toEqual([0, 0, 1, 1]);
  });

  it('refuses a graph of another pool', () => {
    const { emb, all } = lineAndTwoBlobs();
    expect(() => graphMergedClusters(emb, [knnGraph(embOf([[0], [1]]), 1)], { k: 3, seed: 1, points: all })).toThrow(/a graph of 2 nodes for 200 items/);
  });
});

describe('typicalCluster with graphs', () => {
  it('covers every class where k-means alone, even kept at its best of 10 runs, misses one', () => {
    const { emb, truth, graph } = lineAndTwoBlobs();
    const plain = typicalCluster(emb, { batch: 3, seed: 1, restarts: 10 });
    expect(classesOf(plain.indices, truth).size).toBe(2);
    const merged = typicalCluster(emb, { batch: 3, seed: 1, graphs: [graph] });
    expect(classesOf(merged.indices, truth)).toEqual(new Set([0, 1, 2]));
  });

  it('is what auto and typical-cluster pick for a first batch given graphs, and not once labels exist', () => {
    const { emb, truth, graph, all } = lineAndTwoBlobs();
    for (const name of ['auto', 'typical-cluster'] as const) {
      const first = selectBatch(name, { embeddings: emb, graphs: [graph], batch: 3, seed: 1, classesSeen: 0 });
      expect(classesOf(first.indices, truth)).toEqual(new Set([0, 1, 2]));
    }
    // With labels the clusters are k-means' again (the graphs are for the first batch only).
    const labeledIdx = Int32Array.of(0);
    const later = selectBatch('typical-cluster', { embeddings: emb, graphs: [graph], labeledIdx, batch: 3, seed: 1 });
    const without = selectBatch('typical-cluster', { embeddings: emb, labeledIdx, batch: 3, seed: 1 });
    expect(Array.from(later.indices)).toEqual(Array.from(without.indices));
    expect(all.length).toBe(200);
  });

  it('rejects graphs whose size is not the pool size, with a message', () => {
    const { emb } = lineAndTwoBlobs();
    expect(() => selectBatch('typical-cluster', { embeddings: emb, graphs: [knnGraph(embOf([[0], [1]]), 1)], batch: 3, seed: 1 }))
      .toThrow(/embeddings has 200 items but a graph has 2/);
  });
});
