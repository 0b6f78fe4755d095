import type { Logger } from './log';

/**
 * Runs `work(projectId)` after a project changed, at most once per `everyMs` and never more
 * than `costShare` of the time (the gap grows to its last duration ÷ costShare, up to
 * `maxGapMs`): a burst of
 * changes costs one run, not one per change; runs of one project never overlap; and a change
 * that arrives while a run is under way gets a run after it. For after-commit chores whose
 * cost grows with the project (counts, checks), which would otherwise run once per label on
 * the server's one thread or its few connections.
 */
export function spacedPerProject(work: (projectId: number) => Promise<void>, opts: { log: Logger; what: string; everyMs?: number; costShare?: number; maxGapMs?: number }) {
  const everyMs = opts.everyMs ?? 250;
  const costShare = opts.costShare ?? 0.05;
  // However long a run took, the next one may wait no longer than this (a small share must not make a slow chore stale for minutes).
  const maxGapMs = opts.maxGapMs ?? Infinity;
  const timers = new Map<number, NodeJS.Timeout>();
  /** Projects whose work is running, and whether they changed meanwhile. */
  const running = new Map<number, { dirty: boolean }>();
  const notBefore = new Map<number, number>();
  let stopped = false;

  function schedule(projectId: number) {
    const wait = Math.max(everyMs, (notBefore.get(projectId) ?? 0) - Date.now());
    timers.set(projectId, setTimeout(() => void run(projectId), wait));
  }

  async function run(projectId: number) {
    timers.delete(projectId);
    const state = { dirty: false };
    running.set(projectId, state);
    const started = Date.now();
    try {
      await work(projectId);
    } catch (e) {
      opts.log.warn({ err: e, projectId }, `${opts.what} failed`);
    } finally {
      running.delete(projectId);
      notBefore.set(projectId, Date.now() + Math.min((Date.now() - started) / costShare, maxGapMs));
      if (state.dirty && !stopped) schedule(projectId);
    }
  }

  return {
    changed(projectId: number) {
      if (stopped) return;
      const state = running.get(projectId);
      if (state) state.dirty = true;
      else if (!timers.has(projectId)) schedule(projectId);
    },
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
