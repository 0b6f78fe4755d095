/**
 * Labels the server has not yet acknowledged. Kept in localStorage so that a
 * closed tab or a reload does not lose a label: the next page load sends them.
 */
export interface PendingLabel {
  clientKey: string;
  projectId: number;
  leaseId: number;
  itemId: number;
  label: string;
  at: number;
}

const KEY = 'tandem.outbox.v1';

export function loadOutbox(projectId: number): PendingLabel[] {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '[]') as PendingLabel[];
    return Array.isArray(all) ? all.filter((p) => p.projectId === projectId) : [];
  } catch {
    return [];
  }
}

export function saveOutbox(projectId: number, pending: PendingLabel[]): void {
  try {
    const others = (JSON.parse(localStorage.getItem(KEY) ?? '[]') as PendingLabel[]).filter((p) => p.projectId !== projectId);
    localStorage.setItem(KEY, JSON.stringify([...others, ...pending]));
  } catch {
    // Storage full or disabled: the in-memory outbox still retries while the tab is open.
  }
}

export function newClientKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
