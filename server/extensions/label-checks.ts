import type { Extension } from '../lifecycle';
import type { Logger } from '../log';
import type { Services } from '../services';
import { spacedPerProject } from '../spaced';

/**
 * After labels and imports: whether a retrain is due and whether the budget is spent. Imports
 * count because a task ranked by diversity alone (boxes, keypoints) needs its first ranking as
 * soon as it has items, not at the server's next 5 s tick. Both count labels, so
 * a burst of labels asks once (spaced per project); the claim enforces the budget itself, this
 * only tells the room "spent". Neither delays a label's answer. At most once a second: a retrain
 * queued a second later changes nothing a person sees, and on PGlite each check's queries run on
 * the thread that answers claims (every 100 ms, they were five a second at a human pace).
 */
export function labelChecks(services: () => Services, log: Logger): Extension {
  const checks = spacedPerProject(async (pid) => {
    const s = services();
    await Promise.all([
      s.training.maybeEnqueue(pid).catch((err) => log.warn({ err, projectId: pid }, 'retrain trigger failed')),
      s.queueControls.checkBudget(pid).catch((err) => log.warn({ err, projectId: pid }, 'budget check failed')),
    ]);
  }, { log, what: 'label checks', everyMs: 1000, costShare: 0.02 });
  return {
    name: 'label-checks',
    onLabelCommitted: (projectId) => checks.changed(projectId),
    onItemsImported: (projectId) => checks.changed(projectId),
    stop: () => checks.stop(),
  };
}

/** A new model version may reach a stopping target or show a plateau: the stopping rules run on it. */
export function stoppingRules(services: () => Services): Extension {
  return { name: 'stopping-rules', onModelVersion: (projectId, versionId) => services().queueControls.evaluateStop(projectId, versionId) };
}
