import { workerRoute } from '@/server/http/worker-route';
import { EMBEDDINGS_MAX_BODY_BYTES } from '@/server/http/request-guard';
import { EmbeddingsChunk, EmbeddingsQuery, ProjectParams } from '@/lib/protocol/worker';

export const dynamic = 'force-dynamic';

/** `?space=…` → `{ space, count, dim }`: whether the server has the space, so a trainer uploads it only once. */
export const GET = workerRoute({ params: ProjectParams, query: EmbeddingsQuery }, ({ worker, params, query, rt }) =>
  rt.services.embeddings.status(worker, params.projectId, query.space));

/** One chunk `{ space, dim, items: [{ itemId, vector }] }`: stored whole or not at all; sending it again overwrites. */
export const PUT = workerRoute({ params: ProjectParams, body: EmbeddingsChunk, maxBodyBytes: EMBEDDINGS_MAX_BODY_BYTES }, ({ worker, params, body, rt }) =>
  rt.services.embeddings.upload(worker, params.projectId, body));

export const POST = PUT;
