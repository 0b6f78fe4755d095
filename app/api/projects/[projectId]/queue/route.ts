import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { QueuePatch } from '@/lib/protocol/queue-controls';

/** Leads and admins: the queue's settings in force, budget use, stopping targets, stop and pause, the projected labels still needed. */
export const GET = route({ params: ProjectParams }, async ({ principal, params, rt }) => rt.services.queueControls.overview(principal, params.projectId));

/** `{settings?}` (leads, admins), `{budget?, stopping?}` (admins): applied live; anything bad changes nothing. */
export const PATCH = route({ params: ProjectParams, body: QueuePatch }, async ({ principal, params, body, rt }) => rt.services.queueControls.patch(principal, params.projectId, body));
