'use client';

import { useEffect, useRef, type MutableRefObject } from 'react';
import { flipPoints, nextVisibility, type DraftPoint, type DraftShape, type DraftSpec } from '@/lib/tasks/drafts';
import type { EditorCanvas } from './canvas';
import type { Role } from './scene';
import type { DraftState } from './useItemDraft';
import { addShape, newShapeId, patchBox, removeShape, setPoints } from './ydraft';

/** What a click on the image does in a skeleton project: select and drag, or place the next point of a new skeleton. */
export type Tool = { kind: 'select' } | { kind: 'place'; id: string; next: number };

interface Keys {
  spec: DraftSpec;
  /** The draft, started from the prelabel if this is the first edit; null while it connects. */
  editable(): Extract<DraftState, { kind: 'ready' }> | null;
  shapes: DraftShape[];
  selected: Role | null;
  setSelected(r: Role | null): void;
  tool: Tool;
  setTool(t: Tool): void;
  setBoxClass(c: string): void;
  editor: MutableRefObject<EditorCanvas | null>;
  pointer: MutableRefObject<{ x: number; y: number } | null>;
  submit(): void;
  /** S: skip the item (the labeling loop); null where there is nothing to skip to. */
  skip: (() => void) | null;
  active: boolean;
}

const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
/** How near (in screen pixels) the cursor must be to a point for V to act on it when none is selected. */
const HOVER_PX = 12;

/** The editor's keyboard (the page lists it: components/labeling/spatial/Shortcuts.tsx). */
export function useEditorKeys(k: Keys): void {
  const ref = useRef(k);
  ref.current = k;

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      const c = ref.current;
      const ed = c.editor.current;
      if (!c.active || !ed) return;
      const doc = c.editable();
      const key = e.key;
      const handled = () => e.preventDefault();

      if ((e.ctrlKey || e.metaKey) && (key.toLowerCase() === 'z' || key.toLowerCase() === 'y')) {
        handled();
        if (!doc) return;
        if (e.shiftKey || key.toLowerCase() === 'y') doc.undo.redo();
        else doc.undo.undo();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (key === ' ') { handled(); ed.setPanKey(true); return; }
      if (key === 'Enter') { handled(); c.submit(); return; }
      if (key === 'f' || key === 'F') { handled(); ed.fit(); return; }
      if (key === '0') {
        handled();
        const p = c.pointer.current;
        const t = ed.canvas.viewportTransform;
        ed.zoomTo(1, p ? { x: p.x * t[0] + t[4], y: p.y * t[3] + t[5] } : undefined);
        return;
      }
      if (key === '+' || key === '=' || key === '-') {
        handled();
        const p = c.pointer.current;
        const t = ed.canvas.viewportTransform;
        ed.zoomAt(key === '-' ? 0.5 : 2, p ? { x: p.x * t[0] + t[4], y: p.y * t[3] + t[5] } : undefined);
        return;
      }
      if ((key === 's' || key === 'S') && c.skip) { handled(); c.skip(); return; }
      if (!doc) return;
      const d = doc.doc;
      const sel = c.selected;
      const shape = sel ? c.shapes.find((s) => s.id === sel.id) ?? null : null;

      if (c.spec.kind === 'boxes' && /^[1-9]$/.test(key)) {
        const cls = c.spec.classes[Number(key) - 1];
        if (!cls) return;
        handled();
        c.setBoxClass(cls);
        if (shape?.kind === 'box') patchBox(d, shape.id, { class: cls });
        return;
      }
      if (key === 'Delete' || key === 'Backspace') {
        handled();
        if (shape) { removeShape(d, shape.id); c.setSelected(null); }
        return;
      }
      if (key === 'd' || key === 'D') {
        handled();
        if (!shape) return;
        const id = newShapeId();
        const off = 10;
        addShape(d, shape.kind === 'box'
          ? { ...shape, id, from: null, x: shape.x + off, y: shape.y + off }
          : { ...shape, id, from: null, points: shape.points.map((p) => (p.v === 0 ? { ...p } : { ...p, x: p.x + off, y: p.y + off })) });
        c.setSelected(shape.kind === 'box' ? { role: 'box', id } : { role: 'hull', id });
        return;
      }
      const nudge = NUDGE[key];
      if (nudge) {
        handled();
        const step = e.shiftKey ? 10 : 1;
        const [dx, dy] = [nudge[0] * step, nudge[1] * step];
        if (shape?.kind === 'box') patchBox(d, shape.id, { x: shape.x + dx, y: shape.y + dy });
        else if (shape?.kind === 'skeleton' && sel?.role === 'point') {
          const p = shape.points[sel.k];
          setPoints(d, shape.id, new Map([[sel.k, { ...p, x: p.x + dx, y: p.y + dy }]]));
        } else if (shape?.kind === 'skeleton') {
          setPoints(d, shape.id, new Map(shape.points.map((p, i) => [i, p.v === 0 ? p : { ...p, x: p.x + dx, y: p.y + dy }])));
        }
        return;
      }
      if (c.spec.kind !== 'skeleton') return;
      const n = c.spec.skeleton.keypoints.length;
      if (key === 'v' || key === 'V') {
        handled();
        const target = sel?.role === 'point' ? { id: sel.id, k: sel.k } : hovered(c.shapes, c.pointer.current, ed.zoom());
        const s = target && c.shapes.find((x) => x.id === target.id);
        if (!target || s?.kind !== 'skeleton') return;
        const p = s.points[target.k];
        setPoints(d, s.id, new Map([[target.k, { ...p, v: nextVisibility(p.v) }]]));
        return;
      }
      if (key === 'l' || key === 'L') {
        handled();
        if (shape?.kind !== 'skeleton') return;
        setPoints(d, shape.id, new Map(flipPoints(c.spec.skeleton, shape.points).map((p, i) => [i, p])));
        return;
      }
      if (key === 'n' || key === 'N') {
        handled();
        const id = newShapeId();
        addShape(d, { kind: 'skeleton', id, from: null, points: Array.from({ length: n }, () => ({ x: 0, y: 0, v: 0 as const })) });
        c.setTool({ kind: 'place', id, next: 0 });
        return;
      }
      if (c.tool.kind === 'place' && (key === 'x' || key === 'X')) {
        handled();
        const next = c.tool.next + 1;
        c.setTool(next < n ? { ...c.tool, next } : { kind: 'select' });
        return;
      }
      if (key === 'Escape') {
        handled();
        if (c.tool.kind === 'place') {
          const placing = c.shapes.find((s) => s.id === (c.tool as { id: string }).id);
          if (placing?.kind === 'skeleton' && placing.points.every((p) => p.v === 0)) removeShape(d, placing.id);
          c.setTool({ kind: 'select' });
        } else {
          c.setSelected(null);
          ed.select(null);
        }
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') ref.current.editor.current?.setPanKey(false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);
}

/** The placed point nearest the cursor, when it is within reach. */
function hovered(shapes: readonly DraftShape[], at: { x: number; y: number } | null, zoom: number): { id: string; k: number } | null {
  if (!at) return null;
  let best: { id: string; k: number; d: number } | null = null;
  for (const s of shapes) {
    if (s.kind !== 'skeleton') continue;
    s.points.forEach((p: DraftPoint, k) => {
      const d = Math.hypot(p.x - at.x, p.y - at.y) * zoom;
      if (d <= HOVER_PX && (!best || d < best.d)) best = { id: s.id, k, d };
    });
  }
  return best;
}
