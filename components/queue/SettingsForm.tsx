'use client';

import { queueUrl, send, useControl } from './api';
import type { QueueView } from './types';
import { useFieldEdits } from './use-field-edits';

type Settings = QueueView['settings'];
const NUMBERS = [
  ['batchSize', 'batch size', '1'],
  ['easyShare', 'easy share', '0.05'],
  ['maxHardInARow', 'max hard in a row', '1'],
  ['overlapShare', 'overlap share', '0.05'],
  ['overlapK', 'overlap k', '1'],
  ['tieBreak', 'tie-break (more annotators on a disagreement)', '1'],
  ['holdoutShare', 'holdout share', '0.05'],
] as const;
type Field = (typeof NUMBERS)[number][0] | 'strategy';
const FIELDS: readonly Field[] = [...NUMBERS.map(([key]) => key), 'strategy'];

const asText = (s: Settings) => Object.fromEntries(FIELDS.map((f) => [f, String(s[f])])) as Record<Field, string>;

/** A lead's live change of the dealing settings: only the fields that differ are sent; the server checks the whole. */
export function SettingsForm({ projectId, settings, strategies }: { projectId: number; settings: Settings; strategies: readonly string[] }) {
  const { busy, error, done, run } = useControl();
  const fields = useFieldEdits(asText(settings));
  function submit() {
    const patch: Record<string, unknown> = {};
    for (const field of fields.changed()) {
      const typed = fields.value(field);
      if (typed.trim() === '') continue;
      patch[field] = field === 'strategy' ? typed : Number(typed);
    }
    if (Object.keys(patch).length === 0) return;
    void run(async () => {
      const view = await send('PATCH', queueUrl(projectId), { settings: patch }) as Partial<QueueView> | null;
      if (view?.settings) fields.saved(asText(view.settings));
    }, 'saved: open streams follow');
  }
  return (
    <form className="queue-form" data-testid="queue-settings" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      {NUMBERS.map(([key, label, step]) => (
        <label key={key}>
          <span>{label}</span>
          <input name={key} type="number" step={step} min={0} value={fields.value(key)} onChange={(e) => fields.edit(key, e.target.value)} data-testid={`setting-${key}`} />
        </label>
      ))}
      <label>
        <span>strategy</span>
        <select name="strategy" value={fields.value('strategy')} onChange={(e) => fields.edit('strategy', e.target.value)} data-testid="setting-strategy">
          {strategies.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <div className="queue-form-foot">
        <button type="submit" className="primary" disabled={busy}>Apply</button>
        {error && <span className="error" role="alert">{error}</span>}
        {done && <span className="ok">{done}</span>}
      </div>
    </form>
  );
}
