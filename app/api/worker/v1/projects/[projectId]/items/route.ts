import { workerRoute } from '@/server/http/worker-route';
import { PageQuery, ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** Every item of the project (pool and holdout), by id, a page at a time: `?after=<last id>&limit=`. */
export const GET = workerRoute({ params: ProjectParams, query: PageQuery }, ({ worker, params, query, rt }) =>
  rt.services.training.items(worker, params.projectId, query.after, query.limit));
