import { describe, expect, it } from 'vitest';
import { budgetState, remainingBudget, type BudgetInput } from '../../../lib/queue/budget';
import { mulberry32 } from '../../../lib/random';

const b = (over: Partial<BudgetInput> = {}): BudgetInput => ({
  projectBudget: 100, perAnnotatorBudget: null, labeled: 0, labeledByMe: 0, openLeases: 0, openLeasesMine: 0, ...over,
});

describe('remainingBudget', () => {
  it('is unlimited without budgets', () => {
    expect(remainingBudget(b({ projectBudget: null }))).toBe(Infinity);
    expect(budgetState(b({ projectBudget: null }))).toEqual({ remaining: Infinity, limitedBy: null });
  });

  it('counts open leases against the project budget as if they were labels', () => {
    expect(remainingBudget(b({ labeled: 80, openLeases: 15 }))).toBe(5);
    expect(remainingBudget(b({ labeled: 90, openLeases: 15 }))).toBe(0);
  });

  it('takes the smaller of the project and the annotator budget, and says which binds', () => {
    const s = budgetState(b({ perAnnotatorBudget: 20, labeled: 50, labeledByMe: 12, openLeases: 10, openLeasesMine: 5 }));
    expect(s).toEqual({ remaining: 3, limitedBy: 'annotator' });
    expect(budgetState(b({ perAnnotatorBudget: 50, labeled: 95, labeledByMe: 1 }))).toEqual({ remaining: 5, limitedBy: 'project' });
  });

  it('is 0 for a budget of 0 and never negative when labels already passed it', () => {
    expect(remainingBudget(b({ projectBudget: 0 }))).toBe(0);
    expect(remainingBudget(b({ projectBudget: 10, labeled: 15 }))).toBe(0);
  });

  it('rejects counts that cannot be', () => {
    expect(() => remainingBudget(b({ labeled: -1 }))).toThrow(/labeled must be a whole number/);
    expect(() => remainingBudget(b({ projectBudget: -5 }))).toThrow(/projectBudget must be a whole number/);
    expect(() => remainingBudget(b({ labeledByMe: 5, labeled: 2 }))).toThrow(/exceeds labeled/);
    expect(() => remainingBudget(b({ openLeasesMine: 3, openLeases: 1 }))).toThrow(/exceeds openLeases/);
  });

  it('never lets concurrent annotators overshoot the budget (seeded interleavings)', () => {
    // Annotators ask in a random order; each is dealt min(want, remaining) and leases stay open
    // until labeled later. Total labels must end exactly at the budget.
    let overshoots = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const rng = mulberry32(seed);
      const budget = 20 + Math.floor(rng() * 100);
      const perAnnotator = rng() < 0.5 ? null : 5 + Math.floor(rng() * 40);
      const team = 2 + Math.floor(rng() * 5);
      const open = new Array(team).fill(0);
      const done = new Array(team).fill(0);
      for (let step = 0; step < 2000; step++) {
        const me = Math.floor(rng() * team);
        if (rng() < 0.5 && open[me] > 0) {
          open[me]--;
          done[me]++;
          continue;
        }
        const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
        const left = remainingBudget({ projectBudget: budget, perAnnotatorBudget: perAnnotator, labeled: sum(done), labeledByMe: done[me], openLeases: sum(open), openLeasesMine: open[me] });
        open[me] += Math.min(1 + Math.floor(rng() * 10), left);
        if (sum(done) + sum(open) > budget) overshoots++;
        if (perAnnotator !== null && done[me] + open[me] > perAnnotator) overshoots++;
      }
      const total = done.reduce((s, x) => s + x, 0) + open.reduce((s, x) => s + x, 0);
      expect(total).toBe(perAnnotator === null ? budget : Math.min(budget, perAnnotator * team));
    }
    expect(overshoots).toBe(0);
  });
});
