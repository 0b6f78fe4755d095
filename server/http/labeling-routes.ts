import { z } from 'zod';
import { ClaimRequest, ProjectParams, SubmitLabel } from '../../lib/protocol/labeling';
import type { ClaimTiming } from '../services/queue';
import { route } from './route';

/**
 * The labeling page's two hot routes, defined once: Next.js serves them from
 * app/api/projects/[projectId]/{leases,labels}/route.ts, and the custom server
 * answers them before Next's request machinery (hot-routes.ts).
 */

/**
 * Claim (or renew: this is the page's heartbeat) the items this annotator holds: the one on
 * screen plus prefetched ones. Answers the leases and the queue's state (open, paused,
 * stopped, budget, empty) with a message the page can show.
 */
export const claimRoute = route({ params: ProjectParams, body: ClaimRequest, projectAccessFirst: false }, async ({ principal, params, body, rt, timing }) => {
  const phases: ClaimTiming = {};
  const result = await rt.services.queue.claimBatch(principal, params.projectId, body.hold, phases);
  for (const [name, ms] of Object.entries(phases)) timing(name, ms);
  return result;
});

/**
 * A label, and optionally the refill of the page's held items (`hold`, as in a
 * claim). The page's steady state is one request per label: a separate claim
 * in flight at the same time made the label wait behind it on the embedded
 * database's one connection (docs/benchmarks.md, labeling latency).
 */
const SubmitLabelWithRefill = SubmitLabel.extend({
  /** Items the page wants to hold once this label is committed: the refill is claimed after the commit. */
  hold: z.number().int().min(1).max(8).optional(),
}).strict();

/** Answers only after the label's transaction has committed; the refill never decides the label's fate. */
export const labelRoute = route({ params: ProjectParams, body: SubmitLabelWithRefill, projectAccessFirst: false }, async ({ principal, params, body, rt }) => {
  const { hold, ...label } = body;
  const result = await rt.services.labels.submit(principal, params.projectId, label);
  if (hold === undefined) return { ...result, committed: true };
  try {
    // The claim route's answer (leases and the queue's state), so the page reads both the same way.
    const refill = await rt.services.queue.claimBatch(principal, params.projectId, hold);
    return { ...result, committed: true, refill };
  } catch (e) {
    // The label is committed whatever happens here: acknowledge it, and let the page claim on its own.
    rt.log.warn({ err: e, projectId: params.projectId }, 'refill after a label failed; the page claims separately');
    return { ...result, committed: true, refill: null };
  }
});
