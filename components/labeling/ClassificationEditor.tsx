'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { keyMap } from '@/lib/keys';
import { classEdit } from '@/lib/tasks/suggestion';
import { mediaUrl } from './api';
import { ClassButtons } from './ClassButtons';
import type { EditorProps } from './editor-props';
import { useSuggestions } from './suggestions';
import { ShortcutSheet, type ShortcutRow } from './ShortcutSheet';
import { useZoomPan } from './useZoomPan';
import { cssTransform } from '@/lib/view/zoom';

function shortcutRows(keys: [string, string][], suggestions: boolean): ShortcutRow[] {
  const first = keys.slice(0, 3).map(([k, c]) => `${k.toUpperCase()} ${c}`).join(', ');
  return [
    [[keys.length > 0 ? `${keys[0][0].toUpperCase()}…` : '—'], `label with the class on that key (${first}${keys.length > 3 ? ', …' : ''}); the buttons show every key`],
    ...(suggestions ? [[['Enter'], "take the model's suggestion (the highlighted class)"] as ShortcutRow] : []),
    [['⌫'], 'undo your last label (also Ctrl Z)'],
    [['S'], 'skip this item'],
    [['wheel'], 'zoom at the cursor'],
    [['+', '−'], 'zoom in, out (×2)'],
    [['drag'], 'pan the zoomed image'],
    [['double-click'], 'fit the image again'],
    [['?'], 'show or hide this sheet'],
  ];
}

/** One class per image: a digit (or letter) per class, or its button; Enter takes the model's suggestion when one is shown. */
export function ClassificationEditor({ projectId, task, current, upcoming, placeholder, loop, suggestions = false }: EditorProps) {
  const classes = useMemo(() => ('classes' in task.config ? task.config.classes : []), [task]);
  const keys = useMemo(() => [...keyMap(classes)], [classes]);
  const byKey = useMemo(() => new Map(keys), [keys]);
  const disabled = loop.state.work.kind === 'undoing';
  const { submit, undo, skip, markKeyDown } = loop;
  const held = useMemo(() => (current ? [current, ...upcoming] : []).map((i) => i.itemId), [current, upcoming]);
  const known = useSuggestions(projectId, suggestions, held);
  const suggestion = current ? known.get(current.itemId) ?? null : null;
  // When the item appeared, for the edit record's seconds.
  const shownAt = useRef({ itemId: -1, at: 0 });
  const zoom = useZoomPan(current?.itemId ?? null);
  const { zoomBy } = zoom;
  const [help, setHelp] = useState(false);
  if (current && shownAt.current.itemId !== current.itemId) shownAt.current = { itemId: current.itemId, at: performance.now() };

  const answer = useMemo(() => (cls: string) => {
    const seconds = (performance.now() - shownAt.current.at) / 1000;
    submit({ answer: { label: cls }, summary: cls, ...(suggestion ? { edit: classEdit(suggestion, cls, seconds) } : {}) });
  }, [submit, suggestion]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'Backspace' || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z')) {
        e.preventDefault();
        void undo();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        e.preventDefault();
        setHelp((h) => !h);
        return;
      }
      // The sheet is modal: no label goes in while it is open (Escape closes it, as any dialog).
      if (help) return;
      if (e.key === '+' || e.key === '=') { e.preventDefault(); zoomBy(2); return; }
      if (e.key === '-') { e.preventDefault(); zoomBy(0.5); return; }
      if (e.key === 'Enter') {
        // A focused control (Skip, Undo, a link) keeps its own Enter; a class button focused by an earlier
        // click does not: Enter there must not repeat that click's class.
        const t = e.target instanceof HTMLElement ? e.target : null;
        if (t?.closest('button, a, summary, dialog') && !t.closest('.class-buttons')) return;
        e.preventDefault();
        if (suggestion && !disabled) {
          markKeyDown();
          answer(suggestion.label);
        }
        return;
      }
      const k = e.key.toLowerCase();
      if (k === 's') {
        e.preventDefault();
        void skip();
        return;
      }
      const cls = byKey.get(k);
      if (cls !== undefined) {
        e.preventDefault();
        markKeyDown();
        answer(cls);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [answer, byKey, disabled, help, markKeyDown, skip, suggestion, undo, zoomBy]);

  return (
    <>
      <div className="stage">
        {placeholder}
        {(current ? [current, ...upcoming] : []).map((item, i) => (
          // Prefetched items are rendered hidden so their pixels are decoded before they are needed; each
          // keeps its element (and box) when it moves up to the screen.
          <div
            key={item.leaseId} className={i === 0 ? 'zoom-box' : 'prefetched-box'} ref={i === 0 ? zoom.boxRef : undefined}
            data-testid={i === 0 ? 'zoom-box' : undefined} data-zoom={i === 0 ? zoom.view.scale : undefined}
            title={i === 0 ? 'wheel: zoom · drag: pan · double-click: fit · ?: keys' : undefined}
          >
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img
              src={mediaUrl(item.itemId)}
              alt={i === 0 ? `item ${item.itemId}` : ''}
              data-testid={i === 0 ? 'current-item' : undefined}
              data-item-id={item.itemId}
              data-stream={item.stream}
              className={`item-image${i === 0 ? '' : ' prefetched'}`}
              style={i === 0 && zoom.view.scale > 1 ? { transform: cssTransform(zoom.view) } : undefined}
              draggable={false}
            />
          </div>
        ))}
      </div>
      {/* Always there when the project has suggestions, so one appearing never moves the buttons. */}
      {suggestions && (
        <p className="suggestion-line" data-testid="suggestion" data-label={suggestion?.label ?? ''}>
          {current && suggestion
            ? suggestion.source === 'import' || suggestion.confidence === null
              ? <>Imported as <b>{suggestion.label}</b>, to confirm · <kbd>Enter</kbd> to confirm, or press another class</>
              : <>The model suggests <b>{suggestion.label}</b> ({Math.round(suggestion.confidence * 100)}% sure) · <kbd>Enter</kbd> to accept, or press another class</>
            : <span className="muted">{current ? 'No suggestion for this item' : '\u00a0'}</span>}
        </p>
      )}
      <p className="keys-hint muted"><button type="button" className="link" onClick={() => setHelp(true)} data-testid="open-shortcuts">Keys <kbd>?</kbd></button></p>
      <ShortcutSheet open={help} onClose={() => setHelp(false)} rows={shortcutRows(keys, suggestions)} />
      <ClassButtons
        classes={classes} keys={keys} disabled={!current || disabled} onPick={answer}
        suggested={current && suggestion ? suggestion : null}
      />
    </>
  );
}
