import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client';
import { listCurrentLabels } from '../../db/queries/annotations';
import { requireProject, type Principal } from './access';

export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_COLUMNS = ['image', 'label', 'group', 'split', 'annotator', 'source', 'labeled_at'] as const;

/**
 * The latest standing label per item, with who and when. The columns are the
 * import manifest's (image,label,group,split) first, so an export imports back.
 */
export async function exportLabels(db: Db, p: Principal, projectId: number, format: ExportFormat): Promise<string> {
  await requireProject(db, p, projectId, 'project.export');
  const rows = (await listCurrentLabels(db, projectId)).map((r) => ({
    image: r.sourceName, label: r.label, group: r.groupKey, split: r.split, annotator: r.userEmail,
    source: r.source, labeled_at: r.labeledAt.toISOString(),
  }));
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  return stringify(rows, { header: true, columns: [...EXPORT_COLUMNS] });
}
