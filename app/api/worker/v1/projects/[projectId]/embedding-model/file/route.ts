import { workerRoute } from '@/server/http/worker-route';
import { ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** The bytes of the project's ONNX embedding model; `x-content-sha256` names them (check it). */
export const GET = workerRoute({ params: ProjectParams }, async ({ worker, params, rt }) => {
  const { bytes, sha256 } = await rt.services.models.fileForWorker(worker, params.projectId);
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': 'application/octet-stream', 'x-content-sha256': sha256, 'cache-control': 'private, no-store' },
  });
});
