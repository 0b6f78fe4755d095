import { desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, imports, items } from '../schema';

export type ImportRow = typeof imports.$inferSelect;

/** Keeps the outcome of one import run (what was added, what failed and why) for the project's history. */
export async function recordImport(db: Executor, row: typeof imports.$inferInsert): Promise<ImportRow> {
  const [saved] = await db.insert(imports).values(row).returning();
  return saved;
}

/** The project's import runs, newest first. */
export async function listImports(db: Executor, projectId: number, limit = 50): Promise<ImportRow[]> {
  return db.select().from(imports).where(eq(imports.projectId, projectId)).orderBy(desc(imports.id)).limit(limit);
}

/**
 * A bulk import makes the planner's row counts stale by orders of magnitude:
 * until autovacuum catches up, Postgres can pick a nested-loop plan for the
 * export's anti-join (measured: 8 s instead of 11 ms for 10,000 labels).
 * ANALYZE samples a bounded number of rows, so this stays cheap at any size.
 */
export async function refreshPlannerStatistics(db: Executor): Promise<void> {
  await db.execute(sql`analyze ${items}, ${annotations}`);
}
