import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { ItemControlRequest } from '@/lib/protocol/queue-controls';

/** Leads and admins: `{action: pin|boost|exclude|clear|requeue, itemIds}`. */
export const POST = route({ params: ProjectParams, body: ItemControlRequest }, async ({ principal, params, body, rt }) => rt.services.queueControls.controlItems(principal, params.projectId, body));
