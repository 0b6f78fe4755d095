import { z } from 'zod';
import { isStrategyName } from '../al/strategies';

/**
 * A project's settings (stored in `projects.settings`): how it learns. Every
 * field is optional; unset means the server's default (TANDEM_RETRAIN_EVERY,
 * TANDEM_RETRAIN_SECONDS, strategy `auto`). Leads and admins change them; the
 * team queue (issue 5) adds its dealing settings beside these.
 */
export const TrainingSettings = z.object({
  strategy: z.string().refine(isStrategyName, { message: 'unknown strategy (see `tandem simulate --list-strategies`)' }).optional(),
  retrainEvery: z.number().int().min(1, 'at least 1 label').max(100_000).optional(),
  retrainSeconds: z.number().int().min(1, 'at least 1 second').max(86_400).optional(),
}).strict();
export type TrainingSettings = z.infer<typeof TrainingSettings>;

/** A change: a field set to null goes back to the server's default. */
export const TrainingSettingsPatch = z.object({
  strategy: TrainingSettings.shape.strategy.unwrap().nullable().optional(),
  retrainEvery: TrainingSettings.shape.retrainEvery.unwrap().nullable().optional(),
  retrainSeconds: TrainingSettings.shape.retrainSeconds.unwrap().nullable().optional(),
}).strict().refine((v) => Object.keys(v).length > 0, { message: 'give at least one setting to change' });
export type TrainingSettingsPatch = z.input<typeof TrainingSettingsPatch>;

/** The settings in force: the project's own, else the defaults. Unknown or broken stored values fall back too. */
export function resolveTrainingSettings(stored: Record<string, unknown>, defaults: { retrainEvery: number; retrainSeconds: number }) {
  const pick = <K extends keyof TrainingSettings>(key: K): TrainingSettings[K] | undefined => {
    const r = TrainingSettings.shape[key].safeParse(stored[key]);
    return r.success ? (r.data as TrainingSettings[K]) : undefined;
  };
  return {
    strategy: pick('strategy') ?? 'auto',
    retrainEvery: pick('retrainEvery') ?? defaults.retrainEvery,
    retrainSeconds: pick('retrainSeconds') ?? defaults.retrainSeconds,
  };
}
