import type { Extension } from '../lifecycle';
import type { Logger } from '../log';
import type { Services } from '../services';
import { spacedPerProject } from '../spaced';

/**
 * Agreement follows the answers: after labels, undos and decisions, the project's consensus and
 * agreement are recomputed (services.consensus), a burst of labels costing one recompute: once
 * a second on a small project, and at most 0.5% of the time (but at least every 10 s) on one large
 * enough for a recompute to take long. Its Dawid–Skene runs on the agreement thread
 * (server/threads/agreement-thread.ts), but it still takes a core's time from the server and its
 * database (and on PGlite its queries run on the server's thread): a share of the time near 1%
 * put such waits among the slowest 1% of claims, the team's p99 (docs/benchmarks.md); under 0.5%
 * they stay out of it.
 */
export function agreementUpdates(services: () => Services, log: Logger): Extension {
  const recompute = spacedPerProject(async (pid) => { await services().consensus.recompute(pid); }, { log, what: 'agreement recompute', everyMs: 1000, costShare: 0.005, maxGapMs: 10_000 });
  const noisy = spacedPerProject(async (pid) => { await services().consensus.flagNoisyLabels(pid); }, { log, what: 'noisy-label check', everyMs: 1000, costShare: 0.1 });
  return {
    name: 'agreement',
    onLabelCommitted: (projectId) => recompute.changed(projectId),
    // A new ranking brings the model's new features: labels its neighbourhood now contradicts are flagged.
    onRankingApplied: (projectId) => noisy.changed(projectId),
    stop: () => { recompute.stop(); noisy.stop(); },
  };
}
