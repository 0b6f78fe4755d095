/**
 * The team queue's pure core: which items an annotator is dealt next, from what, and when
 * to stop. No I/O: the server's queue service gathers the inputs (ranking, holds, labels,
 * settings, a seed) and records the result as leases.
 */
export { STREAM_KINDS, Stream, Assignment, annotatorKind, isHard, type StreamKind, type MainKind } from './streams';
export {
  QueueSettings,
  QueueSettingsPatch,
  BudgetSettings,
  StopTargets,
  DEFAULT_QUEUE_SETTINGS,
  parseQueueSettings,
  applyQueuePatch,
  parseBudgetSettings,
  parseStopTargets,
  type QueueSettingsInput,
  type StopTargetsInput,
} from './settings';
export type { DealInput, DealMode, RankingView, LabelCounts, Holds, HoldoutItems } from './input';
export { dealBatch, batchSeed, type Batch } from './deal';
export { planSlots, SPECIAL_KINDS, type PlanInput, type SpecialKind } from './plan';
export { remainingBudget, budgetState, type BudgetInput, type BudgetState } from './budget';
export { fitErrorCurve, labelsForError, type CurvePoint, type PowerLawFit } from './curve';
export { shouldStop, projectLabels, plateauGain, type StopDecision, type StopReason, type Projection, type StopContext } from './stopping';
