import { workerRoute } from '@/server/http/worker-route';
import { FailJobRequest, JobParams } from '@/lib/protocol/worker';

export const POST = workerRoute({ params: JobParams, body: FailJobRequest }, ({ worker, params, body, rt }) =>
  rt.services.training.fail(worker, params.jobId, body.reason));
