export type { Embeddings, Probs, Samples, Selection, Votes } from './types';
export { bald, confidence, entropy, leastConfidence, margin, voteEntropy, votesFromSamples } from './uncertainty';
export { eligibleIndices, exclusionMask, topK, type TopKOptions } from './topk';
export {
  badgeEmbeddings,
  badgeSelect,
  kCenterGreedy,
  kMeansPlusPlus,
  MAX_BADGE_FLOATS,
  sqDist,
  type BadgeOptions,
  type KCenterOptions,
  type KMeansPlusPlusOptions,
} from './diversity';
export { hybridSelect, spacedTopK, type HybridOptions, type SpacedOptions } from './hybrid';
export {
  clusterStratified,
  kMeans,
  randomPick,
  countsTrusted,
  TRUST_ACCURACY,
  uncertaintyTrusted,
  type KMeansOptions,
  type KMeansResult,
  type StratifiedOptions,
  type TrustInput,
} from './coldstart';
export { MIN_CLUSTER_SIZE, typicalCluster, typicality, TYPICALITY_NEIGHBOURS, type TypicalOptions } from './typical';
export { ballGraph, COVERAGE_PURITY, distanceToOtherCluster, greedyCoverage, probCover, purityRadius, type CoverageOptions } from './coverage';
export {
  AUTO_PHASES,
  autoPhase,
  getStrategy,
  isStrategyName,
  listStrategies,
  selectBatch,
  STRATEGY_NAMES,
  StrategyInput,
  type AutoPhase,
  type InputName,
  type Strategy,
  type StrategyInfo,
  type StrategyName,
} from './strategies';
export * from './ranking';
export { DIVERSITY_COLD_BATCH, DIVERSITY_PICKS, rankByDiversity, type DiversityRanking, type DiversityRankingOptions } from './diversity-ranking';
