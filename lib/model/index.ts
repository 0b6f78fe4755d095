export { fitPca, projectPca, symmetricEigen, type Pca, type PcaOptions } from './pca';
export { knnGraph, type Graph } from './knn';
export { spreadLabels, type SpreadOptions } from './spreading';
export { holdoutMetrics, type Metrics } from './metrics';
export { bootstrapCommittee, buildFeatures, trainRound, MODEL_NAME, NEIGHBOURS, PCA_COMPONENTS, type Features, type RoundInput } from './pipeline';
export { predictSoftmax, trainSoftmax, type SoftmaxHead, type SoftmaxOptions } from './softmax';
