'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { FIT, panBy, wheelFactor, zoomAt, type View } from '@/lib/view/zoom';

/**
 * Wheel to zoom at the cursor, drag to pan, double-click to fit (lib/view/zoom.ts does the
 * arithmetic) on the box holding the item's image; back to the fit for every new item.
 * `zoomBy` serves the + and − keys, about the box's centre.
 */
export function useZoomPan(itemId: number | null) {
  const [view, setView] = useState<View>(FIT);
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);

  useEffect(() => { setView(FIT); }, [itemId]);

  const size = useCallback(() => {
    const r = box?.getBoundingClientRect();
    return r ? { rect: r, box: { width: r.width, height: r.height } } : null;
  }, [box]);

  useEffect(() => {
    if (!box) return;
    // Not a React prop: React's wheel listener is passive, and the page must not scroll while zooming.
    const onWheel = (e: WheelEvent) => {
      const s = size();
      if (!s) return;
      e.preventDefault();
      setView((v) => zoomAt(v, wheelFactor(e.deltaY), { x: e.clientX - s.rect.left, y: e.clientY - s.rect.top }, s.box));
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
      box.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      const d = drag.current;
      const s = size();
      if (!d || d.id !== e.pointerId || !s) return;
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      drag.current = { id: d.id, x: e.clientX, y: e.clientY };
      setView((v) => panBy(v, dx, dy, s.box));
    };
    const onUp = (e: PointerEvent) => {
      if (drag.current?.id === e.pointerId) drag.current = null;
    };
    const onDouble = () => setView(FIT);
    box.addEventListener('wheel', onWheel, { passive: false });
    box.addEventListener('pointerdown', onDown);
    box.addEventListener('pointermove', onMove);
    box.addEventListener('pointerup', onUp);
    box.addEventListener('pointercancel', onUp);
    box.addEventListener('dblclick', onDouble);
    return () => {
      box.removeEventListener('wheel', onWheel);
      box.removeEventListener('pointerdown', onDown);
      box.removeEventListener('pointermove', onMove);
      box.removeEventListener('pointerup', onUp);
      box.removeEventListener('pointercancel', onUp);
      box.removeEventListener('dblclick', onDouble);
    };
  }, [box, size]);

  const zoomBy = useCallback((factor: number) => {
    const s = size();
    if (s) setView((v) => zoomAt(v, factor, { x: s.box.width / 2, y: s.box.height / 2 }, s.box));
  }, [size]);
  const fit = useCallback(() => setView(FIT), []);

  return { view, boxRef: setBox, zoomBy, fit };
}
