import { projectState } from '../../lib/queue/project-state';
import type { LifecycleHooks } from '../lifecycle';
import type { Db, Executor, Tx } from '../../db/client';
import { lockedTransaction } from '../../db/transactions';
import { endLease, expireAndRenewOpening, findLease, lockAnnotatorQueue, releaseLeasesExcept, type LeasedItem } from '../../db/queries/leases';
import {
  deletePins, leaseChosenItems, readClaimState, type ClaimState, type LeaseChoice, type LeaseClaimKind,
} from '../../db/queries/queue-state';
import { findProject, type ProjectRow } from '../../db/queries/projects';
import { countsTrusted } from '../../lib/al/coldstart';
import { TandemError } from '../../lib/errors';
import { resolveProjectSettings } from '../../lib/protocol/project-settings';
import { boostRanking, pinnedFirst, splitControls, type QueueControls } from '../../lib/queue/controls';
import { batchSeed, dealBatch } from '../../lib/queue/deal';
import type { DealInput, RankingView } from '../../lib/queue/input';
import { parseBudgetSettings, parseQueueSettings, parseStopTargets, type BudgetSettings, type QueueSettings, type StopTargets } from '../../lib/queue/settings';
import { annotatorKind, STREAM_KINDS, type Assignment, type MainKind, type StreamKind } from '../../lib/queue/streams';
import { requireProject, type Principal } from './access';
import { isRetryableConflict, isUniqueViolation } from './pg-errors';
import { budgetRoom } from './queue-budget';
import { createClaimsFirst, type ClaimsFirst } from './claims-first';
import { claimByBridge, type BridgeDeps } from './queue-bridge';
import { claimInOneMessage } from './claim-in-one-message';
import { createPoolViews, indexOf, type PoolView, type PoolViewOptions } from './pool-view';

/**
 * The lease service: deals each annotator their next items from lib/queue's `dealBatch`
 * and records them as leases. Per claim, first without a transaction: the project's mode
 * (paused, stopped, holdout-only) and a deal over the in-memory pool view
 * (server/services/pool-view.ts) with the holds, labels, controls and history read fresh.
 * Then one short transaction: the annotator's advisory lock (two tabs never both top up),
 * expired leases back to the pool, the caller's open leases renewed (the heartbeat), the
 * budget, and the chosen rows locked FOR UPDATE SKIP LOCKED and checked once more (slots lost
 * to a concurrent claim are dealt again); the unique indexes on leases are the final guard (a
 * lost race is a 23505, and the claim is retried).
 */
export interface QueueOptions {
  leaseSeconds: number;
  now?: () => Date;
  views?: PoolViewOptions;
  /** How long a view build's page read waits for claims in flight (default 250 ms; 0: never waits). */
  claimsFirstMs?: number;
  /** The gate shared with the label service (labels go first too); by default the queue's own. */
  first?: ClaimsFirst;
  hooks?: Partial<Pick<LifecycleHooks, 'onLeaseEnded'>>;
}


/** What the claim route answers besides the leases: whether the queue deals, and why not. */
export type QueueState = 'open' | 'paused' | 'stopped' | 'budget' | 'empty';

/**
 * Where a claim's time went, in ms: the access check and pool view (`access`), the reads
 * before the deal (`read`), the deal (`deal`), the transaction (`commit`, including the wait
 * for a pooled connection). A retried claim adds to the same phases. A claim dealt by the
 * bridge while the pool view builds reports `bridge` alone (access, deal and commit in one),
 * so a client can tell the build's seconds from the steady state.
 */
export interface ClaimPhases {
  bridge: number;
  /** Present (0 ms) when the claim was dealt from a view read from disk while its build runs (view-snapshot.ts). */
  snapshot: number;
  access: number;
  read: number;
  deal: number;
  commit: number;
}
export type ClaimTiming = Partial<ClaimPhases>;
export interface ClaimResult {
  leases: LeasedItem[];
  queue: { state: QueueState; message: string | null };
}

const MAX_HELD = 8;
const CLAIM_RETRIES = 8;
const HISTORY = 50;
/** Deal rounds per claim: the first deal, then re-deals of slots whose rows a concurrent claim took. */
const DEAL_ROUNDS = 4;
const KINDS = new Set<string>(STREAM_KINDS);

/** The project's queue settings in force; a broken stored value falls back to the defaults. */
export function projectQueueSettings(project: Pick<ProjectRow, 'settings'>): { queue: QueueSettings; budget: BudgetSettings; stopping: StopTargets } {
  const s = project.settings ?? {};
  const safe = <T>(f: () => T, fallback: () => T): T => {
    try {
      return f();
    } catch {
      return fallback();
    }
  };
  // The queue deals by the project's own strategy (the one the trainer ranks with), not a second copy of it.
  const { strategy } = resolveProjectSettings(s).training;
  const queueRaw = typeof s.queue === 'object' && s.queue !== null ? { ...(s.queue as object), strategy } : { strategy };
  const queue = safe(() => parseQueueSettings(queueRaw), () => parseQueueSettings({ strategy }));
  return {
    queue,
    budget: safe(() => parseBudgetSettings(s.budget), () => parseBudgetSettings({})),
    stopping: safe(() => parseStopTargets(s.stopping), () => parseStopTargets({})),
  };
}

export function createQueueService(db: Db, opts: QueueOptions) {
  const now = opts.now ?? (() => new Date());
  const claimsFirst = opts.first ?? createClaimsFirst({ maxWaitMs: opts.claimsFirstMs ?? 250 });
  const views = createPoolViews(db, { beforePage: claimsFirst.pause, ...opts.views });
  const boosts = new WeakMap<RankingView, { key: string; value: RankingView }>();
  /**
   * Items claims in this process have chosen but not committed yet, per project (item → annotator).
   * Concurrent claims deal around them instead of all choosing the ranking's same best item and
   * losing it to SKIP LOCKED; across server processes the row locks still settle it.
   */
  const reservations = new Map<number, Map<number, number>>();
  function reserve(projectId: number, userId: number, itemIds: number[]) {
    let m = reservations.get(projectId);
    if (!m) reservations.set(projectId, (m = new Map()));
    for (const id of itemIds) if (!m.has(id)) m.set(id, userId);
  }
  function unreserve(projectId: number, userId: number, itemIds: number[]) {
    const m = reservations.get(projectId);
    if (!m) return;
    for (const id of itemIds) if (m.get(id) === userId) m.delete(id);
    if (m.size === 0) reservations.delete(projectId);
  }

  const bridgeDeps: BridgeDeps = {
    db, leaseSeconds: opts.leaseSeconds, now,
    reservedBy: (projectId) => reservations.get(projectId) ?? new Map(),
    reserve, unreserve, retries: CLAIM_RETRIES,
  };

  /** The leases the caller holds now, topped up to `hold`, and the queue's state; `timing` collects where the time went. */
  async function claimBatch(p: Principal, projectId: number, hold: number, timing?: ClaimTiming): Promise<ClaimResult> {
    let t = performance.now();
    const lap = (name: keyof ClaimPhases) => {
      const at = performance.now();
      if (timing) timing[name] = (timing[name] ?? 0) + at - t;
      t = at;
    };
    // The claim's reads start with the access check, not after it: one round trip instead of
    // three in a row. Nothing read is used, and nothing is written, unless the check passes.
    views.prefetch(projectId);
    const early = views.latest(projectId);
    const ahead: Reads = {
      state: readClaimState(db, projectId, p.userId, HISTORY, now()),
      book: early ? { view: early, refresh: early.book.refresh(db) } : undefined,
    };
    // Whoever awaits them still gets their errors; a read no one awaits (access denied, a paused
    // project, a replaced view) must not become an unhandled rejection.
    ahead.state.catch(() => {});
    ahead.book?.refresh.catch(() => {});
    // The access check counts as a claim in flight, as the deal and the commit do: a view's build
    // waits before its next page while they run (the first claims after a restart spent ~0.4 s
    // here behind the build's page reads). Waiting for a view that is not there yet does not count.
    const { project } = await claimsFirst.around(() => requireProject(db, p, projectId, 'project.label'));
    const held = Math.min(Math.max(hold, 1), MAX_HELD);
    const settings = projectQueueSettings(project);
    let found = await views.viewOrBridge(projectId, project.classes);
    if ('bridge' in found) {
      // Holdout-only dealing needs the view's holdout groups: that claim waits for it.
      const mode = dealMode(project, settings.stopping);
      if (mode.kind !== 'holdout-only') {
        const signature = found.bridge;
        const bridged = await claimsFirst.around(() => claimByBridge(bridgeDeps, p, project, mode, settings, signature, held));
        lap(bridged ? 'bridge' : 'access');
        if (bridged) {
          const main: MainKind = found.bridge.rankingId === null ? 'cold' : 'uncertain';
          return { leases: bridged.leases.map((l) => shown(l, main)), queue: { state: bridged.state, message: bridged.message } };
        }
      }
      found = { view: await views.get(projectId, project.classes) };
    }
    const view = found.view;
    lap('access');
    if (view.provisional && timing) timing.snapshot = 0;
    // With its view in hand the claim waits on no build: a rebuild going on meanwhile lets it go first.
    return claimsFirst.around(async () => {
      for (let attempt = 0; ; attempt++) {
        const reserved: number[] = [];
        try {
          // The deal runs before the transaction, on a connection it does not keep: a claim holds
          // its annotator lock and a pooled connection only for the few statements that make the
          // leases safe, not while Node computes (50 claims at once queued on that before).
          // A retry reads again: what a lost race changed is what it needs to see.
          const plan = await planClaim(p, project, settings, view, held, reserved, lap, attempt === 0 ? ahead : undefined);
          const t = now();
          const expiresAt = new Date(t.getTime() + opts.leaseSeconds * 1000);
          const quick = await quickCommit(p, project, settings, view, held, plan, t, expiresAt);
          if (quick) {
            lap('commit');
            return quick;
          }
          const result = await lockedTransaction(db, projectId, p.userId, expireAndRenewOpening(projectId, p.userId, t, expiresAt),
            (tx, mine) => commitClaim(tx, p, project, settings, view, held, plan, reserved, mine, expiresAt));
          lap('commit');
          return result;
        } catch (e) {
          if ((isUniqueViolation(e) || isRetryableConflict(e)) && attempt < CLAIM_RETRIES) continue;
          throw e;
        } finally {
          // After the commit (or the rollback) the leases speak for themselves.
          unreserve(projectId, p.userId, reserved);
        }
      }
    });
  }

  /**
   * The claim's transaction in one round trip (claim-in-one-message.ts) where nothing in it needs
   * an answer before the insert: no label budget to count, no lead's pin to delete. Null when that
   * does not apply, or when planned items were taken meanwhile and slots are left over: the
   * general transaction then renews again (the leases taken here included) and deals the rest.
   */
  async function quickCommit(
    p: Principal, project: ProjectRow, settings: ReturnType<typeof projectQueueSettings>, view: PoolView, held: number, plan: Plan, t: Date, expiresAt: Date,
  ): Promise<ClaimResult | null> {
    const { mode, main, deal } = plan;
    if (!deal || mode.kind === 'paused' || mode.kind === 'stopped') return null;
    if (settings.budget.projectBudget !== null || settings.budget.perAnnotatorBudget !== null) return null;
    if (!deal.chosen.every((c) => c.assignment)) return null;
    const done = await claimInOneMessage(db, { projectId: project.id, userId: p.userId, held, now: t, expiresAt, chosen: deal.chosen.map((c) => choiceOf(view, c)) });
    if (!done) return null;
    const { mine, fresh } = done;
    const need = held - mine.length;
    if (need > 0 && fresh.length < Math.min(need, deal.chosen.length)) return null;
    return { leases: [...mine, ...fresh].map((l) => shown(l, main)), queue: dealingState(mode) };
  }

  /** The leases alone (tests, the CLI). */
  async function claim(p: Principal, projectId: number, hold: number): Promise<LeasedItem[]> {
    return (await claimBatch(p, projectId, hold)).leases;
  }

  /**
   * What a claim would deal, read and computed outside any transaction: the holds, labels,
   * controls and history as of now, and the deal for the slots the caller has free. Nothing
   * here is trusted by the commit: it locks the annotator, renews, checks the budget, and
   * asks the database once more whether each chosen item may still be leased.
   */
  async function planClaim(
    p: Principal, project: ProjectRow, settings: ReturnType<typeof projectQueueSettings>, view: PoolView, held: number, reserved: number[],
    lap: (name: keyof ClaimPhases) => void = () => {}, ahead?: Reads,
  ): Promise<Plan> {
    const projectId = project.id;
    const mode = dealMode(project, settings.stopping);
    const isTrusted = trusted(view, project.classes);
    const main: MainKind = view.ranking && isTrusted ? 'uncertain' : 'cold';
    if (mode.kind === 'paused' || mode.kind === 'stopped') return { mode, main, deal: null };

    // Two reads at once on two pooled connections (started with the access check when the claim
    // could): the claim waits for one round trip, not two. A refresh of a view that has since been
    // replaced is done again on the new one.
    const [, me] = await Promise.all([
      ahead?.book?.view === view ? ahead.book.refresh : view.book.refresh(db),
      ahead?.state ?? readClaimState(db, projectId, p.userId, HISTORY, now()),
    ]);
    lap('read');
    const controls = splitControls(me.controls.map((r) => ({ item: indexOf(view, r.itemId), action: r.action })).filter((r) => r.item >= 0));
    const heldItems: number[] = [];
    const heldBy: number[] = [];
    let mineHeld = 0;
    const mineSet = new Set<number>(view.book.labeledBy(p.userId));
    for (const h of me.holds) {
      if (h.userId === p.userId) mineHeld++;
      const i = indexOf(view, h.itemId);
      if (i < 0) continue;
      if (h.userId === p.userId) mineSet.add(i);
      else {
        heldItems.push(i);
        heldBy.push(h.userId);
      }
    }
    // Items other claims of this process are leasing right now (not committed yet): held, as far as this deal goes.
    for (const [itemId, userId] of reservations.get(projectId) ?? []) {
      if (userId === p.userId) continue;
      const i = indexOf(view, itemId);
      if (i >= 0) {
        heldItems.push(i);
        heldBy.push(userId);
      }
    }
    for (const id of me.skipped) {
      const i = indexOf(view, id);
      if (i >= 0) mineSet.add(i);
    }
    // The budget is checked in the transaction; the deal asks for the free slots and the commit keeps what the budget allows.
    const want = Math.max(held - mineHeld, 0);
    const input: DealInput = {
      n: view.n,
      ranking: view.ranking ? boosted(view.ranking.view, controls) : undefined,
      trusted: isTrusted,
      embeddings: view.ranking?.embeddings,
      labeled: view.book.labeled(),
      fresh: view.ranking ? view.book.freshSince(view.ranking.head.createdAt.getTime()) : undefined,
      held: { item: Int32Array.from(heldItems), by: Int32Array.from(heldBy) },
      mine: Int32Array.from(mineSet),
      gold: settings.queue.goldShare > 0 ? view.gold : undefined,
      disputed: Int32Array.from(me.disputed.map((id) => indexOf(view, id)).filter((i) => i >= 0)),
      holdout: view.holdout,
      holdoutIndex: view.holdoutIndex,
      // Precomputed clusters for the cold stream (built on the first cold deal of the embeddings).
      coldIndex: !isTrusted && settings.queue.cold === 'stratified' ? view.ranking?.coldIndex() : undefined,
      excluded: controls.excluded,
      history: me.recentStreams.filter((s): s is StreamKind => KINDS.has(s)).reverse(),
      settings: settings.queue,
      mode: mode.kind === 'holdout-only' ? 'holdout-only' : 'learn',
      want,
      seed: batchSeed(projectId, p.userId, me.dealt),
    };

    // Pins go first; a pin may re-queue a labeled item, but never to someone who labeled, skipped or holds it.
    const heldByAnyone = new Set<number>(heldItems);
    const excluded = new Set<number>(controls.excluded);
    const goldSet = settings.queue.goldShare > 0 ? new Set<number>(view.gold) : new Set<number>();
    const pinOpen = (i: number) => !heldByAnyone.has(i) && !mineSet.has(i) && !excluded.has(i) && !goldSet.has(i);
    const pins = input.mode === 'learn' ? controls.pinned : new Int32Array(0);
    const chosen = want > 0 ? pickLeases(input, pins, pinOpen) : [];
    // Reserved in the same tick as the deal: the next claim of this process deals around them.
    reserveChosen(projectId, p.userId, view, chosen, reserved);
    lap('deal');
    return { mode, main, deal: { input, controls, mineSet, pins, pinOpen, chosen } };
  }

  function reserveChosen(projectId: number, userId: number, view: PoolView, chosen: Chosen[], reserved: number[]) {
    const ids = chosen.map((c) => view.ids[c.item]);
    reserved.push(...ids);
    reserve(projectId, userId, ids);
  }

  /**
   * The claim's transaction, after its opening (one message on Postgres, see `lockedTransaction`):
   * the annotator's lock (two tabs never both top up), expired leases back to the pool, the
   * caller's open leases renewed (the heartbeat, `mine`). Then the budget (under the
   * project's lock when a project budget is set), then the planned items locked FOR UPDATE SKIP
   * LOCKED and checked once more; only the slots whose rows were lost are dealt again here.
   */
  async function commitClaim(
    tx: Executor, p: Principal, project: ProjectRow, settings: ReturnType<typeof projectQueueSettings>, view: PoolView, held: number, plan: Plan,
    reserved: number[], mine: LeasedItem[], expiresAt: Date,
  ): Promise<ClaimResult> {
    const projectId = project.id;
    const { mode, main } = plan;
    const answer = (leases: LeasedItem[], state: QueueState, message: string | null): ClaimResult => ({ leases: leases.map((l) => shown(l, main)), queue: { state, message } });

    if (mode.kind === 'paused') return answer(mine, 'paused', mode.message);
    if (mode.kind === 'stopped') return answer(mine, 'stopped', mode.message);
    const { state, message } = dealingState(mode);
    const need = held - mine.length;
    if (need <= 0 || !plan.deal) return answer(mine, state, message);

    const room = await budgetRoom(tx, projectId, p.userId, settings.budget, need);
    if (room.kind === 'spent') return answer(mine, 'budget', room.message);
    const want = room.want;

    const { input, controls, mineSet, pins, pinOpen } = plan.deal;
    // Items the caller came to hold since the plan (another tab) are not dealt twice; the lock query checks again.
    const mineNow = new Set(mine.map((l) => indexOf(view, l.itemId)));
    const choice = (c: Chosen): LeaseChoice => choiceOf(view, c);
    let kept: Chosen[] = [];
    const fresh: LeasedItem[] = [];
    const dropped = new Set<number>();
    for (let round = 0; round < DEAL_ROUNDS && kept.length < want; round++) {
      const skip = [...dropped, ...kept.map((c) => c.item), ...mineNow];
      const chosen = round === 0
        ? plan.deal.chosen.filter((c) => !mineNow.has(c.item)).slice(0, want)
        : pickLeases({
          ...input,
          want: want - kept.length,
          excluded: Int32Array.from([...controls.excluded, ...skip]),
          mine: Int32Array.from([...mineSet, ...skip]),
          seed: (input.seed + round) >>> 0,
        }, pins, (i) => pinOpen(i) && !dropped.has(i) && !mineNow.has(i) && !kept.some((c) => c.item === i));
      if (chosen.length === 0) {
        // Round 0 had nothing to offer only because the plan's slots were taken meanwhile: deal them here.
        if (round === 0 && (input.want === 0 || plan.deal.chosen.length > 0)) continue;
        break;
      }
      if (round > 0) reserveChosen(projectId, p.userId, view, chosen, reserved);
      // Lock, check and insert in one statement: the slots whose rows were lost are dealt again.
      const leased = await leaseChosenItems(tx, projectId, p.userId, expiresAt, chosen.map(choice));
      const got = new Set(leased.map((l) => l.itemId));
      for (const c of chosen) {
        if (got.has(view.ids[c.item])) kept.push(c);
        else dropped.add(c.item);
      }
      fresh.push(...leased);
    }
    await deletePins(tx, projectId, kept.filter((c) => !c.assignment).map((c) => view.ids[c.item]));
    const all = [...mine, ...fresh];
    if (fresh.length === 0) {
      return answer(all, mode.kind === 'holdout-only' ? 'stopped' : 'empty', mode.kind === 'holdout-only'
        ? `${mode.message} No holdout item is left to label.`
        : 'nothing is left to deal to you right now: every item is labeled, held by a colleague, or yours already');
    }
    return answer(all, state, message);
  }

  function boosted(ranking: RankingView, controls: QueueControls): RankingView {
    if (controls.boosted.length === 0) return ranking;
    const key = Array.from(controls.boosted).join(',');
    const hit = boosts.get(ranking);
    if (hit && hit.key === key) return hit.value;
    const value = boostRanking(ranking, controls.boosted);
    boosts.set(ranking, { key, value });
    return value;
  }

  function trusted(view: PoolView, classes: readonly string[]): boolean {
    if (!view.ranking) return false;
    // A named strategy ranks from the first model on (the trainer does not cold-start it either), so its ranking is dealt as is.
    if (view.ranking.head.strategy !== 'auto') return true;
    // `auto`: the phase the trainer recorded for the model behind the ranking (it measured the model's accuracy on its
    // labels); without one (no holdout metrics yet, an older trainer), the count half of its rule on what that model saw.
    switch (view.ranking.head.autoPhase) {
      case 'spaced-margin': return true;
      case 'cold-start': return false;
      case null:
      case undefined:
        return countsTrusted({
          labeled: view.ranking.head.labelCount, classesSeen: view.book.classesSeen(classes), numClasses: classes.length, fewestPerClass: view.book.fewestPerClass(classes),
        });
    }
  }

  async function skip(p: Principal, projectId: number, leaseId: number): Promise<void> {
    await requireProject(db, p, projectId, 'project.label');
    await db.transaction(async (tx) => {
      const lease = await ownActiveLease(tx, p, projectId, leaseId);
      await endLease(tx, lease.id, 'skipped', now());
    });
  }

  /** Ends the caller's active leases in the project except `keep` (the page closed or moved on). */
  async function release(p: Principal, projectId: number, keep: number[]): Promise<{ released: number }> {
    await requireProject(db, p, projectId, 'project.label');
    const released = await db.transaction(async (tx) => {
      await lockAnnotatorQueue(tx, projectId, p.userId);
      return releaseLeasesExcept(tx, projectId, p.userId, keep, now());
    });
    for (const r of released) opts.hooks?.onLeaseEnded?.(projectId, { userId: p.userId, ...r, reason: 'released' });
    return { released: released.length };
  }

  /** A ranking was applied or items imported through this process: claims deal from the new pool at once. */
  const poolChanged = (projectId: number) => views.changed(projectId);

  /** At a start: the pool views the last process kept, read before the first claims come (pool-view.ts `warm`). */
  const warm = () => views.warm(async (projectId) => (await findProject(db, projectId))?.classes);

  return { claim, claimBatch, skip, release, poolChanged, warm };
}

/** Reads a claim started before its access check finished (see claimBatch). */
interface Reads {
  state: Promise<ClaimState>;
  book?: { view: PoolView; refresh: Promise<void> };
}

/** A claim's plan: the mode, and the deal made before the transaction (none when paused or stopped). */
interface Plan {
  mode: Mode;
  main: MainKind;
  deal: {
    input: DealInput;
    controls: QueueControls;
    mineSet: Set<number>;
    pins: Int32Array;
    pinOpen: (i: number) => boolean;
    chosen: Chosen[];
  } | null;
}

interface Chosen {
  item: number;
  kind: LeaseClaimKind;
  /** Absent for a pinned item (dealt by a lead, not by the policy). */
  assignment?: Assignment;
}

/** The deal, with open pinned items first; each item with how it may be leased. */
function pickLeases(input: DealInput, pins: Int32Array, pinOpen: (i: number) => boolean): Chosen[] {
  const want = input.want ?? 0;
  const pinned = pins.length > 0 ? pinnedFirst([], pins, pinOpen, want).pinned : [];
  const batch = want - pinned.length > 0 ? dealBatch({ ...input, want: want - pinned.length, excluded: Int32Array.from([...(input.excluded ?? []), ...pinned]) }).assignments : [];
  return [
    ...pinned.map((item): Chosen => ({ item, kind: 'free' })),
    ...batch.map((a): Chosen => ({ item: a.item, kind: a.stream.kind === 'overlap' || a.stream.kind === 'gold' ? 'shared' : 'open', assignment: a })),
  ];
}

type Mode = { kind: 'learn' } | { kind: 'paused'; message: string } | { kind: 'stopped'; message: string } | { kind: 'holdout-only'; message: string };

/** What the project's state (lib/queue/project-state.ts) lets the queue deal; the budget is the claim's own check. */
function dealMode(project: ProjectRow, stopping: StopTargets): Mode {
  const s = projectState({ paused: project.paused, stopped: project.stopped ?? null, whenMet: stopping.whenMet, budgetRemaining: null });
  switch (s.kind) {
    case 'open':
    case 'budget':
      return { kind: 'learn' };
    case 'paused':
    case 'stopped':
    case 'holdout-only':
      return { kind: s.kind, message: s.message };
    default: {
      const never: never = s;
      throw new Error(`unknown project state ${JSON.stringify(never)}`);
    }
  }
}

/** A gold lease is shown as the batch's main stream: nothing tells it apart from its neighbours. */
/** The queue's state while it deals (learning, or the holdout alone once a target is met), as a claim answers it. */
function dealingState(mode: Mode): { state: QueueState; message: string | null } {
  return mode.kind === 'holdout-only' ? { state: 'stopped', message: mode.message } : { state: 'open', message: null };
}

/** What the lease of a dealt item records. */
function choiceOf(view: PoolView, c: Chosen): LeaseChoice {
  return {
    itemId: view.ids[c.item], kind: c.kind,
    stream: c.assignment ? c.assignment.stream.kind : 'pinned',
    detail: c.assignment ? (c.assignment.stream as Record<string, unknown>) : null,
    rankingId: c.assignment?.rankingVersion ?? (view.ranking ? view.ranking.head.id : null),
    // The ranking's own score, not a boost's lift.
    score: view.ranking && !Number.isNaN(view.ranking.view.score[c.item]) ? view.ranking.view.score[c.item] : null,
  };
}

function shown(l: LeasedItem, main: MainKind): LeasedItem {
  return l.stream === 'gold' ? { ...l, stream: annotatorKind({ kind: 'gold' }, main) } : l;
}

export async function ownActiveLease(tx: Tx, p: Principal, projectId: number, leaseId: number) {
  const lease = await findLease(tx, leaseId);
  if (!lease || lease.projectId !== projectId || lease.userId !== p.userId) {
    throw new TandemError('not_found', `lease ${leaseId} is not yours in project ${projectId}`);
  }
  if (lease.state !== 'active') {
    throw new TandemError('lease_expired', `lease ${leaseId} is ${lease.state}; ask for a new item`);
  }
  return lease;
}

export type QueueService = ReturnType<typeof createQueueService>;
