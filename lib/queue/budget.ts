/**
 * Label budgets, counted in labels (an overlap label counts: it costs an annotator's time).
 * Open leases count against the budget as if they were labels already: two annotators
 * asking at once cannot both be dealt the last item, so the budget is never overshot under
 * concurrency. The service must read these counts in the same transaction that inserts the
 * leases (it holds the annotator's queue lock there).
 */
export interface BudgetInput {
  /** Labels the project may collect in all; null = no limit. */
  projectBudget: number | null;
  /** Labels one annotator may give; null = no limit. */
  perAnnotatorBudget: number | null;
  /** Labels in the project so far. */
  labeled: number;
  /** Labels by this annotator so far. */
  labeledByMe: number;
  /** Active leases in the project, this annotator's included. */
  openLeases: number;
  /** This annotator's active leases. */
  openLeasesMine: number;
}

export interface BudgetState {
  /** Items that may be dealt now (Infinity without a limit). */
  remaining: number;
  /** The budget that binds, or null when none does. */
  limitedBy: 'project' | 'annotator' | null;
}

function count(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
  return v;
}

export function budgetState(b: BudgetInput): BudgetState {
  const labeled = count('labeled', b.labeled);
  const mine = count('labeledByMe', b.labeledByMe);
  const open = count('openLeases', b.openLeases);
  const openMine = count('openLeasesMine', b.openLeasesMine);
  if (mine > labeled) throw new RangeError(`labeledByMe (${mine}) exceeds labeled (${labeled})`);
  if (openMine > open) throw new RangeError(`openLeasesMine (${openMine}) exceeds openLeases (${open})`);
  const project = b.projectBudget === null ? Infinity : Math.max(0, count('projectBudget', b.projectBudget) - labeled - open);
  const annotator = b.perAnnotatorBudget === null ? Infinity : Math.max(0, count('perAnnotatorBudget', b.perAnnotatorBudget) - mine - openMine);
  if (project === Infinity && annotator === Infinity) return { remaining: Infinity, limitedBy: null };
  return annotator < project ? { remaining: annotator, limitedBy: 'annotator' } : { remaining: project, limitedBy: 'project' };
}

/** How many items may be dealt now: the smaller of what the project and the annotator budgets leave (Infinity without limits). */
export function remainingBudget(b: BudgetInput): number {
  return budgetState(b).remaining;
}
