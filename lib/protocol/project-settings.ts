import { z } from 'zod';
import {
  BudgetSettings, DEFAULT_QUEUE_SETTINGS, QueueSettings, StopTargets, Strategy,
  type BudgetSettings as Budget, type QueueSettings as Settings, type StopTargets as Targets,
} from '../queue/settings';

/**
 * A project's settings (stored in `projects.settings`), one schema for all of it: how it learns
 * (strategy, retrain cadence), how its queue deals (`queue`), what it may spend (`budget`) and
 * when it is done (`stopping`). Every field is optional; unset means the server's default
 * (TANDEM_RETRAIN_EVERY, TANDEM_RETRAIN_SECONDS, strategy `auto`, DEFAULT_QUEUE_SETTINGS).
 * `resolveProjectSettings` is the one reader.
 */
export const TrainingSettings = z.object({
  strategy: Strategy.optional(),
  retrainEvery: z.number().int().min(1, 'at least 1 label').max(100_000).optional(),
  retrainSeconds: z.number().int().min(1, 'at least 1 second').max(86_400).optional(),
  /**
   * Show annotators the model's suggestion (its predicted class and probability) on the
   * labeling page. Off unless set: a suggestion anchors the answer. Never sent for holdout or
   * gold items, whatever this says (server/services/suggestions.ts).
   */
  suggestions: z.boolean().optional(),
}).strict();
export type TrainingSettings = z.infer<typeof TrainingSettings>;

export const ProjectSettings = TrainingSettings.extend({
  /** Dealing (lib/queue/settings.ts); its strategy is the top-level `strategy`, never its own. */
  queue: QueueSettings.optional(),
  budget: BudgetSettings.optional(),
  stopping: StopTargets.optional(),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** A change: a field set to null goes back to the server's default. */
export const TrainingSettingsPatch = z.object({
  strategy: TrainingSettings.shape.strategy.unwrap().nullable().optional(),
  retrainEvery: TrainingSettings.shape.retrainEvery.unwrap().nullable().optional(),
  retrainSeconds: TrainingSettings.shape.retrainSeconds.unwrap().nullable().optional(),
  suggestions: TrainingSettings.shape.suggestions.unwrap().nullable().optional(),
}).strict().refine((v) => Object.keys(v).length > 0, { message: 'give at least one setting to change' });
export type TrainingSettingsPatch = z.input<typeof TrainingSettingsPatch>;

/** What a project's settings say about its queue, each part falling back to its defaults when missing or broken. */
export interface QueueConfig {
  settings: Settings;
  budget: Budget;
  stopping: Targets;
  /** The stored `queue` partial when it parses (what a patch merges into), else {}. */
  storedQueue: Record<string, unknown>;
}

export interface ResolvedSettings {
  training: { strategy: string; retrainEvery: number; retrainSeconds: number };
  labeling: { suggestions: boolean };
  queue: QueueConfig;
}

/** The retrain cadence a caller that does not retrain can pass (the queue reads only the strategy). */
const NO_RETRAIN_DEFAULTS = { retrainEvery: 1, retrainSeconds: 1 };

/**
 * The settings in force: the project's own, else the defaults, field by field. Unknown or
 * broken stored values fall back too (a value written by an older server never breaks a project).
 */
export function resolveProjectSettings(stored: Record<string, unknown>, defaults: { retrainEvery: number; retrainSeconds: number } = NO_RETRAIN_DEFAULTS): ResolvedSettings {
  const pick = <K extends keyof TrainingSettings>(key: K): TrainingSettings[K] | undefined => {
    const r = TrainingSettings.shape[key].safeParse(stored[key]);
    return r.success ? (r.data as TrainingSettings[K]) : undefined;
  };
  const strategy = pick('strategy') ?? 'auto';
  const raw = stored.queue;
  const q = QueueSettings.safeParse(raw ?? {});
  const storedQueue = q.success && raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  delete storedQueue.strategy;
  const b = BudgetSettings.safeParse(stored.budget ?? {});
  const s = StopTargets.safeParse(stored.stopping ?? {});
  return {
    training: { strategy, retrainEvery: pick('retrainEvery') ?? defaults.retrainEvery, retrainSeconds: pick('retrainSeconds') ?? defaults.retrainSeconds },
    labeling: { suggestions: pick('suggestions') ?? false },
    queue: {
      settings: { ...(q.success ? q.data : DEFAULT_QUEUE_SETTINGS), strategy },
      budget: b.success ? b.data : { projectBudget: null, perAnnotatorBudget: null },
      stopping: s.success ? s.data : { whenMet: 'stop' },
      storedQueue,
    },
  };
}

/** The queue's part of the settings in force. */
export const resolveQueueConfig = (stored: Record<string, unknown>): QueueConfig => resolveProjectSettings(stored).queue;
