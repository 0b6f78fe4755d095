/**
 * Where an item's answer stands. The answers of people (annotators, an import) settle an item when
 * there is one of them or when they all agree; otherwise a confident consensus or a lead's decision
 * does. Kept in `items.status`, in the same transaction as the answer that changed it.
 */
export const ITEM_STATES = ['open', 'collecting', 'disputed', 'resolved'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export interface ItemAnswers {
  /** Standing answers given by people (annotators and imports; not consensus, not a lead's decision). */
  answers: number;
  /** Whether those answers all agree pairwise at the task type's level. */
  agree: boolean;
  /** A lead's decision stands for the item. */
  decided: boolean;
  /** A consensus computed from these answers stands with confidence at or above the project's threshold. */
  confidentConsensus: boolean;
  /** Other overlap or gold leases on the item still out: more answers are coming. */
  leasesOut: number;
  /** A lead sent the item's answer back for review: it waits for a decision like a dispute. */
  sentBack?: boolean;
}

export function itemState(a: ItemAnswers): ItemState {
  if (a.decided) return 'resolved';
  if (a.answers === 0) return 'open';
  if (a.sentBack) return 'disputed';
  if (a.answers >= 2 && !a.agree) return a.confidentConsensus ? 'resolved' : 'disputed';
  return a.leasesOut > 0 ? 'collecting' : 'resolved';
}

/** States whose item has an answer the trainer may learn from and the export writes (disputed ones wait for a decision). */
export const TRAINABLE_STATES: readonly ItemState[] = ['collecting', 'resolved'];

/** Whether an item in this state has been answered at all (counts, budgets, progress). */
export function isAnswered(state: ItemState): boolean {
  switch (state) {
    case 'open': return false;
    case 'collecting': case 'disputed': case 'resolved': return true;
    default: { const never: never = state; return never; }
  }
}
