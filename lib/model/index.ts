export { fitPca, projectPca, symmetricEigen, type Pca, type PcaOptions } from './pca';
export { knnGraph, type Graph } from './knn';
export { spreadLabels, type SpreadOptions } from './spreading';
export { holdoutMetrics, type Metrics } from './metrics';
export {
  bootstrapCommittee, buildFeatures, edgelessGraph, neighbourGraph, trainRound, usesGraph, GRAPH_MAX_ITEMS, MC_MAX_ROWS, MC_PASSES, MODEL_NAME, NEIGHBOURS, PCA_COMPONENTS,
  type CommitteeKind, type DenseHead, type DenseHeadInput, type DenseModel, type Features, type RoundInput, type RoundResult,
} from './pipeline';
export { predictSoftmax, trainSoftmax, type SoftmaxHead, type SoftmaxOptions } from './softmax';
