import type { Db } from '../../db/client';
import { describeSpace, upsertEmbeddings } from '../../db/queries/embeddings';
import { findProject } from '../../db/queries/projects';
import { findForeignItemIds } from '../../db/queries/rankings';
import { TandemError } from '../../lib/errors';
import type { EmbeddingsChunk, EmbeddingsStatus } from '../../lib/protocol/worker';
import type { WorkerPrincipal } from './training';

/**
 * The worker protocol's embedding uploads: a trainer asks whether the server
 * has a space, and if not sends it in chunks. A chunk is checked whole (item
 * ids of the project, one dim per space) and stored in one transaction, so a
 * bad chunk stores nothing and a re-sent one overwrites its own rows.
 */
export function createEmbeddingUploadService(db: Db) {
  async function projectFor(w: WorkerPrincipal, projectId: number): Promise<void> {
    if (w.projectIds && !w.projectIds.includes(projectId)) throw new TandemError('forbidden', `this worker token is not scoped to project ${projectId}`);
    if (!(await findProject(db, projectId))) throw new TandemError('not_found', `no project ${projectId}`);
  }

  async function status(w: WorkerPrincipal, projectId: number, space: string): Promise<EmbeddingsStatus> {
    await projectFor(w, projectId);
    return { space, ...(await describeSpace(db, projectId, space)) };
  }

  async function upload(w: WorkerPrincipal, projectId: number, chunk: EmbeddingsChunk): Promise<{ stored: number; count: number }> {
    await projectFor(w, projectId);
    const ids = chunk.items.map((i) => i.itemId);
    const seen = new Set<number>();
    const twice = ids.find((id) => seen.size === seen.add(id).size);
    // One statement cannot upsert a row twice; and a chunk naming an item twice is a bug worth saying.
    if (twice !== undefined) throw new TandemError('bad_request', `the chunk names item ${twice} twice`);
    const foreign = await findForeignItemIds(db, projectId, ids);
    if (foreign.length) throw new TandemError('bad_request', `the chunk names items that are not in project ${projectId}: ${foreign.join(', ')}${foreign.length === 10 ? ', …' : ''}; nothing was stored`);
    return db.transaction(async (tx) => {
      const before = await describeSpace(tx, projectId, chunk.space);
      if (before.dim !== null && before.dim !== chunk.dim) {
        throw new TandemError('bad_request', `space "${chunk.space}" holds vectors of dim ${before.dim}, this chunk has dim ${chunk.dim}: a changed extractor needs a new space name; nothing was stored`);
      }
      await upsertEmbeddings(tx, projectId, chunk.space, chunk.items);
      const after = await describeSpace(tx, projectId, chunk.space);
      return { stored: chunk.items.length, count: after.count };
    });
  }

  return { status, upload };
}

export type EmbeddingUploadService = ReturnType<typeof createEmbeddingUploadService>;
