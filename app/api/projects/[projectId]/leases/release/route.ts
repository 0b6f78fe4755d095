import { route } from '@/server/http/route';
import { ProjectParams, ReleaseRequest } from '@/lib/protocol/labeling';

/** Gives back the caller's leases in the project except `except` (a closing tab sends this), so colleagues get the items at once. */
export const POST = route({ params: ProjectParams, body: ReleaseRequest, acceptTextBody: true }, async ({ principal, params, body, rt }) =>
  rt.services.queue.release(principal, params.projectId, body.except));
