'use client';

import { send, useControl } from './api';
import type { Holder } from './types';

const time = (iso: string) => iso.slice(11, 19);

/** Who holds what, gold included (leads may know); a lead can take any item back. */
export function HoldsTable({ projectId, holders }: { projectId: number; holders: Holder[] }) {
  const { busy, error, run } = useControl();
  if (holders.length === 0) return <p className="muted" data-testid="holds-empty">Nobody holds an item now.</p>;
  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="holds-table" data-testid="holds">
        <thead><tr><th>annotator</th><th>item</th><th>stream</th><th>since (UTC)</th><th>expires</th><th /></tr></thead>
        <tbody>
          {holders.flatMap((h) => h.leases.map((l, i) => (
            <tr key={l.leaseId} data-testid="hold" data-lease-id={l.leaseId}>
              <td>{i === 0 ? <span title={h.email}>{h.name}</span> : null}</td>
              <td>{l.itemId}</td>
              <td><code>{l.stream}</code></td>
              <td>{time(l.since)}</td>
              <td>{time(l.expiresAt)}</td>
              <td>
                <button type="button" className="link" disabled={busy} data-testid="release-lease"
                  onClick={() => void run(() => send('DELETE', `/api/projects/${projectId}/leases/${l.leaseId}`))}>
                  release
                </button>
              </td>
            </tr>
          )))}
        </tbody>
      </table>
    </>
  );
}
