import { z } from 'zod';
import { route } from '@/server/http/route';
import { IdParam, SerialIdParam } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

const Params = z.object({ projectId: SerialIdParam, itemId: IdParam });

/** What became of the caller's own answer to an item (kept, or replaced by a lead or a consensus). */
export const GET = route({ params: Params }, ({ principal, params, rt }) => rt.services.review.outcome(principal, params.projectId, params.itemId));
