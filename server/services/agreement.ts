import type { Db } from '../../db/client';
import { listClassRatings } from '../../db/queries/agreement';
import { listDecidedClasses } from '../../db/queries/consensus';
import { projectQueueSettings } from './queue';
import type { Rating } from '../../lib/agreement';
import { TandemError } from '../../lib/errors';
import { taskOfProject } from '../../lib/tasks';
import { requireProject, type Principal } from './access';

/** A classification project's standing human answers as ratings (annotator: the user's email), its classes and its gold items. */
export interface ProjectRatings {
  project: { id: number; slug: string };
  classes: string[];
  ratings: Rating[];
  /** Gold class by item id, for the items that have one and were answered. */
  gold: Map<string, string>;
}

/**
 * Agreement reads for leads and admins (everyone's answers are visible to them only).
 * Coefficients and consensus are lib/agreement's; this only gathers their input.
 */
export function createAgreementService(db: Db) {
  async function ratings(p: Principal, projectId: number): Promise<ProjectRatings> {
    const { project } = await requireProject(db, p, projectId, 'project.review');
    const task = taskOfProject(project);
    if (task.task !== 'classification') {
      throw new TandemError('bad_request', `agreement coefficients are for classes; project ${project.slug} is a ${task.task} project`);
    }
    const rows = await listClassRatings(db, projectId);
    // As the queue and the server's consensus read them: known answers are gold only where the
    // project deals gold items, and a lead's decisions always are.
    const gold = new Map<string, string>();
    if (projectQueueSettings(project).queue.goldShare > 0) for (const r of rows) if (r.gold !== null) gold.set(String(r.itemId), r.gold);
    for (const [itemId, label] of await listDecidedClasses(db, projectId)) gold.set(String(itemId), label);
    return {
      project: { id: project.id, slug: project.slug },
      classes: [...task.config.classes],
      ratings: rows.map((r) => ({ item: String(r.itemId), annotator: r.email, label: r.label })),
      gold,
    };
  }
  return { ratings };
}
