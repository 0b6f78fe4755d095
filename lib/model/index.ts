export { fitPca, projectPca, symmetricEigen, type Pca, type PcaOptions } from './pca';
export { knnGraph, type Graph } from './knn';
export { spreadLabels, type SpreadOptions } from './spreading';
export { holdoutMetrics, type Metrics } from './metrics';
export {
  bootstrapCommittee, buildFeatures, PCA_MODEL_NAME, UMAP_MAX_ITEMS, UMAP_MIN_ITEMS, usesUmap, edgelessGraph, neighbourGraph, trainRound, usesGraph, GRAPH_MAX_ITEMS, MC_MAX_ROWS, MC_PASSES, MODEL_NAME, NEIGHBOURS, PCA_COMPONENTS,
  type CommitteeKind, type DenseHead, type DenseHeadInput, type DenseModel, type FeatureOptions, type Features, type RoundInput, type RoundResult,
} from './pipeline';
export { buildPixelFeatures, featuresOfViews, joinViews, pixelFeatureSteps, TWO_VIEW_MODEL_NAME, usesTwoViews, viewEmbedding, type PixelView } from './views';
export { predictSoftmax, trainSoftmax, type SoftmaxHead, type SoftmaxOptions } from './softmax';
export { umapEmbed, UMAP_COMPONENTS, UMAP_FIT_MAX_ROWS, UMAP_MIN_DIST, UMAP_NEIGHBOURS, type UmapOptions } from './umap';
export { type HeadsInput } from './pipeline';
export { CV_FOLDS, fitHead, HEAD_NAMES, headDescription, labeledAccuracy, REUSE_GROWTH, selectHead, type HeadChoice, type HeadData, type HeadName, type HeadScore, type LabeledAccuracy, type SelectOptions } from './heads';
