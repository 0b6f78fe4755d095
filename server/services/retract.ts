import type { Executor } from '../../db/client';
import { insertAnnotation } from '../../db/queries/annotations';
import { insertLeases, type LeasedItem } from '../../db/queries/leases';
import type { ProjectTask } from '../../lib/tasks';
import { settleItem } from './settle';

/**
 * Takes one of an annotator's answers back and hands the item to them again, inside the caller's
 * transaction: a retract version naming it, the item's state settled again (open unless another
 * answer still stands), and a `redo` lease. Undo (the newest answer) and reopen (any of their
 * answers, from their own page) are this one step; the caller checks whose it is and who holds the item.
 */
export async function retractAndRedo(tx: Executor, task: ProjectTask, a: { projectId: number; itemId: number; annotationId: number; userId: number; expiresAt: Date }): Promise<LeasedItem> {
  await insertAnnotation(tx, {
    projectId: a.projectId, itemId: a.itemId, userId: a.userId, action: 'retract', payload: null, source: 'human', retracts: a.annotationId,
  });
  await settleItem(tx, task, a.itemId);
  const [lease] = await insertLeases(tx, [{ projectId: a.projectId, itemId: a.itemId, userId: a.userId, stream: 'redo', expiresAt: a.expiresAt }]);
  return lease;
}
