import { projectState } from '../../lib/queue/project-state';
import type { LifecycleHooks } from '../lifecycle';
import type { QueueEvent } from '../../lib/protocol/events';
import type { Db } from '../../db/client';
import { findProject, patchProjectSettings } from '../../db/queries/projects';
import { findLease } from '../../db/queries/leases';
import { findForeignItemIds, listModelVersions, type ModelVersionRow } from '../../db/queries/rankings';
import {
  clearProjectStop, countBudgetUse, deleteQueueControls, listActiveHolds, listQueueControls, lockProjectSettings,
  releaseActiveLease, releaseLeasesOfItems, setProjectPaused, stopProjectOnce, upsertQueueControls, type StoppedRecord,
} from '../../db/queries/queue-controls';
import { parseInput, TandemError } from '../../lib/errors';
import {
  ItemControlRequest, QueuePatch, ResumeRequest, resolveQueueConfig, type ItemAction, type QueueConfig,
} from '../../lib/protocol/queue-controls';
import { applyQueuePatch, parseBudgetSettings, parseStopTargets } from '../../lib/queue/settings';
import { projectLabels, shouldStop, type StopDecision } from '../../lib/queue/stopping';
import type { CurvePoint } from '../../lib/queue/curve';
import { requireProject, type Principal } from './access';

/**
 * What leads and admins change about a project's queue while the team works
 * (settings, item controls, pause, releasing someone's lease; budgets and
 * stopping targets for admins), and the server's enforcement of the stopping
 * rules. Every change is announced through `onQueue` (socket.io's `queue`
 * event in the project room) after its transaction commits, so open pages
 * follow without a reload.
 */
export type { QueueEvent } from '../../lib/protocol/events';

export interface QueueControlOptions {
  hooks?: Partial<Pick<LifecycleHooks, 'onQueueChanged'>>;
  now?: () => Date;
}

export function createQueueControlService(db: Db, opts: QueueControlOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const emit = (projectId: number, e: QueueEvent) => opts.hooks?.onQueueChanged?.(projectId, e);

  /** Settings in force (defaults filled), budget use, targets, the stop and pause, the projection, the item controls. */
  async function overview(p: Principal, projectId: number) {
    const { project } = await requireProject(db, p, projectId, 'project.steer');
    const config = resolveQueueConfig(project.settings);
    const [use, versions, controls] = await Promise.all([countBudgetUse(db, projectId, now()), listModelVersions(db, projectId), listQueueControls(db, projectId)]);
    const { projectBudget, perAnnotatorBudget } = config.budget;
    const remaining = projectBudget === null ? null : Math.max(0, projectBudget - use.used - use.open);
    const state = projectState({ paused: project.paused, stopped: project.stopped ?? null, whenMet: config.stopping.whenMet, budgetRemaining: remaining });
    const curve = curveOf(versions);
    return {
      projectId,
      state: state.kind,
      paused: project.paused,
      stopped: project.stopped ?? null,
      settings: config.settings,
      budget: { projectBudget, perAnnotatorBudget, used: use.used, open: use.open, remaining },
      stopping: config.stopping,
      projection: projectLabels(curve, config.stopping),
      curve,
      controls,
    };
  }

  /**
   * A live change. Leads may change `settings`; `budget` and `stopping` are the
   * admin's. Everything is checked before anything is written (the merged
   * settings as a whole: a patch that breaks the share sum changes nothing).
   */
  async function patch(p: Principal, projectId: number, input: QueuePatch) {
    const body = parseInput(QueuePatch, input, 'queue change');
    await requireProject(db, p, projectId, body.budget !== undefined || body.stopping !== undefined ? 'project.manage' : 'project.steer');
    const changed: ('settings' | 'budget' | 'stopping')[] = [];
    await db.transaction(async (tx) => {
      const stored = await lockProjectSettings(tx, projectId);
      if (!stored) throw new TandemError('not_found', `project ${projectId} does not exist`);
      const config = resolveQueueConfig(stored);
      const set: Record<string, unknown> = {};
      const unset: string[] = [];
      if (body.settings) {
        applyQueuePatch(config.settings, body.settings);
        const { strategy, ...rest } = body.settings;
        if (strategy !== undefined) set.strategy = strategy;
        const queue = { ...config.storedQueue, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
        if (Object.keys(queue).length) set.queue = queue;
        changed.push('settings');
      }
      if (body.budget) {
        set.budget = parseBudgetSettings({ ...config.budget, ...Object.fromEntries(Object.entries(body.budget).filter(([, v]) => v !== undefined)) });
        changed.push('budget');
      }
      if (body.stopping !== undefined) {
        if (body.stopping === null) unset.push('stopping');
        else set.stopping = parseStopTargets(body.stopping);
        changed.push('stopping');
      }
      await patchProjectSettings(tx, projectId, set, unset);
    });
    emit(projectId, { event: 'settings-changed', changed });
    // New targets or a smaller budget may already be met: say so now, not at the next model version.
    if (body.budget || body.stopping) await evaluateStop(projectId);
    return overview(p, projectId);
  }

  /** Pin, boost, exclude, clear or re-queue items; any item not of this project refuses the whole request. */
  async function controlItems(p: Principal, projectId: number, input: ItemControlRequest) {
    const { action, itemIds: raw } = parseInput(ItemControlRequest, input, 'item control');
    await requireProject(db, p, projectId, 'project.steer');
    const itemIds = [...new Set(raw)];
    const foreign = await findForeignItemIds(db, projectId, itemIds);
    if (foreign.length) {
      throw new TandemError('bad_request', `not items of project ${projectId}: ${foreign.join(', ')}${foreign.length === 10 ? ' (and maybe more)' : ''}; nothing changed`);
    }
    const result = await db.transaction(async (tx) => {
      switch (action) {
        case 'pin':
        case 'boost':
          return { changed: await upsertQueueControls(tx, projectId, itemIds, action, p.userId || null), released: [] };
        case 'exclude': {
          // Out of the queue means out of everyone's hands too (a broken or off-topic item): holders lose it now.
          const released = await releaseLeasesOfItems(tx, projectId, itemIds, now());
          return { changed: await upsertQueueControls(tx, projectId, itemIds, 'exclude', p.userId || null), released };
        }
        case 'clear':
          return { changed: await deleteQueueControls(tx, projectId, itemIds), released: [] };
        case 'requeue': {
          // Re-queue is an action, not a state: the items' holders lose them, and the pin deals them again first.
          const released = await releaseLeasesOfItems(tx, projectId, itemIds, now());
          return { changed: await upsertQueueControls(tx, projectId, itemIds, 'pin', p.userId || null), released };
        }
        default: {
          const never: never = action;
          throw new TandemError('bad_request', `unknown action ${String(never)}`);
        }
      }
    });
    emit(projectId, { event: 'controls-changed', action, itemIds });
    for (const r of result.released) emit(projectId, { event: 'lease-released', ...r });
    return { action, itemIds, changed: result.changed, released: result.released };
  }

  async function pause(p: Principal, projectId: number) {
    await requireProject(db, p, projectId, 'project.steer');
    await setProjectPaused(db, projectId, true);
    emit(projectId, { event: 'paused' });
    return { paused: true };
  }

  /** Resumes dealing; `clearStop` (admins) also lifts a stop, which a still-met target sets again at the next model version. */
  async function resume(p: Principal, projectId: number, input: ResumeRequest = {}) {
    const { clearStop } = parseInput(ResumeRequest, input, 'resume');
    await requireProject(db, p, projectId, clearStop ? 'project.manage' : 'project.steer');
    await db.transaction(async (tx) => {
      await setProjectPaused(tx, projectId, false);
      if (clearStop) await clearProjectStop(tx, projectId);
    });
    emit(projectId, { event: 'resumed', clearedStop: clearStop });
    return { paused: false, clearedStop: clearStop };
  }

  /** Who holds what: each annotator's active leases, gold included (leads may know). */
  async function holds(p: Principal, projectId: number) {
    await requireProject(db, p, projectId, 'project.review');
    const rows = await listActiveHolds(db, projectId, now());
    const by = new Map<number, { userId: number; name: string; email: string; leases: { leaseId: number; itemId: number; stream: string; detail: Record<string, unknown> | null; since: Date; expiresAt: Date }[] }>();
    for (const r of rows) {
      let h = by.get(r.userId);
      if (!h) by.set(r.userId, (h = { userId: r.userId, name: r.name, email: r.email, leases: [] }));
      h.leases.push({ leaseId: r.leaseId, itemId: r.itemId, stream: r.stream, detail: r.detail, since: r.since, expiresAt: r.expiresAt });
    }
    return { holders: [...by.values()] };
  }

  /** A lead takes an item back from whoever holds it; it returns to the pool at once. */
  async function releaseLease(p: Principal, projectId: number, leaseId: number) {
    await requireProject(db, p, projectId, 'project.steer');
    const lease = await findLease(db, leaseId);
    if (!lease || lease.projectId !== projectId) throw new TandemError('not_found', `no lease ${leaseId} in project ${projectId}`);
    const released = lease.state === 'active' ? await releaseActiveLease(db, leaseId, now()) : null;
    if (!released) throw new TandemError('conflict', `lease ${leaseId} is ${lease.state === 'active' ? 'no longer active' : lease.state}; nothing to release`);
    emit(projectId, { event: 'lease-released', ...released });
    return { released };
  }

  /**
   * The server's stopping rules, run after every model version is stored (and
   * after admin changes): build the holdout learning curve and ask `shouldStop`
   * with what the project budget leaves. A stop is recorded once and announced.
   */
  async function evaluateStop(projectId: number, modelVersionId?: number): Promise<StopDecision | null> {
    const project = await findProject(db, projectId);
    if (!project || project.stopped) return null;
    const config = resolveQueueConfig(project.settings);
    const hasTarget = config.stopping.metric || config.stopping.plateau || config.stopping.uncertaintyPlateau;
    const { projectBudget } = config.budget;
    if (!hasTarget && projectBudget === null) return null;
    const versions = await listModelVersions(db, projectId);
    // Open leases do not spend the budget here: the project stops when the labels are in, not when the last items are dealt.
    const budgetLeft = projectBudget === null ? undefined : Math.max(0, projectBudget - (await countBudgetUse(db, projectId, now())).used);
    const decision = shouldStop(curveOf(versions), config.stopping, { budgetLeft });
    if (decision.stop) {
      const latest = versions[versions.length - 1];
      await stop(projectId, { reason: decision.reason, message: decision.message, at: now().toISOString(), modelVersionId: modelVersionId ?? latest?.id ?? null });
    }
    return decision;
  }

  /** Cheap enough for every label: one project read, and a count only when a project budget is set. */
  async function checkBudget(projectId: number): Promise<boolean> {
    const project = await findProject(db, projectId);
    if (!project || project.stopped) return false;
    const { projectBudget } = resolveQueueConfig(project.settings).budget;
    if (projectBudget === null) return false;
    const { used } = await countBudgetUse(db, projectId, now());
    if (used < projectBudget) return false;
    return stop(projectId, { reason: 'budget', message: `the label budget is spent: ${used} of ${projectBudget} labels`, at: now().toISOString(), modelVersionId: null });
  }

  async function stop(projectId: number, record: StoppedRecord): Promise<boolean> {
    if (!(await stopProjectOnce(db, projectId, record))) return false;
    emit(projectId, { event: 'stopped', reason: record.reason, message: record.message });
    return true;
  }

  return { overview, patch, controlItems, pause, resume, holds, releaseLease, evaluateStop, checkBudget };
}

/**
 * One point per model version, oldest first: holdout accuracy (NaN before any
 * holdout item is labeled: such points count for no metric rule) and the pool's
 * mean uncertainty when the trainer reports it.
 */
function curveOf(versions: ModelVersionRow[]): CurvePoint[] {
  return versions.map((v) => {
    const m = v.metrics ?? {};
    const point: CurvePoint = { labels: v.labelCount, metric: typeof m.accuracy === 'number' ? m.accuracy : NaN };
    if (typeof m.meanUncertainty === 'number') point.uncertainty = m.meanUncertainty;
    return point;
  });
}

export type QueueControlService = ReturnType<typeof createQueueControlService>;
export type { QueueConfig };
