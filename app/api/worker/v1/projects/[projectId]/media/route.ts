import { workerRoute } from '@/server/http/worker-route';
import { MediaBatchQuery, ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** Media of many items at once: `?ids=1,2,3` (up to 500), each base64 with its type; ids not in the project come back in `missing`. */
export const GET = workerRoute({ params: ProjectParams, query: MediaBatchQuery }, ({ worker, params, query, rt }) =>
  rt.services.media.readBatchForWorker(worker, params.projectId, query.ids));
