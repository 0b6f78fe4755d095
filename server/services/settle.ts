import type { Executor } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { readItemAnswers, setItemState } from '../../db/queries/item-answers';
import type { ItemState } from '../../lib/agreement/item-state';
import { settledState } from '../../lib/agreement/settle';
import type { ProjectTask } from '../../lib/tasks';

/**
 * Brings an item's state in step with its standing answers and leases, inside the caller's
 * transaction (a label, an undo, a consensus, a lead's decision).
 */
export async function settleItem(tx: Executor, task: ProjectTask, itemId: number, consensusMin?: number): Promise<ItemState> {
  const { answers, leasesOut, sentBack } = await readItemAnswers(tx, itemId);
  const state = settledState(task, answers.filter((a) => a.source !== 'model').map((a) => ({
    id: a.id, source: a.source, confidence: a.confidence, answer: decodeAnswer(task, a.payload),
  })), leasesOut, consensusMin, sentBack);
  await setItemState(tx, itemId, state);
  return state;
}
