import { workerRoute } from '@/server/http/worker-route';
import { JobParams, RankingChunk } from '@/lib/protocol/worker';
import { RANKING_MAX_BODY_BYTES } from '@/server/http/request-guard';

/** One chunk of the ranking; re-sending a chunk replaces it. Nothing is used until `complete`. */
export const POST = workerRoute({ params: JobParams, body: RankingChunk, maxBodyBytes: RANKING_MAX_BODY_BYTES }, ({ worker, params, body, rt }) =>
  rt.services.training.uploadChunk(worker, params.jobId, body));
