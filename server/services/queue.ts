import type { Db } from '../../db/client';
import { lockAnnotatorQueue, expireStaleLeases, insertLeases, pickFreeItems, renewActiveLeases, findLease, endLease, type LeasedItem } from '../../db/queries/leases';
import { TandemError } from '../../lib/errors';
import { countRankingEntries, findAppliedRanking } from '../../db/queries/rankings';
import type { Tx } from '../../db/client';
import { requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';

/**
 * The lease service: hands each annotator items one lease at a time. An item is
 * never held by two annotators: the claim locks candidate rows with
 * FOR UPDATE SKIP LOCKED and a unique index on active leases backs it up.
 * Dealing order today is the item's random deal key (the cold stream); the
 * ranking-driven streams plug in at `pickFreeItems`.
 */
export interface QueueOptions {
  leaseSeconds: number;
  now?: () => Date;
}

const MAX_HELD = 8;
const CLAIM_RETRIES = 8;

export function createQueueService(db: Db, opts: QueueOptions) {
  const now = opts.now ?? (() => new Date());
  const sizes = new Map<number, number>();

  async function claim(p: Principal, projectId: number, want: number): Promise<LeasedItem[]> {
    await requireProject(db, p, projectId, 'project.label');
    const held = Math.min(Math.max(want, 1), MAX_HELD);
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.transaction(async (tx) => {
          const t = now();
          const expiresAt = new Date(t.getTime() + opts.leaseSeconds * 1000);
          await lockAnnotatorQueue(tx, projectId, p.userId);
          await expireStaleLeases(tx, projectId, t);
          const mine = await renewActiveLeases(tx, projectId, p.userId, expiresAt);
          const need = held - mine.length;
          if (need <= 0) return mine;
          const ranking = await findAppliedRanking(tx, projectId);
          const picked = await pickFreeItems(tx, projectId, p.userId, need, ranking ? { id: ranking.id, size: await rankingSize(sizes, tx, ranking.id) } : undefined);
          const fresh = await insertLeases(tx, picked.map((x) => ({ projectId, itemId: x.itemId, userId: p.userId, stream: x.stream, rankingId: x.rankingId, score: x.score, expiresAt })));
          return [...mine, ...fresh];
        });
      } catch (e) {
        if (isUniqueViolation(e) && attempt < CLAIM_RETRIES) continue;
        throw e;
      }
    }
  }

  async function skip(p: Principal, projectId: number, leaseId: number): Promise<void> {
    await requireProject(db, p, projectId, 'project.label');
    await db.transaction(async (tx) => {
      const lease = await ownActiveLease(tx, p, projectId, leaseId);
      await endLease(tx, lease.id, 'skipped', now());
    });
  }

  return { claim, skip };
}

/** Ranking sizes never change once applied: each service counts each ranking once. */
async function rankingSize(sizes: Map<number, number>, tx: Tx, rankingId: number): Promise<number> {
  let n = sizes.get(rankingId);
  if (n === undefined) {
    n = await countRankingEntries(tx, rankingId);
    if (sizes.size > 1000) sizes.clear();
    sizes.set(rankingId, n);
  }
  return n;
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
