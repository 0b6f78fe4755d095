import { Canvas, FabricImage, Point, Rect, type FabricObject, type TPointerEventInfo } from 'fabric';
import type { DraftShape, DraftSpec } from '@/lib/tasks/drafts';
import { boxRectOf, buildScene, hullOf, roleOf, type Role, type Tagged } from './scene';

/**
 * The fabric canvas of the spatial editor, outside React: it draws the shapes it is given and
 * turns gestures into callbacks in image pixels; the Y.Doc, not the canvas, holds the draft.
 * During a gesture only the canvas changes (60 updates a second would be 60 document updates);
 * the callback at its end writes the result once.
 */

export interface CanvasCallbacks {
  drawBox(rect: { x: number; y: number; w: number; h: number }): void;
  moveBox(id: string, rect: { x: number; y: number; w: number; h: number }): void;
  movePoint(id: string, k: number, x: number, y: number): void;
  moveSkeleton(id: string, dx: number, dy: number): void;
  place(x: number, y: number): void;
  select(role: Role | null): void;
  /** The view changed (zoom, pan): the page shows the zoom, tests read the transform. */
  view(vpt: number[]): void;
  pointer(scene: { x: number; y: number } | null, screen: { x: number; y: number } | null): void;
}

/** What a click on empty canvas does. */
export type ClickMode = { kind: 'draw-box' } | { kind: 'place-point' } | { kind: 'none' };

/** The drag in progress, if any. */
type Drag =
  | { kind: 'none' }
  | { kind: 'drawing'; x0: number; y0: number; rect: Rect }
  | { kind: 'panning'; lastX: number; lastY: number }
  /** A skeleton's hull is being dragged: its points and edges follow. */
  | { kind: 'skeleton'; id: string; startLeft: number; startTop: number; points: FabricObject[]; edges: FabricObject[] }
  /** One point is being dragged: the edges that touch it follow. */
  | { kind: 'point'; id: string; k: number; edges: FabricObject[] };

const MIN_BOX = 2;
const ZOOM_MIN = 1 / 32;
const ZOOM_MAX = 64;

export function createEditorCanvas(el: HTMLCanvasElement, spec: DraftSpec, cb: CanvasCallbacks) {
  const canvas = new Canvas(el, { selection: false, preserveObjectStacking: true, uniformScaling: false, fireRightClick: false, stopContextMenu: true });
  let shapes: readonly DraftShape[] = [];
  let image: { width: number; height: number } | null = null;
  let mode: ClickMode = { kind: 'none' };
  let drag: Drag = { kind: 'none' };
  let panKey = false;
  let selectedId: { id: string; k?: number } | null = null;

  const zoom = () => canvas.getZoom();
  const vpt = () => [...canvas.viewportTransform];

  function render(): void {
    const keep = selectedId;
    canvas.discardActiveObject();
    canvas.remove(...canvas.getObjects());
    const objects = buildScene(spec, shapes, zoom());
    for (const o of objects) {
      o.setControlVisible?.('mtr', false);
      canvas.add(o);
    }
    if (keep) {
      const again = objects.find((o) => {
        const r = roleOf(o);
        return r && r.id === keep.id && (keep.k === undefined ? r.role === 'box' : r.role === 'point' && r.k === keep.k);
      });
      if (again) canvas.setActiveObject(again);
    }
    canvas.requestRenderAll();
  }

  function setView(m: number[]): void {
    // Whole screen pixels of translation: at a zoom that is a power of two, a screen pixel is then an exact image coordinate.
    canvas.setViewportTransform([m[0], 0, 0, m[3], Math.round(m[4]), Math.round(m[5])]);
    render();
    cb.view(vpt());
  }

  function fit(): void {
    if (!image) return;
    const w = canvas.getWidth();
    const h = canvas.getHeight();
    const z = Math.min(w / image.width, h / image.height) * 0.96;
    setView([z, 0, 0, z, (w - image.width * z) / 2, (h - image.height * z) / 2]);
  }

  /** Zooms about a point on screen (the cursor), keeping the image point under it in place. */
  function zoomAt(factor: number, at?: { x: number; y: number }): void {
    const z0 = zoom();
    const z = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, z0 * factor));
    const p = at ?? { x: canvas.getWidth() / 2, y: canvas.getHeight() / 2 };
    const t = canvas.viewportTransform;
    setView([z, 0, 0, z, p.x - ((p.x - t[4]) / z0) * z, p.y - ((p.y - t[5]) / z0) * z]);
  }

  /** Sets the zoom to a value (2 for 200 %) about a point on screen. */
  function zoomTo(z: number, at?: { x: number; y: number }): void {
    zoomAt(z / zoom(), at);
  }

  const edgesOf = (id: string, k?: number) => canvas.getObjects().filter((o) => {
    const r = roleOf(o);
    return r?.role === 'edge' && r.id === id && (k === undefined || r.a === k || r.b === k);
  });

  canvas.on('mouse:down', (opt: TPointerEventInfo) => {
    const e = opt.e as MouseEvent;
    if (panKey || e.button === 1) {
      drag = { kind: 'panning', lastX: e.clientX, lastY: e.clientY };
      canvas.discardActiveObject();
      canvas.defaultCursor = 'grabbing';
      return;
    }
    // While a skeleton is being placed every click places its next point, on top of anything.
    const role = mode.kind === 'place-point' ? null : roleOf(opt.target);
    if (role) {
      selectedId = role.role === 'point' ? { id: role.id, k: role.k } : role.role === 'box' ? { id: role.id } : { id: role.id, k: -1 };
      cb.select(role);
      if (role.role === 'hull') {
        drag = {
          kind: 'skeleton', id: role.id, startLeft: opt.target!.left, startTop: opt.target!.top,
          points: canvas.getObjects().filter((o) => { const r = roleOf(o); return r?.role === 'point' && r.id === role.id; }),
          edges: edgesOf(role.id),
        };
      } else if (role.role === 'point') {
        drag = { kind: 'point', id: role.id, k: role.k, edges: edgesOf(role.id, role.k) };
      }
      return;
    }
    selectedId = null;
    cb.select(null);
    const p = opt.scenePoint;
    switch (mode.kind) {
      case 'draw-box': {
        const rect = new Rect({ left: p.x, top: p.y, width: 0, height: 0, fill: 'rgba(255,127,14,0.15)', stroke: '#ff7f0e', strokeWidth: 2 / zoom(), selectable: false, evented: false, objectCaching: false });
        canvas.add(rect);
        drag = { kind: 'drawing', x0: p.x, y0: p.y, rect };
        return;
      }
      case 'place-point':
        cb.place(p.x, p.y);
        return;
      case 'none':
        return;
    }
  });

  canvas.on('mouse:move', (opt: TPointerEventInfo) => {
    const e = opt.e as MouseEvent;
    cb.pointer(opt.scenePoint, opt.viewportPoint);
    switch (drag.kind) {
      case 'panning': {
        canvas.relativePan(new Point(e.clientX - drag.lastX, e.clientY - drag.lastY));
        drag.lastX = e.clientX;
        drag.lastY = e.clientY;
        canvas.requestRenderAll();
        return;
      }
      case 'drawing': {
        const p = opt.scenePoint;
        const x = Math.min(drag.x0, p.x);
        const y = Math.min(drag.y0, p.y);
        const w = Math.abs(p.x - drag.x0);
        const h = Math.abs(p.y - drag.y0);
        drag.rect.set({ left: x + w / 2, top: y + h / 2, width: w, height: h });
        canvas.requestRenderAll();
        return;
      }
      default:
        return;
    }
  });

  canvas.on('object:moving', (opt) => {
    const o = opt.target;
    switch (drag.kind) {
      case 'point': {
        for (const edge of drag.edges) {
          const r = roleOf(edge) as Extract<Role, { role: 'edge' }>;
          edge.set(r.a === drag.k ? { x1: o.left, y1: o.top } : { x2: o.left, y2: o.top });
        }
        return;
      }
      case 'skeleton': {
        const d = drag;
        const dx = o.left - d.startLeft;
        const dy = o.top - d.startTop;
        const s = shapes.find((x) => x.id === d.id);
        if (s?.kind !== 'skeleton') return;
        for (const c of d.points) {
          const r = roleOf(c) as Extract<Role, { role: 'point' }>;
          c.set({ left: s.points[r.k].x + dx, top: s.points[r.k].y + dy });
        }
        for (const edge of d.edges) {
          const r = roleOf(edge) as Extract<Role, { role: 'edge' }>;
          edge.set({ x1: s.points[r.a].x + dx, y1: s.points[r.a].y + dy, x2: s.points[r.b].x + dx, y2: s.points[r.b].y + dy });
        }
        return;
      }
      default:
        return;
    }
  });

  canvas.on('mouse:up', () => {
    const d = drag;
    drag = { kind: 'none' };
    switch (d.kind) {
      case 'panning':
        canvas.defaultCursor = panKey ? 'grab' : 'default';
        canvas.setViewportTransform(canvas.viewportTransform);
        setView(vpt());
        return;
      case 'drawing': {
        canvas.remove(d.rect);
        const r = boxRectOf(d.rect);
        if (r.w >= MIN_BOX / zoom() && r.h >= MIN_BOX / zoom()) cb.drawBox(r);
        else canvas.requestRenderAll();
        return;
      }
      case 'point':
      case 'skeleton':
        // The document's change may have arrived during the drag (object:modified comes first): draw it now.
        render();
        return;
      case 'none':
        return;
    }
  });

  // A move or a resize ended: the result goes to the document once.
  canvas.on('object:modified', (opt) => {
    const o = opt.target as Tagged;
    const role = roleOf(o);
    if (!role) return;
    switch (role.role) {
      case 'box':
        cb.moveBox(role.id, boxRectOf(o));
        return;
      case 'point':
        cb.movePoint(role.id, role.k, o.left, o.top);
        return;
      case 'hull': {
        const s = shapes.find((x) => x.id === role.id);
        const h = s?.kind === 'skeleton' ? hullOf(s.points, zoom()) : null;
        if (h) cb.moveSkeleton(role.id, o.left - h.cx, o.top - h.cy);
        return;
      }
      case 'edge':
        return;
    }
  });

  canvas.on('mouse:wheel', (opt) => {
    const e = opt.e as WheelEvent;
    e.preventDefault();
    e.stopPropagation();
    // Two wheel notches (deltaY 100 each in Chromium) double or halve the zoom.
    zoomAt(2 ** (-e.deltaY / 200), { x: e.offsetX, y: e.offsetY });
  });

  /** An image already loaded and decoded (images.ts): drawn at once, no request and no await. */
  function setImageElement(source: HTMLImageElement | FabricImage, size: { width: number; height: number } | null): void {
    const img = source instanceof FabricImage ? source : new FabricImage(source);
    img.set({ originX: 'left', originY: 'top', left: 0, top: 0, objectCaching: false });
    (img as FabricImage & { imageSmoothing: boolean }).imageSmoothing = false;
    image = size ?? { width: img.width, height: img.height };
    canvas.backgroundImage = img;
    fit();
  }

  return {
    canvas,
    setShapes(next: readonly DraftShape[]): void {
      shapes = next;
      if (drag.kind === 'none') render();
    },
    async setImage(url: string, size: { width: number; height: number } | null): Promise<void> {
      setImageElement(await FabricImage.fromURL(url, { crossOrigin: null }), size);
    },
    setImageElement,
    clearImage(): void {
      canvas.backgroundImage = undefined;
      image = null;
      canvas.requestRenderAll();
    },
    setMode(m: ClickMode): void {
      mode = m;
      canvas.defaultCursor = m.kind === 'none' ? 'default' : 'crosshair';
      canvas.skipTargetFind = panKey || m.kind === 'place-point';
    },
    setPanKey(down: boolean): void {
      panKey = down;
      canvas.defaultCursor = down ? 'grab' : mode.kind === 'none' ? 'default' : 'crosshair';
      canvas.skipTargetFind = down || mode.kind === 'place-point';
    },
    select(id: string | null, k?: number): void {
      selectedId = id === null ? null : { id, k };
      render();
    },
    resize(width: number, height: number): void {
      canvas.setDimensions({ width, height });
      fit();
    },
    fit,
    zoomAt,
    zoomTo,
    zoom,
    image: () => image,
    dispose(): Promise<boolean> {
      return canvas.dispose();
    },
  };
}

export type EditorCanvas = ReturnType<typeof createEditorCanvas>;
