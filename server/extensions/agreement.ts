import type { Extension } from '../lifecycle';
import type { Logger } from '../log';
import type { Services } from '../services';
import { spacedPerProject } from '../spaced';

/**
 * Agreement follows the answers: after labels, undos and decisions, the project's consensus and
 * agreement are recomputed (services.consensus), a burst of labels costing one recompute, and at
 * most a fifth of the time on a project large enough for a recompute to take long.
 */
export function agreementUpdates(services: () => Services, log: Logger): Extension {
  const recompute = spacedPerProject(async (pid) => { await services().consensus.recompute(pid); }, { log, what: 'agreement recompute', everyMs: 1000, costShare: 0.2 });
  const noisy = spacedPerProject(async (pid) => { await services().consensus.flagNoisyLabels(pid); }, { log, what: 'noisy-label check', everyMs: 1000, costShare: 0.1 });
  return {
    name: 'agreement',
    onLabelCommitted: (projectId) => recompute.changed(projectId),
    // A new ranking brings the model's new features: labels its neighbourhood now contradicts are flagged.
    onRankingApplied: (projectId) => noisy.changed(projectId),
    stop: () => { recompute.stop(); noisy.stop(); },
  };
}
