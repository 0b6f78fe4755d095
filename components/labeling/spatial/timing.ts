declare global {
  interface Window {
    /** Read by bench/spatial.ts: Enter → the next image drawn with its prelabel (ms). */
    __tandemSpatial?: { drawnMs: number[]; submittedAt: number | null };
  }
}

const samples = () => (window.__tandemSpatial ??= { drawnMs: [], submittedAt: null });

export function recordSubmitted(): void {
  samples().submittedAt = performance.now();
}

/** Called when the next item's image and prelabel are on the canvas: measured after the frame is painted. */
export function recordDrawn(): void {
  const s = samples();
  const t0 = s.submittedAt;
  if (t0 === null) return;
  s.submittedAt = null;
  requestAnimationFrame(() => s.drawnMs.push(performance.now() - t0));
}
