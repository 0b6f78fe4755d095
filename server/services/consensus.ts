import type { Db } from '../../db/client';
import { listClassRatings } from '../../db/queries/agreement';
import { encodeAnswer } from '../../db/queries/answers';
import {
  answersInLastHour, closeSettledWeakFlags, insertConsensusVersions, insertSnapshot, listDecidedClasses, listOverlappedItems, listSnapshots,
} from '../../db/queries/consensus';
import { findProject } from '../../db/queries/projects';
import { upsertFlags } from '../../db/queries/review';
import { coefficients, consensus, noisyAnnotators, type Rating } from '../../lib/agreement';
import { agreementSummary, consensusChanges, type AgreementSummary } from '../../lib/agreement/project-agreement';
import { DEFAULT_CONSENSUS_MIN } from '../../lib/agreement/settle';
import { taskOfProject } from '../../lib/tasks';
import { projectQueueSettings } from './queue';
import type { LifecycleHooks } from '../lifecycle';
import { requireProject, type Principal } from './access';
import { settleItem } from './settle';

/**
 * A project's consensus and agreement, recomputed from all its answers: Dawid–Skene over every
 * standing human class answer (gold items and a lead's decisions clamped), a consensus version written where it changed,
 * disputed items settled by a confident consensus, weak ones flagged for the lead, and a snapshot
 * of the coefficients and each annotator's reliability. The agreement extension runs it after labels.
 */
export function createConsensusService(db: Db, opts: { hooks?: Partial<Pick<LifecycleHooks, 'onItemsSettled' | 'onAgreementComputed'>>; now?: () => Date; consensusMin?: number } = {}) {
  const now = opts.now ?? (() => new Date());
  const consensusMin = opts.consensusMin ?? DEFAULT_CONSENSUS_MIN;

  async function recompute(projectId: number): Promise<AgreementSummary | null> {
    const project = await findProject(db, projectId);
    if (!project) return null;
    const task = taskOfProject(project);
    // Spatial consensus (fused boxes, keypoint medians) is not computed yet: their disputes wait for a lead.
    if (task.task !== 'classification') return null;
    const rows = await listClassRatings(db, projectId);
    if (rows.length === 0) return null;
    const ratings: Rating[] = rows.map((r) => ({ item: String(r.itemId), annotator: String(r.userId), label: r.label }));
    // Known answers are gold only where the project deals gold items (as the queue reads them);
    // otherwise they are a simulation's hidden truth and must not steer the consensus.
    const usesGold = projectQueueSettings(project).queue.goldShare > 0;
    const gold = new Map<string, string>();
    if (usesGold) for (const r of rows) if (r.gold !== null) gold.set(String(r.itemId), r.gold);
    // A lead's decision is a known answer too: the annotators' reliability is measured against it.
    for (const [itemId, label] of await listDecidedClasses(db, projectId)) gold.set(String(itemId), label);
    const result = consensus(ratings, { method: 'dawid-skene', gold, classes: task.config.classes });

    const overlapped = await listOverlappedItems(db, projectId);
    const changes = consensusChanges(overlapped.map((o) => ({
      itemId: o.itemId,
      current: o.consensus && { label: String((o.consensus.payload as { label?: unknown }).label ?? ''), confidence: o.consensus.confidence },
    })), result.items, consensusMin);
    const statusBefore = new Map(overlapped.map((o) => [o.itemId, o.status]));
    const settled: number[] = [];
    if (changes.length > 0) {
      await db.transaction(async (tx) => {
        await insertConsensusVersions(tx, projectId, changes.map((c) => ({
          itemId: c.itemId, payload: encodeAnswer({ task: 'classification', label: c.label }), confidence: c.confidence,
          reason: `Dawid–Skene over ${result.items.get(String(c.itemId))?.answers ?? 0} answers`,
        })));
        for (const c of changes) {
          const state = await settleItem(tx, task, c.itemId, consensusMin);
          if (state === 'resolved' && statusBefore.get(c.itemId) !== 'resolved') settled.push(c.itemId);
        }
      });
    }
    // Disputes a consensus cannot settle go to the lead, the weakest first.
    const weak = overlapped.filter((o) => {
      const c = result.items.get(String(o.itemId));
      return c && c.confidence < consensusMin && (o.status === 'disputed' || changes.some((x) => x.itemId === o.itemId));
    });
    await upsertFlags(db, weak.map((o) => {
      const c = result.items.get(String(o.itemId))!;
      return { projectId, itemId: o.itemId, kind: 'weak-consensus' as const, reason: `consensus ${c.label} at ${(c.confidence * 100).toFixed(0)}%`, priority: 1 - c.confidence, detail: { posterior: c.posterior } };
    }));
    await closeSettledWeakFlags(db, projectId, now());

    const lastHour = await answersInLastHour(db, projectId, now());
    const summary = agreementSummary({
      ratings, result, verdicts: noisyAnnotators(result, ratings), coefficients: coefficients(ratings, 'nominal'),
      names: new Map(rows.map((r) => [String(r.userId), r.email.split('@')[0]])),
      lastHour: new Map([...lastHour].map(([k, v]) => [String(k), v])),
    });
    const snapshotId = await insertSnapshot(db, projectId, summary.answers, summary as unknown as Record<string, unknown>);
    for (const itemId of settled) {
      const annotators = [...new Set(rows.filter((r) => r.itemId === itemId).map((r) => r.userId))];
      opts.hooks?.onItemsSettled?.(projectId, { event: 'settled', itemId, annotators });
    }
    opts.hooks?.onAgreementComputed?.(projectId, snapshotId);
    return summary;
  }

  /** The project's agreement over time (oldest first), for leads and admins. */
  async function history(p: Principal, projectId: number, limit = 200): Promise<{ at: string; answers: number; summary: AgreementSummary }[]> {
    await requireProject(db, p, projectId, 'project.review');
    return (await listSnapshots(db, projectId, limit)).map((s) => ({ at: s.createdAt.toISOString(), answers: s.answers, summary: s.summary as unknown as AgreementSummary }));
  }

  return { recompute, history };
}

export type ConsensusService = ReturnType<typeof createConsensusService>;
