'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { answerOfDraft, draftOf, draftSpecOf, measureEdit, summaryOfDraft, type DraftShape } from '@/lib/tasks/drafts';
import { mediaUrl } from '../api';
import type { EditorProps } from '../editor-props';
import { createEditorCanvas, type EditorCanvas } from './canvas';
import { createPrelabelCache, type Prelabel } from './prelabels';
import type { Role } from './scene';
import { clearDraftOnServer, useItemDraft } from './useItemDraft';
import { useEditorKeys, type Tool } from './useEditorKeys';
import { addShape, newShapeId, patchBox, readMeta, setPoints } from './ydraft';
import { ShapeList } from './ShapeList';
import { Shortcuts } from './Shortcuts';
import { recordDrawn, recordSubmitted } from './timing';

/**
 * The canvas editor for boxes and keypoint skeletons. The item's Y.Doc is the draft; the canvas
 * draws it and writes each finished gesture to it; Enter turns it into the answer.
 */
export function SpatialEditor({ projectId, task, current, upcoming, placeholder, loop }: EditorProps) {
  const spec = useMemo(() => draftSpecOf(task)!, [task]);
  const cache = useMemo(() => createPrelabelCache(projectId), [projectId]);
  const [prelabel, setPrelabel] = useState<{ itemId: number; value: Prelabel } | null>(null);
  const itemId = current?.itemId ?? null;
  const currentPrelabel = prelabel && prelabel.itemId === itemId ? prelabel.value : null;
  const { state, shapes, link, editable, wasStarted } = useItemDraft(itemId, currentPrelabel);
  const [selected, setSelected] = useState<Role | null>(null);
  const [tool, setTool] = useState<Tool>({ kind: 'select' });
  const [boxClass, setBoxClass] = useState(spec.kind === 'boxes' ? spec.classes[0] : '');
  const [vpt, setVpt] = useState<number[]>([1, 0, 0, 1, 0, 0]);
  /** The cursor in image pixels: kept out of React state, a re-render per mouse move would cost frames while dragging. */
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const pointerText = useRef<HTMLSpanElement>(null);
  const [imageReady, setImageReady] = useState<number | null>(null);
  const shownAt = useRef(Date.now());
  const canvasEl = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorCanvas | null>(null);
  const live = useRef({ state, shapes, tool, boxClass });
  live.current = { state, shapes, tool, boxClass };

  // Prelabels of every held item, fetched ahead; the current one when it arrives.
  const held = useMemo(() => (current ? [current, ...upcoming] : upcoming).map((h) => h.itemId), [current, upcoming]);
  useEffect(() => {
    cache.keep(held);
    for (const id of held) void cache.get(id);
    if (itemId === null) return;
    let stale = false;
    void cache.get(itemId).then((value) => { if (!stale) setPrelabel({ itemId, value }); });
    return () => { stale = true; };
  }, [cache, held, itemId]);

  useEffect(() => { shownAt.current = Date.now(); setTool({ kind: 'select' }); setSelected(null); }, [itemId]);

  // A committed answer's draft is emptied, so the item's next lease starts from its prelabel.
  useEffect(() => loop.onCommitted((committedItem) => { if (wasStarted(committedItem)) clearDraftOnServer(committedItem); }), [loop, wasStarted]);

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
        setPoints(s.doc, id, new Map(shape.points.map((p, k) => [k, p.v === 0 ? p : { ...p, x: p.x + dx, y: p.y + dy }])));
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

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    if (itemId === null) { ed.clearImage(); setImageReady(null); return; }
    let stale = false;
    void ed.setImage(mediaUrl(itemId), current?.width && current.height ? { width: current.width, height: current.height } : null)
      .then(() => { if (!stale) setImageReady(itemId); });
    return () => { stale = true; };
  }, [itemId, current?.width, current?.height]);

  useEffect(() => { editor.current?.setShapes(shapes); }, [shapes]);

  // The next item is on screen once its image and its prelabel (or draft) are drawn.
  useEffect(() => {
    if (imageReady !== null && imageReady === itemId && currentPrelabel) recordDrawn();
  }, [imageReady, itemId, currentPrelabel]);

  useEffect(() => {
    editor.current?.setMode(spec.kind === 'boxes' ? { kind: 'draw-box' } : tool.kind === 'place' ? { kind: 'place-point' } : { kind: 'none' });
  }, [spec, tool]);

  /** Enter pressed before the draft or the prelabel arrived: submitted as soon as one is here. */
  const submitWaiting = useRef<number | null>(null);
  const submit = () => {
    if (!current) return;
    const ready = state?.kind === 'ready' && state.itemId === current.itemId ? state : null;
    const started = ready ? readMeta(ready.doc) : null;
    const meta = started ?? (currentPrelabel ? { started: shownAt.current, source: currentPrelabel.source, prelabel: draftOf(currentPrelabel.answer) } : null);
    if (!meta) {
      submitWaiting.current = current.itemId;
      return;
    }
    submitWaiting.current = null;
    const image = editor.current?.image() ?? (current.width && current.height ? { width: current.width, height: current.height } : null);
    const now: DraftShape[] = shapes;
    loop.markKeyDown();
    recordSubmitted();
    loop.submit({
      answer: answerOfDraft(spec, now, image),
      // Seconds on this page view: time spent on the same draft in an earlier visit is not counted.
      edit: measureEdit(meta.prelabel, now, (Date.now() - shownAt.current) / 1000, meta.source),
      summary: summaryOfDraft(spec, now),
    });
  };
  useEffect(() => {
    if (submitWaiting.current !== null && submitWaiting.current === itemId && (currentPrelabel || state?.kind === 'ready')) submit();
  });

  useEditorKeys({ spec, editable, shapes, selected, setSelected, tool, setTool, setBoxClass, editor, pointer, submit, loop, active: current !== null });

  const zoom = vpt[0];
  const nextName = tool.kind === 'place' && spec.kind === 'skeleton' ? spec.skeleton.keypoints[tool.next] : null;
  return (
    <div className="spatial" data-testid="spatial-editor">
      <div className="spatial-main">
        <div
          className="spatial-frame" ref={frame} data-testid="spatial-canvas" data-item-id={itemId ?? undefined}
          data-vpt={JSON.stringify(vpt)} data-zoom={zoom} data-draft={state?.kind ?? 'none'} data-link={link}
          data-image={imageReady === itemId && itemId !== null ? 'drawn' : 'loading'}
          data-prelabel={currentPrelabel ? (currentPrelabel.error ? 'error' : currentPrelabel.source) : 'loading'}
        >
          <canvas ref={canvasEl} />
          {!current && <div className="spatial-placeholder">{placeholder}</div>}
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
          <span data-testid="draft-link">{link === 'online' ? 'draft saved on the server as you go' : 'reconnecting… your changes are kept on this page'}</span>
          {currentPrelabel?.source && currentPrelabel.source !== 'none' && <span>started from the {currentPrelabel.source === 'model' ? "model's prediction" : 'imported prelabel'}</span>}
          {currentPrelabel?.error && <span role="alert">no prelabel: {currentPrelabel.error}</span>}
        </div>
        {/* Prefetched images, decoded before they are needed. */}
        {upcoming.map((u) => (
          // eslint-disable-next-line @next/next/no-img-element
          <img key={u.leaseId} src={mediaUrl(u.itemId)} alt="" className="item-image prefetched" />
        ))}
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
          <button type="button" data-testid="new-skeleton" disabled={!current || state?.kind !== 'ready'}
            onClick={() => startSkeleton(editable(), spec.skeleton.keypoints.length, setTool)}>
            New skeleton <kbd>N</kbd>
          </button>
        )}
        <button type="button" className="primary" data-testid="submit-answer" disabled={!current} onClick={submit}>
          Submit <kbd>Enter</kbd>
        </button>
        <ShapeList spec={spec} shapes={shapes} selected={selected} />
        <Shortcuts spec={spec} />
      </aside>
    </div>
  );
}

/** Adds an empty skeleton and starts placing its points in order. */
export function startSkeleton(state: ReturnType<ReturnType<typeof useItemDraft>['editable']>, n: number, setTool: (t: Tool) => void): void {
  if (!state) return;
  const id = newShapeId();
  addShape(state.doc, { kind: 'skeleton', id, from: null, points: Array.from({ length: n }, () => ({ x: 0, y: 0, v: 0 as const })) });
  setTool({ kind: 'place', id, next: 0 });
}
