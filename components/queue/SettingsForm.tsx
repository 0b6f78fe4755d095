'use client';

import { useEffect, useState } from 'react';
import { queueUrl, send, useControl } from './api';
import type { QueueView } from './types';

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

/** A lead's live change of the dealing settings: only the fields that differ are sent; the server checks the whole. */
export function SettingsForm({ projectId, settings, strategies }: { projectId: number; settings: Settings; strategies: readonly string[] }) {
  const { busy, error, done, run } = useControl();
  // A change arriving live (another lead, this page's own refresh) must not wipe what the
  // lead is typing: the form shows the server's values only while it has no edits.
  const [dirty, setDirty] = useState(false);
  const [shown, setShown] = useState(settings);
  useEffect(() => { if (!dirty) setShown(settings); }, [settings, dirty]);
  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const patch: Record<string, unknown> = {};
    for (const [key] of NUMBERS) {
      const v = Number(data.get(key));
      if (String(data.get(key)).trim() !== '' && v !== settings[key]) patch[key] = v;
    }
    const strategy = String(data.get('strategy'));
    if (strategy !== settings.strategy) patch.strategy = strategy;
    if (Object.keys(patch).length === 0) { setDirty(false); return; }
    void run(async () => {
      const view = await send('PATCH', queueUrl(projectId), { settings: patch }) as Partial<QueueView> | null;
      // The form shows what was saved at once: the page's refresh arriving later with the same values
      // then changes nothing, instead of re-mounting the form under whatever is typed next.
      if (view?.settings) setShown(view.settings);
      setDirty(false);
    }, 'saved: open streams follow');
  }
  return (
    <form className="queue-form" data-testid="queue-settings" key={JSON.stringify(shown)} onInput={() => setDirty(true)} onSubmit={(e) => { e.preventDefault(); submit(e.currentTarget); }}>
      {NUMBERS.map(([key, label, step]) => (
        <label key={key}>
          <span>{label}</span>
          <input name={key} type="number" step={step} min={0} defaultValue={shown[key]} data-testid={`setting-${key}`} />
        </label>
      ))}
      <label>
        <span>strategy</span>
        <select name="strategy" defaultValue={shown.strategy} data-testid="setting-strategy">
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
