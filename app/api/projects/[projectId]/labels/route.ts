import { route } from '@/server/http/route';
import { ProjectParams, SubmitLabel } from '@/lib/protocol/labeling';

/** Answers only after the label's transaction has committed. */
export const POST = route({ params: ProjectParams, body: SubmitLabel }, async ({ principal, params, body, rt }) => {
  const result = await rt.services.labels.submit(principal, params.projectId, body);
  return { ...result, committed: true };
});
