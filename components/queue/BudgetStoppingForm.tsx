'use client';

import { queueUrl, send, useControl } from './api';
import type { QueueView } from './types';

/** A number field: empty means "none" (no limit, no target). */
function num(data: FormData, key: string): number | null {
  const raw = String(data.get(key) ?? '').trim();
  return raw === '' ? null : Number(raw);
}

function plateauWindow(data: FormData, prefix: string) {
  const delta = num(data, `${prefix}Delta`);
  const versions = num(data, `${prefix}Versions`);
  return delta === null && versions === null ? undefined : { delta: delta ?? 0, versions: versions ?? 0 };
}

/** The admin's label budgets and stopping targets; the server refuses a bad value and changes nothing. */
export function BudgetStoppingForm({ projectId, budget, stopping }: { projectId: number; budget: QueueView['budget']; stopping: QueueView['stopping'] }) {
  const { busy, error, done, run } = useControl();
  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const atLeast = num(data, 'atLeast');
    const targets = {
      ...(atLeast === null ? {} : { metric: { atLeast } }),
      ...(plateauWindow(data, 'plateau') ? { plateau: plateauWindow(data, 'plateau') } : {}),
      ...(plateauWindow(data, 'uncertainty') ? { uncertaintyPlateau: plateauWindow(data, 'uncertainty') } : {}),
      whenMet: String(data.get('whenMet')),
    };
    const body = { budget: { projectBudget: num(data, 'projectBudget'), perAnnotatorBudget: num(data, 'perAnnotatorBudget') }, stopping: targets };
    void run(() => send('PATCH', queueUrl(projectId), body), 'saved');
  }
  const v = (x: number | null | undefined) => (x === null || x === undefined ? '' : x);
  return (
    <form className="queue-form" data-testid="queue-budget" key={JSON.stringify([budget.projectBudget, budget.perAnnotatorBudget, stopping])} onSubmit={(e) => { e.preventDefault(); submit(e.currentTarget); }}>
      <label><span>project budget (labels)</span><input name="projectBudget" type="number" step="1" defaultValue={v(budget.projectBudget)} placeholder="no limit" data-testid="budget-project" /></label>
      <label><span>per annotator</span><input name="perAnnotatorBudget" type="number" step="1" defaultValue={v(budget.perAnnotatorBudget)} placeholder="no limit" data-testid="budget-annotator" /></label>
      <label><span>holdout accuracy ≥</span><input name="atLeast" type="number" step="0.01" defaultValue={v(stopping.metric?.atLeast)} placeholder="no target" data-testid="target-metric" /></label>
      <label><span>plateau: gain &lt; δ</span><input name="plateauDelta" type="number" step="0.001" defaultValue={v(stopping.plateau?.delta)} placeholder="off" /></label>
      <label><span>over k versions</span><input name="plateauVersions" type="number" step="1" defaultValue={v(stopping.plateau?.versions)} placeholder="off" /></label>
      <label><span>uncertainty plateau δ</span><input name="uncertaintyDelta" type="number" step="0.001" defaultValue={v(stopping.uncertaintyPlateau?.delta)} placeholder="off" /></label>
      <label><span>over k versions</span><input name="uncertaintyVersions" type="number" step="1" defaultValue={v(stopping.uncertaintyPlateau?.versions)} placeholder="off" /></label>
      <label>
        <span>when met</span>
        <select name="whenMet" defaultValue={stopping.whenMet}>
          <option value="stop">stop dealing</option>
          <option value="holdout-only">deal holdout items only</option>
        </select>
      </label>
      <div className="queue-form-foot">
        <button type="submit" className="primary" disabled={busy}>Save</button>
        {error && <span className="error" role="alert">{error}</span>}
        {done && <span className="ok">{done}</span>}
      </div>
    </form>
  );
}
