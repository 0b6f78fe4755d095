import type { Db } from '../../db/client';
import { expireAndRenewOpening, type LeasedItem } from '../../db/queries/leases';
import type { ProjectRow } from '../../db/queries/projects';
import { bridgeCandidates, findRankingHead, leaseChosenItems, type LeaseChoice, type PoolSignature } from '../../db/queries/queue-state';
import { lockedTransaction } from '../../db/transactions';
import { hashUnit } from '../../lib/random';
import type { BudgetSettings } from '../../lib/queue/settings';
import type { Stream } from '../../lib/queue/streams';
import type { Principal } from './access';
import { isRetryableConflict, isUniqueViolation } from './pg-errors';
import { budgetRoom } from './queue-budget';

/**
 * The first claims after a start on a large pool, while its in-memory view builds (seconds for a
 * million items): dealt straight from the database instead of waiting. The applied ranking's best
 * open items in its stored order (or, before any ranking, a seeded run of open items), learn split
 * only — no holdout, gold, overlap or easy items, no pins or boosts, no spreading over the
 * embeddings: those need the view, and the claims after it is built get them. Same transaction and
 * same guards as every claim (the annotator's lock, renewal, budget, the rows locked and checked
 * once more), so a bridged lease is as safe as any.
 */
export interface BridgeDeps {
  db: Db;
  leaseSeconds: number;
  now: () => Date;
  /** Items other claims of this process chose but have not committed yet (item → annotator). */
  reservedBy(projectId: number): ReadonlyMap<number, number>;
  reserve(projectId: number, userId: number, itemIds: number[]): void;
  unreserve(projectId: number, userId: number, itemIds: number[]): void;
  /** Deals again after a race lost to a concurrent claim (a unique index), at most this often. */
  retries: number;
}

/** The caller's leases and why no more were dealt (a spent budget, a paused or stopped project), as any claim answers. */
export interface BridgeAnswer {
  leases: LeasedItem[];
  state: 'open' | 'budget' | 'paused' | 'stopped';
  message: string | null;
}

/** What the project lets the bridge do: deal, or only renew what the caller holds and say why not. */
export type BridgeMode = { kind: 'learn' } | { kind: 'paused' | 'stopped'; message: string };

/** Reads per claim: many claims at once after a start all begin at the ranking's top, and lose items to each other. */
const ROUNDS = 8;

/**
 * A claim dealt by the bridge, dealt again when a concurrent claim won a race for an item, with
 * its reservations dropped once committed (the leases speak for themselves then).
 */
export async function claimByBridge(
  deps: BridgeDeps, p: Principal, project: ProjectRow, mode: BridgeMode,
  settings: { budget: BudgetSettings; queue: { goldShare: number } }, signature: PoolSignature, held: number,
): Promise<BridgeAnswer | null> {
  for (let attempt = 0; ; attempt++) {
    const reserved: number[] = [];
    try {
      return await bridgeClaim(deps, p, project, mode, settings.budget, settings.queue.goldShare > 0, signature, held, reserved);
    } catch (e) {
      if ((isUniqueViolation(e) || isRetryableConflict(e)) && attempt < deps.retries) continue;
      throw e;
    } finally {
      deps.unreserve(project.id, p.userId, reserved);
    }
  }
}

/**
 * Tops the caller's leases up to `held` from the bridge, or answers null when it has nothing to
 * offer (everything left is holdout, gold, or held): the caller then waits for the view, which knows
 * more. A paused or stopped project renews what the caller holds and says so, as any claim does.
 */
async function bridgeClaim(
  deps: BridgeDeps, p: Principal, project: ProjectRow, mode: BridgeMode, budget: BudgetSettings, skipGold: boolean,
  signature: PoolSignature, held: number, reserved: number[],
): Promise<BridgeAnswer | null> {
  const { db } = deps;
  const projectId = project.id;
  // Paused or stopped: nothing to read but the caller's own leases.
  const dealing = mode.kind === 'learn';
  const head = !dealing || signature.rankingId === null ? undefined : await findRankingHead(db, signature.rankingId);
  const stream: Stream = head ? { kind: 'uncertain', strategy: head.strategy } : { kind: 'cold', method: 'random' };
  const t = deps.now();
  const expiresAt = new Date(t.getTime() + deps.leaseSeconds * 1000);
  const startAt = hashUnit(`${p.userId}:${t.getTime()}`, projectId);
  const candidates = (limit: number, exec = db as Parameters<typeof bridgeCandidates>[0]) =>
    bridgeCandidates(exec, projectId, p.userId, { rankingId: head?.id ?? null, limit, startAt, skipGold });
  // Read before the transaction, as a planned claim is: the lock is held only for the statements that make the leases safe.
  // (Awaited before the transaction opens: on PGlite, one connection, a read left pending would wait behind it.)
  const early = dealing ? await candidates(4 * held + deps.reservedBy(projectId).size + 8) : [];
  return lockedTransaction(db, projectId, p.userId, expireAndRenewOpening(projectId, p.userId, t, expiresAt), async (tx, mine) => {
    if (mode.kind !== 'learn') return { leases: mine, state: mode.kind, message: mode.message };
    const need = held - mine.length;
    if (need <= 0) return { leases: mine, state: 'open', message: null };
    const room = await budgetRoom(tx, projectId, p.userId, budget, need);
    if (room.kind === 'spent') return { leases: mine, state: 'budget', message: room.message };
    const tried = new Set<number>(mine.map((l) => l.itemId));
    const fresh: LeasedItem[] = [];
    for (let round = 0; round < ROUNDS && fresh.length < room.want; round++) {
      const others = deps.reservedBy(projectId);
      const rows = round === 0 ? early : await candidates(4 * (room.want - fresh.length) + others.size + tried.size + 8, tx);
      const chosen = rows.filter((c) => !tried.has(c.itemId) && (others.get(c.itemId) ?? p.userId) === p.userId).slice(0, room.want - fresh.length);
      // The first read is a few candidates read before the lock: concurrent claims may have taken them all. Read again.
      if (chosen.length === 0) {
        if (round === 0) continue;
        break;
      }
      for (const c of chosen) tried.add(c.itemId);
      const ids = chosen.map((c) => c.itemId);
      reserved.push(...ids);
      deps.reserve(projectId, p.userId, ids);
      const choices = chosen.map((c): LeaseChoice => ({
        itemId: c.itemId, kind: 'open', stream: stream.kind, detail: stream as Record<string, unknown>, rankingId: head?.id ?? null, score: c.score,
      }));
      fresh.push(...(await leaseChosenItems(tx, projectId, p.userId, expiresAt, choices)));
    }
    if (fresh.length === 0) return null;
    return { leases: [...mine, ...fresh], state: 'open', message: null };
  });
}
