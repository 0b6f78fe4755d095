import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { ResumeRequest } from '@/lib/protocol/queue-controls';

/** Leads and admins: deal again; `{clearStop: true}` (admins) also lifts a stop set by a target or the budget. */
export const POST = route({ params: ProjectParams, body: ResumeRequest }, async ({ principal, params, body, rt }) => rt.services.queueControls.resume(principal, params.projectId, body));
