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
  const totals = new Map<number, { importId: number; value: Pick<ProjectCounts, 'items' | 'pool' | 'holdout'> }>();
  return async function counts(projectId: number): Promise<ProjectCounts> {
    const { importId, labeled, holdoutLabeled } = await countLabeledSinceImport(db, projectId);
    let t = totals.get(projectId);
    if (!t || t.importId !== importId) {
      t = { importId, value: await countProjectTotals(db, projectId) };
      totals.set(projectId, t);
    }
    return { ...t.value, labeled, holdoutLabeled };
  };
}
