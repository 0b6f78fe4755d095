/**
 * Agreement between annotators and the consensus built from their answers, for class labels:
 * coefficients (percent agreement, Cohen, Fleiss, Krippendorff), consensus (majority vote,
 * Dawid–Skene) with per-annotator reliability, and the noisy-annotator flag. Pure functions of
 * the ratings; spatial answers have their pairwise measures in lib/tasks/agreement.ts.
 */
export { codeRatings, labelOrder, isNumericLabel, type CodedRatings, type Rating } from './ratings';
export { COEFFICIENTS, coefficients, cohenKappa, fleissKappa, krippendorffAlpha, percentAgreement, LEVELS, type Coefficients, type Level } from './coefficients';
export {
  consensus, CONSENSUS_METHODS, POSTERIOR_FLOOR,
  type AnnotatorReliability, type ConsensusMethod, type ConsensusOptions, type ConsensusResult, type ItemConsensus,
} from './consensus';
export { noisyAnnotators, type NoisyOptions, type NoisyVerdict } from './noisy';
export { agreementReport, type AgreementDetails, type AgreementReport } from './report';
