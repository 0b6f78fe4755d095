import { workerRoute } from '@/server/http/worker-route';
import { JobParams, RankingChunk } from '@/lib/protocol/worker';

/** One chunk of the ranking; re-sending a chunk replaces it. Nothing is used until `complete`. */
export const POST = workerRoute({ params: JobParams, body: RankingChunk }, ({ worker, params, body, rt }) =>
  rt.services.training.uploadChunk(worker, params.jobId, body));
