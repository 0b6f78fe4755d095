'use client';

import { useModal } from '../ui/use-modal';
import { useContext } from 'react';
import { OpenGuidelines } from '../guidelines/context';

export type ShortcutRow = [keys: string[], what: string];

/**
 * The keyboard, on demand: `?` opens it, `?` or Escape closes it (a native <dialog>, so
 * focus and Escape behave as a browser's dialog does).
 */
export function ShortcutSheet({ open, onClose, rows }: { open: boolean; onClose(): void; rows: ShortcutRow[] }) {
  const ref = useModal(open);
  const openGuidelines = useContext(OpenGuidelines);
  return (
    <dialog ref={ref} className="shortcut-sheet" data-testid="shortcut-sheet" aria-label="Keyboard shortcuts" onClose={onClose} onClick={(e) => { if (e.target === ref.current) onClose(); }}>
      <h2>Keyboard and mouse</h2>
      <dl>
        {rows.map(([keys, what]) => (
          <div key={what}>
            <dt>{keys.map((k) => <kbd key={k}>{k}</kbd>)}</dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      {openGuidelines && (
        <section className="sheet-guidelines">
          <h2>Guidelines</h2>
          <p>What each class means, with examples. <button type="button" data-testid="sheet-guidelines" onClick={() => { onClose(); openGuidelines(); }}>Read the guidelines</button></p>
        </section>
      )}
      <p className="muted"><kbd>?</kbd> or <kbd>Esc</kbd> closes this.</p>
      <button type="button" onClick={onClose}>Close</button>
    </dialog>
  );
}
