import { route } from '@/server/http/route';
import { ProjectParams, SkipRequest } from '@/lib/protocol/labeling';

export const POST = route({ params: ProjectParams, body: SkipRequest }, async ({ principal, params, body, rt }) => {
  await rt.services.queue.skip(principal, params.projectId, body.leaseId);
  return { ok: true };
});
