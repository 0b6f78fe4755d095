declare global {
  interface Window {
    /**
     * Latency samples read by bench/label.ts and bench/spatial.ts: key press → next image painted,
     * label → commit acknowledged (round trip), and the server's own time for the commit (Server-Timing).
     */
    __tandem?: { shownMs: number[]; commitMs: number[]; serverMs: number[]; queuedMs: number[]; waitMs: number[]; madeToAckMs: number[] };
  }
}

function metrics() {
  window.__tandem ??= { shownMs: [], commitMs: [], serverMs: [], queuedMs: [], waitMs: [], madeToAckMs: [] };
  return window.__tandem;
}

export function recordShown(ms: number): void {
  metrics().shownMs.push(ms);
}

export function recordCommit(ms: number, path: string, madeAt?: number): void {
  const m = metrics();
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const last = entries.filter((e) => e.name.endsWith(path)).pop();
  // The request's own time on the wire (send → last byte of the acknowledgement), not the wait
  // for this page's busy main thread to run the continuation; the latter when there is no entry.
  m.commitMs.push(last ? last.duration : ms);
  // Key press → acknowledgement received: adds the wait in the outbox behind earlier labels (one is sent at a time).
  if (madeAt !== undefined) m.madeToAckMs.push((last ? last.responseEnd : performance.now()) - madeAt);
  if (last && last.requestStart > 0) {
    // Where the time goes: queued in the browser before the request went out, then sent → first byte back.
    m.queuedMs.push(last.requestStart - last.startTime);
    m.waitMs.push(last.responseStart - last.requestStart);
  }
  const app = last?.serverTiming?.find((t) => t.name === 'app');
  if (app) m.serverMs.push(app.duration);
  // Keep the buffer from filling up over a long session (it stops recording at 250 entries).
  if (entries.length > 200) performance.clearResourceTimings();
}
