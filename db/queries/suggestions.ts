import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { items, leases, rankingEntries, rankings } from '../schema';

/**
 * What the suggestion rule (lib/tasks/suggestion.ts) needs to know about one item, in one
 * statement: its split, whether it carries a reference answer, the asker's active lease on it,
 * and the applied ranking's prediction for it. Null when the item is not in the project.
 */
export async function findSuggestionFacts(db: Executor, projectId: number, itemId: number, userId: number) {
  const [row] = await db.select({
    split: items.split,
    hasReference: sql<boolean>`${items.referenceLabel} is not null`,
    leaseStream: leases.stream,
    predicted: rankingEntries.predicted,
    confidence: rankingEntries.confidence,
  }).from(items)
    .leftJoin(leases, and(eq(leases.itemId, items.id), eq(leases.userId, userId), eq(leases.state, 'active')))
    .leftJoin(rankings, and(eq(rankings.projectId, items.projectId), eq(rankings.status, 'applied')))
    .leftJoin(rankingEntries, and(eq(rankingEntries.rankingId, rankings.id), eq(rankingEntries.itemId, items.id)))
    .where(and(eq(items.projectId, projectId), eq(items.id, itemId)))
    .orderBy(desc(rankings.id)).limit(1);
  return row ?? null;
}
