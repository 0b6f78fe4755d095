import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { ReopenRequest } from '@/lib/protocol/items';

/** Takes one of the caller's answers back and deals the item to them again (`{annotationId}`); 409 while someone else holds it. */
export const POST = route({ params: ProjectParams, body: ReopenRequest }, async ({ principal, params, body, rt }) => ({ lease: await rt.services.myAnswers.reopen(principal, params.projectId, body) }));
