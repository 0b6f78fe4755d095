import { workerRoute } from '@/server/http/worker-route';
import { ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** The project's ONNX embedding model (`tandem model add`) with the path of its bytes, or `{ model: null, builtin }`: the built-in extractor to use. */
export const GET = workerRoute({ params: ProjectParams }, async ({ worker, params, rt }) =>
  rt.services.models.choiceForWorker(worker, params.projectId));
