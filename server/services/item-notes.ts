import type { LifecycleHooks } from '../lifecycle';
import type { Db } from '../../db/client';
import { endLease, findLease } from '../../db/queries/leases';
import { findProjectItem, hasAnswered, insertComment, insertFlag, ownActiveLeaseOfItem } from '../../db/queries/item-detail';
import { parseInput, TandemError } from '../../lib/errors';
import { CommentRequest, FlagRequest } from '../../lib/protocol/items';
import { can } from '../../lib/roles';
import { requireProject, type Principal } from './access';

/**
 * Flags and comments on an item. An annotator flags the item on screen (unclear, a broken image,
 * no class fits) instead of guessing: the flag goes to the lead's list, and the lease ends as a
 * skip ends it, so the item returns to the queue. Comments are remarks anyone who may see the
 * item leaves on its page.
 */
export function createItemNoteService(db: Db, opts: { now?: () => Date; hooks?: Partial<Pick<LifecycleHooks, 'onItemFlagged'>> } = {}) {
  const now = opts.now ?? (() => new Date());

  /** Who may write about an item: leads and admins, whoever holds it now, and whoever answered it. */
  async function mayWrite(p: Principal, projectId: number, itemId: number, action: 'project.label' | 'project.view') {
    const { projectRole } = await requireProject(db, p, projectId, action);
    if (!(await findProjectItem(db, projectId, itemId))) throw new TandemError('not_found', `no item ${itemId} in project ${projectId}`);
    if (can({ userRole: p.role, projectRole }, 'project.review')) return;
    if (await ownActiveLeaseOfItem(db, itemId, p.userId)) return;
    if (await hasAnswered(db, itemId, p.userId)) return;
    throw new TandemError('forbidden', `you can write about item ${itemId} only while it is dealt to you or after you answered it`);
  }

  async function flag(p: Principal, projectId: number, itemId: number, input: FlagRequest): Promise<{ flagId: number; skipped: number | null }> {
    const body = parseInput(FlagRequest, input, 'flag');
    await mayWrite(p, projectId, itemId, 'project.label');
    const flagged = await db.transaction(async (tx) => {
      let skipped: number | null = null;
      if (body.leaseId !== undefined) {
        const lease = await findLease(tx, body.leaseId);
        if (!lease || lease.userId !== p.userId || lease.itemId !== itemId || lease.projectId !== projectId) {
          throw new TandemError('not_found', `lease ${body.leaseId} is not yours for item ${itemId}; nothing was flagged`);
        }
        // A lease that ended meanwhile (expired, a lead's release) still gets its flag: the annotator saw the problem.
        if (lease.state === 'active') {
          await endLease(tx, lease.id, 'skipped', now());
          skipped = lease.id;
        }
      }
      const flagId = await insertFlag(tx, {
        projectId, itemId, kind: 'annotator', reason: body.reason, comment: body.comment || null, userId: p.userId || null,
      });
      return { flagId, skipped };
    });
    opts.hooks?.onItemFlagged?.(projectId, itemId);
    return flagged;
  }

  async function comment(p: Principal, projectId: number, itemId: number, input: CommentRequest): Promise<{ commentId: number }> {
    const body = parseInput(CommentRequest, input, 'comment');
    await mayWrite(p, projectId, itemId, 'project.view');
    return { commentId: await insertComment(db, { projectId, itemId, userId: p.userId || null, body: body.body }) };
  }

  return { flag, comment };
}

export type ItemNoteService = ReturnType<typeof createItemNoteService>;
