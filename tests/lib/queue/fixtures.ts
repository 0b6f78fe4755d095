import type { Embeddings } from '../../../lib/al/types';
import type { DealInput, RankingView } from '../../../lib/queue/input';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../../../lib/queue/settings';
import { mulberry32 } from '../../../lib/random';

/** Builders for the queue tests: seeded synthetic pools with a ranking, embeddings and holds. */

export const settings = (over: Partial<QueueSettings> = {}): QueueSettings => ({ ...DEFAULT_QUEUE_SETTINGS, ...over });

export const ints = (xs: Iterable<number>) => Int32Array.from(xs);

/** n items in 4-d space around `clusters` random centres; item i's predicted class is its cluster mod `classes`. */
export function syntheticPool(n: number, seed: number, opts: { clusters?: number; classes?: number; d?: number } = {}): { emb: Embeddings; ranking: RankingView; cluster: Int32Array } {
  const rng = mulberry32(seed);
  const d = opts.d ?? 4;
  const clusters = opts.clusters ?? 8;
  const classes = opts.classes ?? 4;
  const centres = Array.from({ length: clusters * d }, () => (rng() - 0.5) * 20);
  const data = new Float32Array(n * d);
  const cluster = new Int32Array(n);
  const score = new Float32Array(n);
  const confidence = new Float32Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * clusters);
    cluster[i] = c;
    for (let f = 0; f < d; f++) data[i * d + f] = centres[c * d + f] + (rng() - 0.5);
    score[i] = rng();
    confidence[i] = 0.5 + 0.5 * rng();
    predicted[i] = c % classes;
  }
  return { emb: { n, d, data }, ranking: { version: 7, strategy: 'auto', score, confidence, predicted }, cluster };
}

/** A trusted, ranked input over a synthetic pool; override anything. */
export function dealInput(n: number, seed: number, over: Partial<DealInput> = {}): DealInput {
  const { emb, ranking } = syntheticPool(n, seed);
  return { n, ranking, embeddings: emb, trusted: true, settings: settings(), seed, ...over };
}

/** Items of a batch, in order. */
export const itemsOf = (b: { assignments: { item: number }[] }) => b.assignments.map((a) => a.item);
export const kindsOf = (b: { assignments: { stream: { kind: string } }[] }) => b.assignments.map((a) => a.stream.kind);

/** Longest run of kinds satisfying `pred` in a sequence. */
export function longestRun<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  let best = 0;
  let run = 0;
  for (const x of xs) {
    run = pred(x) ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}
