import { workerRoute } from '@/server/http/worker-route';
import { ItemParams } from '@/lib/protocol/worker';

export const GET = workerRoute({ params: ItemParams }, async ({ worker, params, rt }) => {
  const { bytes, mediaType } = await rt.services.media.readForWorker(worker, params.itemId);
  return new Response(new Uint8Array(bytes), { headers: { 'content-type': mediaType, 'cache-control': 'private, max-age=31536000, immutable' } });
});
