import { route } from '@/server/http/route';
import { ItemParams } from '@/lib/protocol/labeling';

/** Media files are content-addressed and never change: the browser may cache them for good. */
export const GET = route({ params: ItemParams }, async ({ principal, params, rt }) => {
  const { bytes, mediaType } = await rt.services.media.read(principal, params.itemId);
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': mediaType, 'cache-control': 'private, max-age=31536000, immutable' },
  });
});
