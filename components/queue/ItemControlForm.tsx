'use client';

import { parseId } from '@/lib/protocol/ids';
import { queueUrl, send, useControl } from './api';

const ACTIONS = [
  ['pin', 'pin: deal next, to whoever asks first'],
  ['boost', 'boost: ahead of the ranking\'s other items'],
  ['exclude', 'exclude: never deal'],
  ['requeue', 're-queue: take back from holders and deal again'],
  ['clear', 'clear: drop the control'],
] as const;

/** Item ids (spaces or commas between) and what to do with them; an item of another project refuses the whole request. */
export function ItemControlForm({ projectId }: { projectId: number }) {
  const { busy, error, done, run } = useControl();
  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const words = String(data.get('itemIds')).split(/[\s,]+/).filter(Boolean);
    const ids = words.map((w) => parseId(w));
    const bad = words.filter((_, i) => ids[i] === null);
    const itemIds = ids.filter((id) => id !== null);
    if (words.length === 0 || bad.length) {
      void run(async () => { throw new Error(words.length ? `not item ids: ${bad.join(', ')}` : 'give at least one item id'); });
      return;
    }
    const action = String(data.get('action'));
    void run(() => send('POST', queueUrl(projectId, '/items'), { action, itemIds }), `${action}: ${itemIds.length} item${itemIds.length === 1 ? '' : 's'}`);
  }
  return (
    <form className="inline" data-testid="item-controls" onSubmit={(e) => { e.preventDefault(); submit(e.currentTarget); }}>
      <input name="itemIds" placeholder="item ids, e.g. 12 15 40" size={28} data-testid="item-ids" />
      <select name="action" data-testid="item-action">
        {ACTIONS.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </select>
      <button type="submit" disabled={busy}>Apply</button>
      {error && <span className="error" role="alert">{error}</span>}
      {done && <span className="ok">{done}</span>}
    </form>
  );
}
