import { z } from 'zod';
import { route } from '@/server/http/route';
import { IdParam, SerialIdParam } from '@/lib/protocol/ids';

export const dynamic = 'force-dynamic';

const Params = z.object({ projectId: SerialIdParam, itemId: IdParam });

/** The item's prelabel, where the editor starts: `{ prelabel: Answer | null, source }`. */
export const GET = route({ params: Params }, ({ principal, params, rt }) => rt.services.labels.prelabel(principal, params.projectId, params.itemId));
