import { workerRoute } from '@/server/http/worker-route';
import { HeartbeatRequest, JobParams } from '@/lib/protocol/worker';

export const POST = workerRoute({ params: JobParams, body: HeartbeatRequest }, ({ worker, params, body, rt }) =>
  rt.services.training.heartbeat(worker, params.jobId, body.progress));
