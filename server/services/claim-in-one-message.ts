import type { Db } from '../../db/client';
import { advisoryLock, oneMessageTransaction } from '../../db/transactions';
import { expireAndRenewOpening, leasedRows, type LeasedItem } from '../../db/queries/leases';
import { leaseChosenStatement, type LeaseChoice } from '../../db/queries/queue-state';

/** A claim whose transaction needs no answer before its last statement: what it takes, as planned outside it. */
export interface OneMessageClaim {
  projectId: number;
  userId: number;
  /** Active leases the caller may hold once the claim is done. */
  held: number;
  now: Date;
  expiresAt: Date;
  /** The planned leases, in the order they were dealt: none a lead's pin (its row is deleted in the transaction). */
  chosen: LeaseChoice[];
}

/**
 * The claim's transaction as one message on Postgres: the annotator's lock, expired leases back
 * to the pool and the caller's renewed, then the planned leases capped at the hold, and commit —
 * one round trip where the general transaction (server/services/queue.ts `commitClaim`) takes
 * three, each of which waits for a busy event loop and two shared cores. The statements and
 * their order are the general transaction's: the insert sees the renewal and locks each item
 * as `leaseChosenItems` does. Each statement is `EXECUTE` of one prepared on the connection
 * (db/pg-message.ts), so Postgres does not parse and plan them again for every claim. Answers
 * the caller's renewed leases and the new ones once committed, or null on PGlite (statements
 * there are calls in this process: nothing to save).
 */
export async function claimInOneMessage(db: Db, c: OneMessageClaim): Promise<{ mine: LeasedItem[]; fresh: LeasedItem[] } | null> {
  if (c.chosen.length === 0) return null;
  const rows = await oneMessageTransaction(db, [
    advisoryLock(c.projectId, c.userId),
    ...expireAndRenewOpening(c.projectId, c.userId, c.now, c.expiresAt).statements(),
    leaseChosenStatement(c.projectId, c.userId, c.expiresAt, c.chosen, c.held),
  ]);
  if (!rows) return null;
  return { mine: leasedRows({ rows: rows[1] }), fresh: leasedRows({ rows: rows[2] }) };
}
