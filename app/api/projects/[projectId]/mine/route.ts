import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

/** The caller's own answers, newest first (`?before=<annotation id>&limit=`), each with what became of it. */
export const GET = route({ params: ProjectParams }, async ({ principal, params, query, rt }) => rt.services.myAnswers.list(principal, params.projectId, query));
