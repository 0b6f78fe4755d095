'use client';

import { queueUrl, send, useControl } from './api';
import type { QueueView } from './types';
import { useFieldEdits } from './use-field-edits';

type Field = 'projectBudget' | 'perAnnotatorBudget' | 'atLeast' | 'plateauDelta' | 'plateauVersions' | 'uncertaintyDelta' | 'uncertaintyVersions' | 'whenMet';

const text = (x: number | string | null | undefined) => (x === null || x === undefined ? '' : String(x));
function asText(budget: Pick<QueueView['budget'], 'projectBudget' | 'perAnnotatorBudget'>, stopping: QueueView['stopping']): Record<Field, string> {
  return {
    projectBudget: text(budget.projectBudget), perAnnotatorBudget: text(budget.perAnnotatorBudget),
    atLeast: text(stopping.metric?.atLeast),
    plateauDelta: text(stopping.plateau?.delta), plateauVersions: text(stopping.plateau?.versions),
    uncertaintyDelta: text(stopping.uncertaintyPlateau?.delta), uncertaintyVersions: text(stopping.uncertaintyPlateau?.versions),
    whenMet: stopping.whenMet,
  };
}

/** A number field: empty means "none" (no limit, no target). */
const num = (raw: string): number | null => (raw.trim() === '' ? null : Number(raw));

function plateauWindow(deltaText: string, versionsText: string) {
  const delta = num(deltaText), versions = num(versionsText);
  return delta === null && versions === null ? undefined : { delta: delta ?? 0, versions: versions ?? 0 };
}

/** The admin's label budgets and stopping targets; the server refuses a bad value and changes nothing. */
export function BudgetStoppingForm({ projectId, budget, stopping }: { projectId: number; budget: QueueView['budget']; stopping: QueueView['stopping'] }) {
  const { busy, error, done, run } = useControl();
  const fields = useFieldEdits(asText(budget, stopping));
  const v = fields.value;
  function submit() {
    const atLeast = num(v('atLeast'));
    const plateau = plateauWindow(v('plateauDelta'), v('plateauVersions'));
    const uncertaintyPlateau = plateauWindow(v('uncertaintyDelta'), v('uncertaintyVersions'));
    const targets = {
      ...(atLeast === null ? {} : { metric: { atLeast } }),
      ...(plateau ? { plateau } : {}),
      ...(uncertaintyPlateau ? { uncertaintyPlateau } : {}),
      whenMet: v('whenMet'),
    };
    const body = { budget: { projectBudget: num(v('projectBudget')), perAnnotatorBudget: num(v('perAnnotatorBudget')) }, stopping: targets };
    void run(async () => {
      const view = await send('PATCH', queueUrl(projectId), body) as Partial<QueueView> | null;
      if (view?.budget && view.stopping) fields.saved(asText(view.budget, view.stopping));
    }, 'saved');
  }
  const input = (field: Field, step: string, placeholder: string, testId?: string) => (
    <input name={field} type="number" step={step} value={v(field)} onChange={(e) => fields.edit(field, e.target.value)} placeholder={placeholder} data-testid={testId} />
  );
  return (
    <form className="queue-form" data-testid="queue-budget" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <label><span>project budget (labels)</span>{input('projectBudget', '1', 'no limit', 'budget-project')}</label>
      <label><span>per annotator</span>{input('perAnnotatorBudget', '1', 'no limit', 'budget-annotator')}</label>
      <label><span>holdout accuracy ≥</span>{input('atLeast', '0.01', 'no target', 'target-metric')}</label>
      <label><span>plateau: gain &lt; δ</span>{input('plateauDelta', '0.001', 'off')}</label>
      <label><span>over k versions</span>{input('plateauVersions', '1', 'off')}</label>
      <label><span>uncertainty plateau δ</span>{input('uncertaintyDelta', '0.001', 'off')}</label>
      <label><span>over k versions</span>{input('uncertaintyVersions', '1', 'off')}</label>
      <label>
        <span>when met</span>
        <select name="whenMet" value={v('whenMet')} onChange={(e) => fields.edit('whenMet', e.target.value)}>
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
