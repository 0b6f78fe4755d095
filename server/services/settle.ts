import type { Executor } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { readItemAnswers, readItemsAnswers, setItemState, setItemStates } from '../../db/queries/item-answers';
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

/** `settleItem` for many items: two statements per thousand items, whatever their number. */
export async function settleItems(tx: Executor, task: ProjectTask, itemIds: readonly number[], consensusMin?: number): Promise<Map<number, ItemState>> {
  const states = new Map<number, ItemState>();
  for (let at = 0; at < itemIds.length; at += 1000) {
    const read = await readItemsAnswers(tx, itemIds.slice(at, at + 1000));
    const batch = new Map<number, ItemState>();
    for (const [itemId, { answers, leasesOut, sentBack }] of read) {
      batch.set(itemId, settledState(task, answers.filter((a) => a.source !== 'model').map((a) => ({
        id: a.id, source: a.source, confidence: a.confidence, answer: decodeAnswer(task, a.payload),
      })), leasesOut, consensusMin, sentBack));
    }
    await setItemStates(tx, batch);
    for (const [k, v] of batch) states.set(k, v);
  }
  return states;
}
