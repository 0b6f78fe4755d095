import { workerRoute } from '@/server/http/worker-route';
import { ClaimJobRequest } from '@/lib/protocol/worker';

/** The oldest queued job this token may train, claimed for `jobLeaseSeconds`; `{job: null}` when there is none. */
export const POST = workerRoute({ body: ClaimJobRequest }, async ({ worker, body, rt }) => ({ job: await rt.services.training.claim(worker, body) }));
