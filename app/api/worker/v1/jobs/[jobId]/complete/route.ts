import { workerRoute } from '@/server/http/worker-route';
import { CompleteJobRequest, JobParams } from '@/lib/protocol/worker';

/** Applies the uploaded ranking and records the model version and its holdout metrics, atomically. */
export const POST = workerRoute({ params: JobParams, body: CompleteJobRequest }, ({ worker, params, body, rt }) =>
  rt.services.training.complete(worker, params.jobId, body));
