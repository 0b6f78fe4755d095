'use client';

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DraftShape, DraftSpec } from '@/lib/tasks/drafts';
import { mediaUrl } from '../api';
import { createEditorCanvas, type EditorCanvas } from './canvas';
import { createImageCache, type ImageCache } from './images';
import type { Role } from './scene';
import type { DraftState } from './useItemDraft';
import { useEditorKeys, type Tool } from './useEditorKeys';
import { addShape, newShapeId, patchBox, setPoints } from './ydraft';
import { ShapeList } from './ShapeList';
import { Shortcuts } from './Shortcuts';

type Ready = Extract<DraftState, { kind: 'ready' }>;
export type ImageSize = { width: number; height: number };

/**
 * The canvas editor for boxes and keypoint skeletons, whatever holds its draft: the labeling
 * loop's item document (SpatialEditor) or a document of the page's own (AnswerEditor, for a lead's
 * answer). It draws the draft's shapes, writes each finished gesture to the draft through
 * `editable()`, and hands the shapes over when the answer is submitted (Enter or the button).
 */
export interface SpatialCanvasProps {
  spec: DraftSpec;
  /** The item on screen; null while there is none (`placeholder` says why). */
  itemId: number | null;
  /** The image's size when the server knows it (the image's own size otherwise). */
  size: ImageSize | null;
  draft: { state: DraftState | null; shapes: DraftShape[]; editable(): Ready | null };
  submit(image: ImageSize | null): void;
  /** S skips the item (the labeling loop); null where there is nothing to skip to. */
  skip: (() => void) | null;
  /** Whether the keyboard acts on this editor. */
  active: boolean;
  /** What Enter does, for the key list ("submit (accepts the prelabel as it is)", "save"). */
  submitText: string;
  submitLabel: ReactNode;
  submitDisabled?: boolean;
  placeholder?: ReactNode;
  /** Called once the item's image is on the canvas. */
  onImageDrawn?(itemId: number): void;
  /** The frame's data attributes beyond the editor's own (where the draft and the start come from). */
  frameData: { link: string; prelabel: string; secondsBefore?: number };
  /** What the status line says beyond the zoom and the cursor. */
  status?: ReactNode;
  /** Above the submit button (a lead's reason). */
  beforeSubmit?: ReactNode;
  /** Below the submit button (a cancel button, an error). */
  afterSubmit?: ReactNode;
  /** Under the canvas. */
  children?: ReactNode;
  /** Decoded images of the items the page holds (images.ts); the canvas draws from it and keeps its own when not given. */
  images?: ImageCache;
  /** How a shape that came from the start is marked in the list ("prelabel", "consensus"). */
  fromLabel?: string;
}

export function SpatialCanvas(p: SpatialCanvasProps) {
  const { spec, itemId, size, draft, active } = p;
  const { state, shapes, editable } = draft;
  const [selected, setSelected] = useState<Role | null>(null);
  const [tool, setTool] = useState<Tool>({ kind: 'select' });
  const [boxClass, setBoxClass] = useState(spec.kind === 'boxes' ? spec.classes[0] : '');
  const [vpt, setVpt] = useState<number[]>([1, 0, 0, 1, 0, 0]);
  /** The cursor in image pixels: kept out of React state, a re-render per mouse move would cost frames while dragging. */
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const pointerText = useRef<HTMLSpanElement>(null);
  const [imageReady, setImageReady] = useState<number | null>(null);
  const canvasEl = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorCanvas | null>(null);
  const live = useRef({ shapes, tool, boxClass });
  live.current = { shapes, tool, boxClass };
  const onDrawn = useRef(p.onImageDrawn);
  onDrawn.current = p.onImageDrawn;

  useEffect(() => { setTool({ kind: 'select' }); setSelected(null); }, [itemId]);

  // The fabric canvas: made once per mount (React's dev mode mounts twice: the first is disposed).
  useEffect(() => {
    const el = canvasEl.current;
    const box = frame.current;
    if (!el || !box) return;
    const ready = editable;
    const ed = createEditorCanvas(el, spec, {
      drawBox(r) {
        const s = ready();
        if (!s) return;
        const id = newShapeId();
        addShape(s.doc, { kind: 'box', id, from: null, class: live.current.boxClass, ...r });
        setSelected({ role: 'box', id });
        ed.select(id);
      },
      moveBox(id, r) { const s = ready(); if (s) patchBox(s.doc, id, r); },
      movePoint(id, k, x, y) {
        const s = ready();
        const shape = live.current.shapes.find((x2) => x2.id === id);
        if (!s || shape?.kind !== 'skeleton') return;
        setPoints(s.doc, id, new Map([[k, { x, y, v: shape.points[k].v }]]));
      },
      moveSkeleton(id, dx, dy) {
        const s = ready();
        const shape = live.current.shapes.find((x) => x.id === id);
        if (!s || shape?.kind !== 'skeleton') return;
        setPoints(s.doc, id, new Map(shape.points.map((pt, k) => [k, pt.v === 0 ? pt : { ...pt, x: pt.x + dx, y: pt.y + dy }])));
      },
      place(x, y) {
        const s = ready();
        const t = live.current.tool;
        if (!s || t.kind !== 'place') return;
        setPoints(s.doc, t.id, new Map([[t.next, { x, y, v: 2 }]]));
        const next = t.next + 1;
        setTool(spec.kind === 'skeleton' && next < spec.skeleton.keypoints.length ? { ...t, next } : { kind: 'select' });
      },
      select: setSelected,
      view: setVpt,
      pointer: (scene) => {
        pointer.current = scene ? { x: scene.x, y: scene.y } : null;
        if (pointerText.current) pointerText.current.textContent = scene ? `x ${scene.x.toFixed(1)} · y ${scene.y.toFixed(1)}` : '';
      },
    });
    editor.current = ed;
    const fit = () => ed.resize(Math.floor(box.clientWidth), Math.floor(box.clientHeight));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(box);
    return () => {
      ro.disconnect();
      editor.current = null;
      void ed.dispose();
    };
  }, [editable, spec]);

  const ownImages = useMemo(() => (p.images ? null : createImageCache()), [p.images]);
  const images = p.images ?? ownImages!;
  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    if (itemId === null) { ed.clearImage(); setImageReady(null); return; }
    const imageSize = size?.width && size.height ? { width: size.width, height: size.height } : null;
    const drawn = () => {
      setImageReady(itemId);
      onDrawn.current?.(itemId);
    };
    // Decoded ahead (the usual case once the page holds a few items): drawn in this very effect.
    const decoded = images.ready(itemId);
    if (decoded) {
      ed.setImageElement(decoded, imageSize);
      drawn();
      return;
    }
    let stale = false;
    images.get(itemId)
      .then((img) => { if (!stale) { ed.setImageElement(img, imageSize); drawn(); } })
      // The cache failed (it tries again next time): fabric's own load is the fallback.
      .catch(() => ed.setImage(mediaUrl(itemId), imageSize).then(() => { if (!stale) drawn(); }));
    return () => { stale = true; };
  }, [images, itemId, size?.width, size?.height]);

  useEffect(() => { editor.current?.setShapes(shapes); }, [shapes]);

  useEffect(() => {
    editor.current?.setMode(spec.kind === 'boxes' ? { kind: 'draw-box' } : tool.kind === 'place' ? { kind: 'place-point' } : { kind: 'none' });
  }, [spec, tool]);

  const submit = () => p.submit(editor.current?.image() ?? (size?.width && size.height ? size : null));

  useEditorKeys({ spec, editable, shapes, selected, setSelected, tool, setTool, setBoxClass, editor, pointer, submit, skip: p.skip, active: active && itemId !== null });

  const zoom = vpt[0];
  const nextName = tool.kind === 'place' && spec.kind === 'skeleton' ? spec.skeleton.keypoints[tool.next] : null;
  return (
    <div className="spatial" data-testid="spatial-editor">
      <div className="spatial-main">
        <div
          className="spatial-frame" ref={frame} data-testid="spatial-canvas" data-item-id={itemId ?? undefined}
          data-vpt={JSON.stringify(vpt)} data-zoom={zoom} data-draft={state?.kind ?? 'none'} data-link={p.frameData.link}
          data-image={imageReady === itemId && itemId !== null ? 'drawn' : 'loading'} data-prelabel={p.frameData.prelabel}
          data-seconds-before={p.frameData.secondsBefore}
        >
          <canvas ref={canvasEl} />
          {itemId === null && <div className="spatial-placeholder">{p.placeholder}</div>}
          {nextName && (
            <p className="placing-hint" data-testid="next-point" role="status">
              Click to place <b>{nextName.replaceAll('_', ' ')}</b> ({tool.kind === 'place' ? tool.next + 1 : 0} of {spec.kind === 'skeleton' ? spec.skeleton.keypoints.length : 0})
              · <kbd>X</kbd> not visible · <kbd>Esc</kbd> stop
            </p>
          )}
        </div>
        <div className="spatial-status muted">
          <span>zoom {Math.round(zoom * 100)}%</span>
          <span ref={pointerText} />
          {p.status}
        </div>
        {p.children}
      </div>
      <aside className="spatial-side">
        {spec.kind === 'boxes' && (
          <div className="class-buttons" role="group" aria-label="box class">
            {spec.classes.map((c, i) => (
              <button key={c} type="button" aria-pressed={c === boxClass} onClick={() => setBoxClass(c)} data-class={c}>
                <span className="class-name">{c}</span>{i < 9 && <kbd>{i + 1}</kbd>}
              </button>
            ))}
          </div>
        )}
        {spec.kind === 'skeleton' && (
          <button type="button" data-testid="new-skeleton" disabled={itemId === null || state?.kind !== 'ready'}
            onClick={() => startSkeleton(editable(), spec.skeleton.keypoints.length, setTool)}>
            New skeleton <kbd>N</kbd>
          </button>
        )}
        {p.beforeSubmit}
        <button type="button" className="primary" data-testid="submit-answer" disabled={itemId === null || p.submitDisabled} onClick={submit}>
          {p.submitLabel} <kbd>Enter</kbd>
        </button>
        {p.afterSubmit}
        <ShapeList spec={spec} shapes={shapes} selected={selected} fromLabel={p.fromLabel} />
        <Shortcuts spec={spec} submitText={p.submitText} canSkip={p.skip !== null} />
      </aside>
    </div>
  );
}

/** Adds an empty skeleton and starts placing its points in order. */
export function startSkeleton(state: Ready | null, n: number, setTool: (t: Tool) => void): void {
  if (!state) return;
  const id = newShapeId();
  addShape(state.doc, { kind: 'skeleton', id, from: null, points: Array.from({ length: n }, () => ({ x: 0, y: 0, v: 0 as const })) });
  setTool({ kind: 'place', id, next: 0 });
}
