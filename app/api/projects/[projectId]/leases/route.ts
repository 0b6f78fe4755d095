import { route } from '@/server/http/route';
import { ClaimRequest, ProjectParams } from '@/lib/protocol/labeling';

/** Claim (or renew) the items this annotator holds: the one on screen plus prefetched ones. */
export const POST = route({ params: ProjectParams, body: ClaimRequest }, async ({ principal, params, body, rt }) => ({
  leases: await rt.services.queue.claim(principal, params.projectId, body.hold),
}));
