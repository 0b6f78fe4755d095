import type { ServerResponse } from 'node:http';

/**
 * One lane, one request at a time, for the callers the server has refused
 * lately (server/http/refusal-throttle.ts): before their budget is spent,
 * a fuzzer's requests are read in full, and four of them at once kept the one
 * thread busy for tens of milliseconds at a stretch, which every annotator's
 * label waited behind. In the lane they take their turns, so a label waits
 * for one of them at most. A request holds the lane until it is answered or
 * for `holdMs`, whichever is first (an upload streaming slowly does not stall
 * the rest); past `maxWaiting` in line, a request is not taken.
 */
export interface SuspectLaneOptions {
  holdMs?: number;
  maxWaiting?: number;
}

export function createSuspectLane(opts: SuspectLaneOptions = {}) {
  const holdMs = opts.holdMs ?? 1000;
  const maxWaiting = opts.maxWaiting ?? 64;
  let busy = false;
  const waiting: (() => void)[] = [];

  function next(): void {
    const run = waiting.shift();
    if (run) run();
    else busy = false;
  }

  function start(res: ServerResponse, serve: () => void): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      next();
    };
    const timer = setTimeout(release, holdMs);
    res.once('finish', release);
    res.once('close', release);
    serve();
  }

  /** Serves the request in its turn; false: the line is full, and nothing was done. */
  function enter(res: ServerResponse, serve: () => void): boolean {
    if (!busy) {
      busy = true;
      start(res, serve);
      return true;
    }
    if (waiting.length >= maxWaiting) return false;
    const entry = () => {
      // A client that gave up while in line has nothing to serve; the turn passes on.
      if (res.destroyed || res.writableEnded) next();
      else start(res, serve);
    };
    waiting.push(entry);
    res.once('close', () => {
      const i = waiting.indexOf(entry);
      if (i >= 0) waiting.splice(i, 1);
    });
    return true;
  }

  return { enter, get waiting() { return waiting.length; } };
}

export type SuspectLane = ReturnType<typeof createSuspectLane>;
