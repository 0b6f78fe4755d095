import type { EditRecord } from '@/lib/tasks/edit';

/**
 * Answers the server has not yet acknowledged. Kept in localStorage so that a
 * closed tab or a reload does not lose one: the next page load sends them.
 */
export interface PendingLabel {
  clientKey: string;
  projectId: number;
  leaseId: number;
  itemId: number;
  /** The task's payload (lib/tasks `Answer`, `task` left out: the server knows the project's). */
  answer: Record<string, unknown>;
  /** How the answer was reached from the prelabel (spatial editors). */
  edit?: EditRecord;
  /** The answer in a few words, for the page's "last:" line and a refusal's message. */
  summary: string;
  at: number;
}

const KEY = 'tandem.outbox.v1';

/** An entry written by a page from before task payloads held `{ label }` only. */
type Stored = PendingLabel | (Omit<PendingLabel, 'answer' | 'summary'> & { label: string });

const upgrade = (p: Stored): PendingLabel => ('answer' in p ? p : { ...p, answer: { label: p.label }, summary: p.label });

function readAll(): Stored[] {
  const all = JSON.parse(localStorage.getItem(KEY) ?? '[]') as Stored[];
  return Array.isArray(all) ? all : [];
}

export function loadOutbox(projectId: number): PendingLabel[] {
  try {
    return readAll().filter((p) => p.projectId === projectId).map(upgrade);
  } catch {
    return [];
  }
}

export function saveOutbox(projectId: number, pending: PendingLabel[]): void {
  try {
    const others = readAll().filter((p) => p.projectId !== projectId);
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
