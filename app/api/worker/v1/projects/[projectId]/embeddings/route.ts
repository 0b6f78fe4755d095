import { workerRoute } from '@/server/http/worker-route';
import { TandemError } from '@/lib/errors';
import { EmbeddingsChunk, EmbeddingsQuery, ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** A chunk's body at most: 2,000,000 floats as JSON numbers with room to spare (base64 needs a sixth of it). */
const MAX_BODY_BYTES = 48 * 1024 * 1024;

/** `?space=…` → `{ space, count, dim }`: whether the server has the space, so a trainer uploads it only once. */
export const GET = workerRoute({ params: ProjectParams, query: EmbeddingsQuery }, ({ worker, params, query, rt }) =>
  rt.services.embeddings.status(worker, params.projectId, query.space));

/** One chunk `{ space, dim, items: [{ itemId, vector }] }`: stored whole or not at all; sending it again overwrites. */
const upload = workerRoute({ params: ProjectParams, body: EmbeddingsChunk }, ({ worker, params, body, rt }) =>
  rt.services.embeddings.upload(worker, params.projectId, body));

export async function PUT(req: Request, ctx: { params: Promise<Record<string, string | string[]>> }): Promise<Response> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    const e = new TandemError('bad_request', `the chunk is ${length} bytes, more than ${MAX_BODY_BYTES}: send fewer items a chunk`);
    return Response.json(e.toBody(), { status: e.status });
  }
  return upload(req, ctx);
}

export const POST = PUT;
