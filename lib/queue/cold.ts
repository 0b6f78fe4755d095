import { clusterStratified, randomPick } from '../al/coldstart';
import type { Embeddings } from '../al/types';
import type { QueueSettings } from './settings';

/** Most labeled items passed to k-means as fixed centres (each costs a pass over the sample). */
export const MAX_COLD_CENTRES = 2000;

export interface ColdOptions {
  want: number;
  method: QueueSettings['cold'];
  /** Items that may be picked, distinct. */
  candidates: Int32Array;
  /** Labeled and held items: clusters they already cover get no pick (stratified only). */
  centres: Int32Array;
  seed: number;
}

/**
 * The cold stream, before the model's uncertainty is trusted: one item per k-means cluster
 * of the candidates (around the labeled and held items, so the team covers new clusters),
 * or seeded random when asked or when there are no embeddings. A long label list (a project
 * that stays cold because one class never showed up) is subsampled to MAX_COLD_CENTRES.
 */
export function pickCold(emb: Embeddings | undefined, opts: ColdOptions): { indices: Int32Array; method: QueueSettings['cold'] } {
  const want = Math.max(0, Math.floor(opts.want));
  if (opts.method === 'random' || emb === undefined || want === 0 || opts.candidates.length <= want) {
    return { indices: randomPick(opts.candidates, want, opts.seed).indices, method: 'random' };
  }
  const centres = opts.centres.length > MAX_COLD_CENTRES
    ? randomPick(opts.centres, MAX_COLD_CENTRES, opts.seed ^ 0x2545f491).indices
    : opts.centres;
  const s = clusterStratified(emb, { batch: want, seed: opts.seed, candidates: opts.candidates, centres });
  return { indices: s.indices, method: 'stratified' };
}
