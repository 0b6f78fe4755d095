import type { Executor } from '../../db/client';
import { lockProjectBudget, readBudgetUsage } from '../../db/queries/queue-state';
import { budgetState } from '../../lib/queue/budget';
import type { BudgetSettings } from '../../lib/queue/settings';

/** How many new leases a claim may add under the project's budgets, or why it may add none. */
export type BudgetRoom = { kind: 'room'; want: number } | { kind: 'spent'; message: string };

/**
 * Inside the claim's transaction (after the annotator's lock): open leases count as labels, and
 * with a project budget the project's lock is taken too, so two claims never both see room for
 * the last item.
 */
export async function budgetRoom(tx: Executor, projectId: number, userId: number, budget: BudgetSettings, want: number): Promise<BudgetRoom> {
  if (budget.projectBudget === null && budget.perAnnotatorBudget === null) return { kind: 'room', want };
  if (budget.projectBudget !== null) await lockProjectBudget(tx, projectId);
  const b = budgetState({ ...budget, ...(await readBudgetUsage(tx, projectId, userId)) });
  const room = Math.min(want, b.remaining);
  if (room > 0) return { kind: 'room', want: room };
  return {
    kind: 'spent',
    message: b.limitedBy === 'annotator'
      ? `you have used your label budget in this project (${budget.perAnnotatorBudget} labels)`
      : `the project's label budget (${budget.projectBudget} labels) is spent`,
  };
}
