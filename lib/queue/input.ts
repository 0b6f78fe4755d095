import type { Embeddings } from '../al/types';
import type { ColdIndex } from './cold';
import type { HoldoutIndex } from './holdout';
import type { QueueSettings } from './settings';
import type { StreamKind } from './streams';

/**
 * What the dealing policy needs to know, as plain typed arrays. Items are pool indices
 * 0 … n − 1 (the service maps item ids to indices once per ranking); every list holds
 * indices. Lists the service has nothing for may be left out.
 */

/** The newest applied ranking, spread over the pool: entry i belongs to item i. */
export interface RankingView {
  /** The ranking's id, recorded on every assignment dealt while it is the newest. */
  version: number;
  /** The strategy that produced it, recorded on uncertain assignments. */
  strategy: string;
  /** Worth labeling next, higher first; NaN for an item the ranking does not cover. */
  score: Float32Array;
  /** Predicted class index; −1 when unranked. */
  predicted: Int32Array;
  /** Top-class probability in [0, 1]; NaN when unranked. */
  confidence: Float32Array;
  /**
   * Optional, for large pools: every ranked item by score (best first) and by confidence
   * (most confident first). The service sorts them once per ranking and caches them; with
   * them a deal walks the top of the ranking instead of scanning the whole pool.
   */
  byScore?: Int32Array;
  byConfidence?: Int32Array;
  /**
   * The strategy's batch at the top of the ranking, in pick order (rankings.lead): a low-budget
   * strategy's picks, made a dealt batch at a time. The cold stream deals them first.
   */
  lead?: Int32Array;
}

/** Items with at least one label, and from how many distinct annotators. */
export interface LabelCounts {
  item: Int32Array;
  count: Int32Array;
}

/** Active leases of the other annotators: item and holder, one row per lease. */
export interface Holds {
  item: Int32Array;
  by: Int32Array;
}

/** Holdout items and the group each belongs to (groups numbered by the service). */
export interface HoldoutItems {
  item: Int32Array;
  group: Int32Array;
}

/**
 * learn: the normal mix. holdout-only: a stopping target was met and the project keeps
 * dealing holdout items alone, so the metric's estimate tightens without training labels.
 */
export type DealMode = 'learn' | 'holdout-only';

export interface DealInput {
  /** Pool size. */
  n: number;
  /** The newest applied ranking; absent before the first one (then every pick is cold). */
  ranking?: RankingView;
  /** Whether the model's uncertainty is trusted yet (see `uncertaintyTrusted` in lib/al); false means the cold stream. */
  trusted: boolean;
  /** One vector per item; without them uncertain picks follow rank order and cold picks are random. */
  embeddings?: Embeddings;
  /** Labeled items and their label counts (the annotator's own labels included). */
  labeled?: LabelCounts;
  /** Items labeled since the ranking was made: never dealt, and centres the uncertain picks keep away from. */
  fresh?: Int32Array;
  /** What the other annotators hold now. Never dealt again, except as overlap or gold. */
  held?: Holds;
  /** Items this annotator labeled, skipped or holds: never dealt to them again. */
  mine?: Int32Array;
  /** Gold items (known answer): dealt only by the gold stream. */
  gold?: Int32Array;
  /** Items whose people's answers disagree: the overlap stream deals them to `tieBreak` more annotators. */
  disputed?: Int32Array;
  /** Holdout items: dealt only by the holdout stream, never chosen by the model. */
  holdout?: HoldoutItems;
  /**
   * Optional, for large pools: `indexHoldout(holdout, n)`, built once per pool view. With it a
   * deal walks only the groups it picks from instead of every holdout item.
   */
  holdoutIndex?: HoldoutIndex;
  /**
   * Optional, for large pools: `indexCold(embeddings)`, built once per embeddings. With it a
   * stratified cold deal picks from precomputed clusters instead of running k-means.
   */
  coldIndex?: ColdIndex;
  /** Items a lead excluded: never dealt. */
  excluded?: Int32Array;
  /** The annotator's recent streams, oldest first (the service keeps the last 50 or so). */
  history?: readonly StreamKind[];
  settings: QueueSettings;
  mode?: DealMode;
  /** How many items to deal (default: the batch size); the service passes what the budget and the annotator's open leases leave. */
  want?: number;
  /** Every random choice derives from it (see `batchSeed`). */
  seed: number;
}
