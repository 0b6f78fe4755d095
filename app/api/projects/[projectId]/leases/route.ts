import { route } from '@/server/http/route';
import { ClaimRequest, ProjectParams } from '@/lib/protocol/labeling';
import type { ClaimTiming } from '@/server/services/queue';

/**
 * Claim (or renew: this is the page's heartbeat) the items this annotator holds: the one on
 * screen plus prefetched ones. Answers the leases and the queue's state (open, paused,
 * stopped, budget, empty) with a message the page can show.
 */
export const POST = route({ params: ProjectParams, body: ClaimRequest }, async ({ principal, params, body, rt, timing }) => {
  const phases: ClaimTiming = {};
  const result = await rt.services.queue.claimBatch(principal, params.projectId, body.hold, phases);
  for (const [name, ms] of Object.entries(phases)) timing(name, ms);
  return result;
});
