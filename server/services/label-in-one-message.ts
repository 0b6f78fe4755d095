import type { Db } from '../../db/client';
import { guardedLabelCommit, leaseLockOpening, type GuardedLabelResult, type LabelCommit, type LabelGuard } from '../../db/queries/label-commit';
import { oneMessageTransaction } from '../../db/transactions';
import { can, PROJECT_ROLES, type UserRole } from '../../lib/roles';

/** Who may label, by lib/roles.ts, as the statement checks it: a user of `userRole` in any project, or a member with one of the roles. */
export function labelGuardOf(userRole: UserRole): LabelGuard {
  return {
    anyone: can({ userRole, projectRole: null }, 'project.label'),
    roles: PROJECT_ROLES.filter((projectRole) => can({ userRole, projectRole }, 'project.label')),
  };
}

/**
 * A label's whole transaction as one message on Postgres: `BEGIN`, the lease lock, the label's
 * one statement with the access check in it, `COMMIT` — one round trip where the general path
 * (server/services/labels.ts) takes two. The statement writes nothing unless the caller may label
 * there and the item has no standing answer to settle (db/queries/label-commit.ts says why), so
 * a refusal commits an empty transaction. Null on PGlite (no round trips to save).
 */
export async function labelInOneMessage(db: Db, c: LabelCommit, userRole: UserRole): Promise<GuardedLabelResult | null> {
  const guarded = guardedLabelCommit(c, labelGuardOf(userRole));
  const rows = await oneMessageTransaction(db, [...leaseLockOpening(c.leaseId).statements(), guarded.statement]);
  return rows && guarded.read(rows[1]);
}
