'use client';

import { useEffect, useMemo } from 'react';
import { keyMap } from '@/lib/keys';
import { mediaUrl } from './api';
import { ClassButtons } from './ClassButtons';
import type { EditorProps } from './editor-props';

/** One class per image: a digit (or letter) per class, or its button. */
export function ClassificationEditor({ task, current, upcoming, placeholder, loop }: EditorProps) {
  const classes = useMemo(() => ('classes' in task.config ? task.config.classes : []), [task]);
  const keys = useMemo(() => [...keyMap(classes)], [classes]);
  const byKey = useMemo(() => new Map(keys), [keys]);
  const disabled = loop.state.work.kind === 'undoing';
  const { submit, undo, skip, markKeyDown } = loop;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'Backspace' || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z')) {
        e.preventDefault();
        void undo();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
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
        submit({ answer: { label: cls }, summary: cls });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [byKey, markKeyDown, skip, submit, undo]);

  return (
    <>
      <div className="stage">
        {placeholder}
        {(current ? [current, ...upcoming] : []).map((item, i) => (
          // Prefetched items are rendered hidden so their pixels are decoded before they are needed.
          // eslint-disable-next-line @next/next/no-img-element
          <img
            key={item.leaseId}
            src={mediaUrl(item.itemId)}
            alt={i === 0 ? `item ${item.itemId}` : ''}
            data-testid={i === 0 ? 'current-item' : undefined}
            data-item-id={item.itemId}
            data-stream={item.stream}
            className={`item-image${i === 0 ? '' : ' prefetched'}`}
            draggable={false}
          />
        ))}
      </div>
      <ClassButtons classes={classes} keys={keys} disabled={!current || disabled} onPick={(c) => submit({ answer: { label: c }, summary: c })} />
    </>
  );
}
