import { z } from 'zod';
import { isStrategyName } from '../al/strategies';
import { parseInput } from '../errors';

/**
 * What a lead and an admin set for a project's queue, parsed at the boundary: every field has
 * a default, and a bad value becomes a bad_request error that names the field and the problem
 * (through `parseInput`). Defaults are listed in docs/queue.md.
 */

const Share = z.number()
  .min(0, 'a share cannot be negative')
  .max(1, 'a share is a fraction of the dealt items: at most 1');

/** An acquisition strategy's name (lib/al/strategies.ts): the one definition the project's settings use. */
export const Strategy = z.string().refine(isStrategyName, { message: 'unknown strategy (see `tandem simulate --list-strategies`)' });

/** Each field's rule without its default, so that a patch (where unset means "unchanged") can reuse it. */
const FIELDS = {
  /** Items dealt to an annotator at a time. */
  batchSize: z.number().int('batch size must be a whole number')
    .min(1, 'batch size must be at least 1').max(100, 'batch size must be at most 100'),
  /** The acquisition strategy the trainer ranks with (recorded on uncertain assignments). */
  strategy: Strategy,
  /** Share of confident items mixed in against fatigue (0.2 = 1 in 5). */
  easyShare: Share,
  /** Never more than this many hard items in a row (counting the annotator's history) while easy items remain. */
  maxHardInARow: z.number().int('maxHardInARow must be a whole number')
    .min(1, 'maxHardInARow must be at least 1').max(100, 'maxHardInARow must be at most 100'),
  /** Share of items dealt again to another annotator, for agreement. */
  overlapShare: Share,
  /** How many annotators label an overlap item in the end. */
  overlapK: z.number().int('overlapK must be a whole number')
    .min(2, 'overlapK must be at least 2 (one more annotator than the first)').max(20, 'overlapK must be at most 20'),
  /** More annotators an overlap item whose answers disagree is dealt to before it waits for a lead (0: none). */
  tieBreak: z.number().int('tieBreak must be a whole number')
    .min(0, 'tieBreak must be at least 0').max(5, 'tieBreak must be at most 5'),
  /** Share of gold items (known answers), mixed in unannounced. */
  goldShare: Share,
  /** Share of holdout items, while unlabeled holdout remains. */
  holdoutShare: Share,
  /**
   * Cold stream before the model is trusted: the trainer's low-budget picks (the ranking's lead) in
   * order, then one item per k-means cluster (needs embeddings); or seeded random throughout.
   */
  cold: z.enum(['stratified', 'random']),
  /** How uncertain picks are spread within the batch: skip near-copies of batch, held and fresh items (spaced), farthest-first (kcenter), or rank order (rank). Near-copies of held items are refused in every mode. */
  diversity: z.enum(['spaced', 'kcenter', 'rank']),
  /** Uncertain and easy shortlists are this many times the items wanted. */
  shortlistFactor: z.number().min(1, 'shortlistFactor must be at least 1').max(100, 'shortlistFactor must be at most 100'),
};

type Fields = { [K in keyof typeof FIELDS]: z.output<(typeof FIELDS)[K]> };

/** The defaults, as one value (every field set); docs/queue.md lists them. */
export const DEFAULT_QUEUE_SETTINGS: Readonly<Fields> = Object.freeze({
  batchSize: 10,
  strategy: 'auto',
  easyShare: 0.2,
  maxHardInARow: 4,
  overlapShare: 0,
  overlapK: 2,
  tieBreak: 1,
  goldShare: 0,
  holdoutShare: 0.1,
  cold: 'stratified',
  diversity: 'spaced',
  shortlistFactor: 10,
});

const QueueFields = z.object({
  batchSize: FIELDS.batchSize.default(DEFAULT_QUEUE_SETTINGS.batchSize),
  strategy: FIELDS.strategy.default(DEFAULT_QUEUE_SETTINGS.strategy),
  easyShare: FIELDS.easyShare.default(DEFAULT_QUEUE_SETTINGS.easyShare),
  maxHardInARow: FIELDS.maxHardInARow.default(DEFAULT_QUEUE_SETTINGS.maxHardInARow),
  overlapShare: FIELDS.overlapShare.default(DEFAULT_QUEUE_SETTINGS.overlapShare),
  overlapK: FIELDS.overlapK.default(DEFAULT_QUEUE_SETTINGS.overlapK),
  tieBreak: FIELDS.tieBreak.default(DEFAULT_QUEUE_SETTINGS.tieBreak),
  goldShare: FIELDS.goldShare.default(DEFAULT_QUEUE_SETTINGS.goldShare),
  holdoutShare: FIELDS.holdoutShare.default(DEFAULT_QUEUE_SETTINGS.holdoutShare),
  cold: FIELDS.cold.default(DEFAULT_QUEUE_SETTINGS.cold),
  diversity: FIELDS.diversity.default(DEFAULT_QUEUE_SETTINGS.diversity),
  shortlistFactor: FIELDS.shortlistFactor.default(DEFAULT_QUEUE_SETTINGS.shortlistFactor),
}).strict();

const SHARES = ['easyShare', 'overlapShare', 'goldShare', 'holdoutShare'] as const;

function sharesFit(v: Pick<QueueSettings, (typeof SHARES)[number]>, ctx: z.RefinementCtx): void {
  const sum = SHARES.reduce((s, k) => s + v[k], 0);
  if (sum > 1 + 1e-9) {
    ctx.addIssue({
      code: 'custom',
      message: `easyShare + overlapShare + goldShare + holdoutShare is ${+sum.toFixed(4)}: together they must be at most 1`,
      path: ['easyShare'],
    });
  }
}

export const QueueSettings = QueueFields.superRefine(sharesFit);
export type QueueSettings = z.output<typeof QueueFields>;
export type QueueSettingsInput = z.input<typeof QueueFields>;

/** Parses stored or submitted settings; unset fields take their defaults. Throws a bad_request TandemError. */
export function parseQueueSettings(raw: unknown): QueueSettings {
  return parseInput(QueueSettings, raw ?? {}, 'queue settings');
}

/** A lead's live change: only the fields given change; at least one. */
export const QueueSettingsPatch = z.object({
  batchSize: FIELDS.batchSize.optional(),
  strategy: FIELDS.strategy.optional(),
  easyShare: FIELDS.easyShare.optional(),
  maxHardInARow: FIELDS.maxHardInARow.optional(),
  overlapShare: FIELDS.overlapShare.optional(),
  overlapK: FIELDS.overlapK.optional(),
  tieBreak: FIELDS.tieBreak.optional(),
  goldShare: FIELDS.goldShare.optional(),
  holdoutShare: FIELDS.holdoutShare.optional(),
  cold: FIELDS.cold.optional(),
  diversity: FIELDS.diversity.optional(),
  shortlistFactor: FIELDS.shortlistFactor.optional(),
}).strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one setting to change' });
export type QueueSettingsPatch = z.input<typeof QueueSettingsPatch>;

/** The settings after a patch, checked as a whole (a patch may break the share sum). Throws a bad_request TandemError. */
export function applyQueuePatch(current: QueueSettings, patch: unknown): QueueSettings {
  const p = parseInput(QueueSettingsPatch, patch, 'queue settings change');
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) merged[k] = v;
  return parseInput(QueueSettings, merged, 'queue settings');
}

const Budget = z.number().int('a budget is a whole number of labels').min(0, 'a budget cannot be negative').nullable().default(null);

/** Label budgets, in labels (an overlap label counts): null means no limit. */
export const BudgetSettings = z.object({
  projectBudget: Budget,
  perAnnotatorBudget: Budget,
}).strict();
export type BudgetSettings = z.output<typeof BudgetSettings>;

export function parseBudgetSettings(raw: unknown): BudgetSettings {
  return parseInput(BudgetSettings, raw ?? {}, 'budget settings');
}

const Window = z.object({
  /** Smallest improvement that still counts as progress. */
  delta: z.number().min(0, 'delta cannot be negative').max(1, 'delta must be at most 1'),
  /** Over how many of the latest model versions. */
  versions: z.number().int('versions must be a whole number').min(1, 'versions must be at least 1').max(100, 'versions must be at most 100'),
}).strict();

/**
 * Stopping targets on the holdout learning curve. The metric is higher-is-better in [0, 1]
 * (accuracy, F1, mAP, OKS). `whenMet` says what dealing does once one is met: stop, or keep
 * dealing holdout items only (to tighten the estimate).
 */
export const StopTargets = z.object({
  metric: z.object({ atLeast: z.number().min(0, 'a metric target cannot be negative').max(1, 'a metric target is at most 1') }).strict().optional(),
  plateau: Window.optional(),
  uncertaintyPlateau: Window.optional(),
  whenMet: z.enum(['stop', 'holdout-only']).default('stop'),
}).strict();
export type StopTargets = z.output<typeof StopTargets>;
export type StopTargetsInput = z.input<typeof StopTargets>;

export function parseStopTargets(raw: unknown): StopTargets {
  return parseInput(StopTargets, raw ?? {}, 'stopping targets');
}
