import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { PauseRequest } from '@/lib/protocol/queue-controls';

/** Leads and admins: deal nothing new until resumed (held items stay with their holders). */
export const POST = route({ params: ProjectParams, body: PauseRequest }, async ({ principal, params, rt }) => rt.services.queueControls.pause(principal, params.projectId));
