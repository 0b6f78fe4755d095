import { workerRoute } from '@/server/http/worker-route';
import { PageQuery, ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** The standing label of every labeled item, by item id, a page at a time. */
export const GET = workerRoute({ params: ProjectParams, query: PageQuery }, ({ worker, params, query, rt }) =>
  rt.services.training.labels(worker, params.projectId, query.after, query.limit));
