import type { Executor } from '../../db/client';
import { countLabeledSinceImport, countProjectTotals, type ProjectCounts } from '../../db/queries/projects';

/**
 * A project's counts for the room's live progress, cheap enough to send after every label:
 * the labeled counts each time (an index range, not a scan of every item), the totals by
 * split only when an import came since (they change with nothing else). A full count scans
 * every item of the project, and on the embedded database its queries run on the server's one
 * thread: every claim that arrived meanwhile waited for it (docs/benchmarks.md, team queue).
 */
export function createProgressCounts(db: Executor) {
  // One count of the totals per import, shared by everyone who asks meanwhile: after a restart a
  // whole team's pages subscribe at once, and fifty scans of a million items would queue every claim behind them.
  const totals = new Map<number, { importId: number; value: Promise<Pick<ProjectCounts, 'items' | 'pool' | 'holdout'>> }>();
  return async function counts(projectId: number): Promise<ProjectCounts> {
    const { importId, labeled, holdoutLabeled } = await countLabeledSinceImport(db, projectId);
    let t = totals.get(projectId);
    if (!t || t.importId !== importId) {
      const entry = { importId, value: countProjectTotals(db, projectId) };
      totals.set(projectId, (t = entry));
      // A failed count is not remembered.
      entry.value.catch(() => { if (totals.get(projectId) === entry) totals.delete(projectId); });
    }
    return { ...(await t.value), labeled, holdoutLabeled };
  };
}

export type ProgressCounts = ReturnType<typeof createProgressCounts>;
