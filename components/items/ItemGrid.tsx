'use client';

import Link from 'next/link';
import { useState } from 'react';
import { send, useControl } from '../queue/api';

export interface GridItem {
  id: number;
  status: string;
  split: string;
  sourceName: string;
  answers: number;
  openFlags: number;
  answeredAt: string | null;
  resolved: { summary: string; source: string } | null;
  predicted: { label: string | null; confidence: number | null; uncertainty: number | null } | null;
}

const BULK = [
  ['pin', 'Pin', 'deal next, to whoever asks first'],
  ['exclude', 'Exclude', 'never deal; holders lose them now'],
  ['requeue', 'Re-queue', 'take back from holders and deal again first'],
] as const;

/** The grid of thumbnails with a checkbox each, and the lead's bulk actions on what is ticked. */
export function ItemGrid({ projectId, items }: { projectId: number; items: GridItem[] }) {
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const { busy, error, done, run } = useControl();
  const toggle = (id: number) => setPicked((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const all = items.length > 0 && items.every((i) => picked.has(i.id));
  return (
    <>
      <div className="bulk-bar" data-testid="bulk-bar">
        <label><input type="checkbox" checked={all} onChange={() => setPicked(all ? new Set() : new Set(items.map((i) => i.id)))} /> all on this page</label>
        <span className="muted">{picked.size} selected</span>
        {BULK.map(([action, label, title]) => (
          <button
            key={action} type="button" title={title} disabled={busy || picked.size === 0} data-testid={`bulk-${action}`}
            onClick={() => void run(() => send('POST', `/api/projects/${projectId}/queue/items`, { action, itemIds: [...picked] }), `${label}: ${picked.size} item${picked.size === 1 ? '' : 's'}`)}
          >{label}</button>
        ))}
        {error && <span className="error" role="alert">{error}</span>}
        {done && <span className="ok" role="status">{done}</span>}
      </div>
      {items.length === 0 ? <p className="muted" data-testid="items-empty">No item matches these filters.</p> : (
        <ul className="item-grid" data-testid="item-grid">
          {items.map((i) => (
            <li key={i.id} className={picked.has(i.id) ? 'picked' : undefined} data-testid="item-tile" data-item-id={i.id} data-status={i.status}>
              <input type="checkbox" aria-label={`select item ${i.id}`} checked={picked.has(i.id)} onChange={() => toggle(i.id)} />
              <Link href={`/projects/${projectId}/items/${i.id}`} data-testid="item-link">
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={`/api/items/${i.id}/media`} alt={`item ${i.id}`} loading="lazy" />
              </Link>
              <div className="tile-facts">
                <span className={`state state-${i.status}`}>{i.status}</span>
                {i.openFlags > 0 && <span className="flag-badge" title="open flags">⚑ {i.openFlags}</span>}
                <span className="muted">#{i.id}</span>
              </div>
              <div className="tile-answer" title={i.sourceName}>
                {i.resolved ? <b>{i.resolved.summary}</b> : <span className="muted">{i.answers > 0 ? `${i.answers} answers` : 'no answer'}</span>}
                {i.predicted?.label && (
                  <span className="muted"> · model {i.predicted.label}{i.predicted.uncertainty !== null ? ` (u ${i.predicted.uncertainty.toFixed(2)})` : ''}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
