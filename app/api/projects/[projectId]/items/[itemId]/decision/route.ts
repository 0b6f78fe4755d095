import { z } from 'zod';
import { route } from '@/server/http/route';
import { IdParam, SerialIdParam } from '@/lib/protocol/ids';
import { Decision } from '@/lib/protocol/review';

export const dynamic = 'force-dynamic';

const Params = z.object({ projectId: SerialIdParam, itemId: IdParam });

/** A lead's decision on an item: accept an answer (`from`) or give another (`label`/`answer` with a `reason`). */
export const POST = route({ params: Params, body: Decision }, ({ principal, params, body, rt }) =>
  rt.services.review.decide(principal, params.projectId, params.itemId, body));
