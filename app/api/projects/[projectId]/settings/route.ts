import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { TrainingSettingsPatch } from '@/lib/protocol/project-settings';

/** Leads and admins: `{strategy?, retrainEvery?, retrainSeconds?}` (null: back to the default) → the project's settings. */
export const PATCH = route({ params: ProjectParams, body: TrainingSettingsPatch }, async ({ principal, params, body, rt }) => ({
  settings: await rt.services.projects.updateSettings(principal, params.projectId, body),
}));
