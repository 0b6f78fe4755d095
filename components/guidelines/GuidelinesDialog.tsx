'use client';

import { useModal } from '../ui/use-modal';
import type { Guidelines } from '@/lib/protocol/guidelines';
import { GuidelinesView } from './GuidelinesView';

/**
 * Which guidelines this browser has shown this user in this project, kept in localStorage by
 * their last change: a first visit, and a visit after the lead changed them, opens them once.
 */
const seenKey = (projectId: number, userId: number) => `tandem:guidelines-seen:${projectId}:${userId}`;

export function guidelinesUnseen(projectId: number, userId: number, g: Guidelines): boolean {
  try {
    return window.localStorage.getItem(seenKey(projectId, userId)) !== g.updatedAt;
  } catch {
    return false; // storage refused (private mode): the button still opens them
  }
}

export function markGuidelinesSeen(projectId: number, userId: number, g: Guidelines): void {
  try {
    window.localStorage.setItem(seenKey(projectId, userId), g.updatedAt);
  } catch {
    // nothing to remember with
  }
}

/**
 * The guidelines over the labeling page, a native modal dialog: Escape closes it, and keys typed
 * while reading stop at the dialog, before the editor's window listener, so they are not labels.
 */
export function GuidelinesDialog({ open, onClose, guidelines }: { open: boolean; onClose(): void; guidelines: Guidelines }) {
  const ref = useModal(open);
  return (
    <dialog ref={ref} className="guidelines-dialog" data-testid="guidelines-dialog" aria-label="Labeling guidelines" onClose={onClose} onClick={(e) => { if (e.target === ref.current) onClose(); }}
      onKeyDown={(e) => e.stopPropagation()}
    >
      <h2>Guidelines</h2>
      <GuidelinesView guidelines={guidelines} />
      <p><button type="button" className="primary" onClick={onClose} data-testid="guidelines-close" autoFocus>Start labeling</button></p>
    </dialog>
  );
}
