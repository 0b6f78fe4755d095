import type { Db } from '../../db/client';
import { findItemMedia, findProjectItemsMedia } from '../../db/queries/media';
import { TandemError } from '../../lib/errors';
import type { MediaStore } from '../media';
import { requireProject, type Principal } from './access';

/** Serves an item's image to members of its project only. */
export function createMediaAccessService(db: Db, media: MediaStore) {
  async function read(p: Principal, itemId: number): Promise<{ bytes: Buffer; mediaType: string }> {
    const row = await findItemMedia(db, itemId);
    if (!row) throw new TandemError('not_found', `no item ${itemId}`);
    await requireProject(db, p, row.projectId, 'project.view');
    return { bytes: await media.read(row.media), mediaType: row.mediaType };
  }
  /** Checks the caller may see the item (its live document, its media); says the item's project. */
  async function authorizeItem(p: Principal, itemId: number): Promise<{ projectId: number }> {
    const row = await findItemMedia(db, itemId);
    if (!row) throw new TandemError('not_found', `no item ${itemId}`);
    await requireProject(db, p, row.projectId, 'project.view');
    return { projectId: row.projectId };
  }

  /** A trainer reads media of the projects its token is scoped to. */
  async function readForWorker(w: { projectIds: number[] | null }, itemId: number): Promise<{ bytes: Buffer; mediaType: string }> {
    const row = await findItemMedia(db, itemId);
    if (!row || (w.projectIds && !w.projectIds.includes(row.projectId))) throw new TandemError('not_found', `no item ${itemId} for this worker token`);
    return { bytes: await media.read(row.media), mediaType: row.mediaType };
  }

  /** Many items' media at once, base64 in JSON, for a trainer scoped to the project. */
  async function readBatchForWorker(w: { projectIds: number[] | null }, projectId: number, ids: number[]) {
    if (w.projectIds && !w.projectIds.includes(projectId)) throw new TandemError('forbidden', `this worker token may not train project ${projectId}`);
    const rows = await findProjectItemsMedia(db, projectId, ids);
    const found = new Set(rows.map((r) => r.id));
    const out: { id: number; mediaType: string; data: string }[] = [];
    for (let i = 0; i < rows.length; i += 32) {
      out.push(...await Promise.all(rows.slice(i, i + 32).map(async (r) => ({ id: r.id, mediaType: r.mediaType, data: (await media.read(r.media)).toString('base64') }))));
    }
    return { media: out, missing: ids.filter((id) => !found.has(id)) };
  }

  return { read, authorizeItem, readForWorker, readBatchForWorker };
}
