import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import type { Opening } from '../transactions';
import { items, memberships, projects, users } from '../schema';
import type { ProjectRole } from '../../lib/roles';
import { isAnsweredState } from './answers';
import { shaped } from '../statement-shape';

export type ProjectRow = typeof projects.$inferSelect;

export async function insertProject(db: Executor, p: Pick<typeof projects.$inferInsert, 'slug' | 'name' | 'taskType' | 'classes' | 'taskConfig'>): Promise<ProjectRow> {
  const [row] = await db.insert(projects).values(p).returning();
  return row;
}

export async function findProject(db: Executor, ref: number | string): Promise<ProjectRow | undefined> {
  if (typeof ref === 'number') return (await prepared(db).byId.execute({ projectId: ref }))[0];
  const [row] = await db.select().from(projects).where(eq(projects.slug, ref));
  return row;
}

/**
 * The reads every claim and label makes (the access check), built once per executor: drizzle
 * otherwise builds their SQL anew on each call, which was a large share of what a claim left
 * for the garbage collector (docs/benchmarks.md).
 */
function buildPrepared(db: Executor) {
  const projectId = sql.placeholder('projectId');
  return {
    byId: db.select().from(projects).where(eq(projects.id, projectId)).prepare('tandem_project_by_id'),
    withRole: db.select({ p: projects, role: memberships.role }).from(projects)
      .leftJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, sql.placeholder('userId'))))
      .where(eq(projects.id, projectId)).prepare('tandem_project_with_role'),
  };
}
const preparedOn = new WeakMap<Executor, ReturnType<typeof buildPrepared>>();
function prepared(db: Executor): ReturnType<typeof buildPrepared> {
  let p = preparedOn.get(db);
  if (!p) preparedOn.set(db, (p = buildPrepared(db)));
  return p;
}

export async function listProjects(db: Executor): Promise<ProjectRow[]> {
  return db.select().from(projects).orderBy(asc(projects.id));
}

export async function listProjectsOfUser(db: Executor, userId: number): Promise<(ProjectRow & { role: ProjectRole })[]> {
  const rows = await db.select({ p: projects, role: memberships.role }).from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, userId)).orderBy(asc(projects.id));
  return rows.map((r) => ({ ...r.p, role: r.role }));
}

export async function findMembershipRole(db: Executor, projectId: number, userId: number): Promise<ProjectRole | null> {
  const [row] = await db.select({ role: memberships.role }).from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

/** The project and the caller's role in it, in one round trip (every request of an annotator asks both). */
export async function findProjectWithRole(db: Executor, projectId: number, userId: number): Promise<{ project: ProjectRow; role: ProjectRole | null } | undefined> {
  const [row] = await prepared(db).withRole.execute({ projectId, userId });
  return row && { project: row.p, role: row.role ?? null };
}

/**
 * The caller's role in a project as an opening statement, for an access check that travels in a
 * message with other statements on Postgres instead of a round trip of its own: the label reads
 * nothing else of the project there (its task is cached). Undefined: no such project; a null
 * role: the project exists and the caller is not a member.
 */
export function projectRoleOpening(projectId: number, userId: number): Opening<{ role: ProjectRole | null } | undefined> {
  if (!Number.isSafeInteger(projectId) || !Number.isSafeInteger(userId)) throw new RangeError(`project and user ids must be integers, got ${projectId}, ${userId}`);
  return {
    statements: () => [shaped('project-role', { projectId, userId }, (v) => sql`select m.role as member_role from ${projects} p
      left join ${memberships} m on m.project_id = p.id and m.user_id = ${v('userId')} where p.id = ${v('projectId')}`)],
    read: ([rows]) => {
      const [r] = rows as { member_role: string | null }[];
      return r && { role: (r.member_role as ProjectRole | null) ?? null };
    },
    run: async (tx) => {
      const [row] = await tx.select({ role: memberships.role }).from(projects)
        .leftJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, userId)))
        .where(eq(projects.id, projectId));
      return row && { role: row.role ?? null };
    },
  };
}

export async function upsertMembership(db: Executor, projectId: number, userId: number, role: ProjectRole): Promise<void> {
  await db.insert(memberships).values({ projectId, userId, role })
    .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role } });
}

export async function deleteMembership(db: Executor, projectId: number, userId: number): Promise<boolean> {
  const rows = await db.delete(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId))).returning({ u: memberships.userId });
  return rows.length > 0;
}

export async function listMembers(db: Executor, projectId: number) {
  return db.select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships).innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId)).orderBy(asc(users.id));
}

export interface ProjectCounts {
  items: number;
  pool: number;
  holdout: number;
  labeled: number;
  holdoutLabeled: number;
}

export async function countProjectItems(db: Executor, projectId: number): Promise<ProjectCounts> {
  const [row] = await db.select({
    items: sql<number>`count(*)::int`,
    pool: sql<number>`count(*) filter (where ${items.split} = 'pool')::int`,
    holdout: sql<number>`count(*) filter (where ${items.split} = 'holdout')::int`,
    labeled: sql<number>`count(*) filter (where ${isAnsweredState(sql`${items.status}`)})::int`,
    holdoutLabeled: sql<number>`count(*) filter (where ${isAnsweredState(sql`${items.status}`)} and ${items.split} = 'holdout')::int`,
  }).from(items).where(eq(items.projectId, projectId));
  return row;
}

/** What a project's items are, by split: changes only with an import. */
export async function countProjectTotals(db: Executor, projectId: number): Promise<Pick<ProjectCounts, 'items' | 'pool' | 'holdout'>> {
  const [row] = await db.select({
    items: sql<number>`count(*)::int`,
    pool: sql<number>`count(*) filter (where ${items.split} = 'pool')::int`,
    holdout: sql<number>`count(*) filter (where ${items.split} = 'holdout')::int`,
  }).from(items).where(eq(items.projectId, projectId));
  return row;
}

/**
 * The labeled counts and the newest import of a project, in one round trip: the labeled
 * items are read through the dealing index (project, status), not by a scan of every item.
 */
export async function countLabeledSinceImport(db: Executor, projectId: number): Promise<{ importId: number; labeled: number; holdoutLabeled: number }> {
  const [row] = (await db.execute(sql`
    select (select coalesce(max(id), 0) from imports where project_id = ${projectId}) as import_id,
           count(*)::int as labeled, (count(*) filter (where split = 'holdout'))::int as holdout_labeled
    from ${items} where project_id = ${projectId} and ${isAnsweredState(sql`status`)}`) as unknown as { rows: { import_id: unknown; labeled: unknown; holdout_labeled: unknown }[] }).rows;
  return { importId: Number(row.import_id), labeled: Number(row.labeled), holdoutLabeled: Number(row.holdout_labeled) };
}

/** Merges `set` into the project's settings and drops `unset`, in one statement (two leads at once lose nothing). */
export async function patchProjectSettings(db: Executor, projectId: number, set: Record<string, unknown>, unset: string[]): Promise<Record<string, unknown>> {
  const [row] = await db.update(projects)
    .set({ settings: sql`(${projects.settings} || ${JSON.stringify(set)}::jsonb) - ${`{${unset.join(',')}}`}::text[]` })
    .where(eq(projects.id, projectId)).returning({ settings: projects.settings });
  return row?.settings ?? {};
}

/** Replaces the project's guidelines (null: none). */
export async function setProjectGuidelines(db: Executor, projectId: number, guidelines: ProjectRow['guidelines']): Promise<void> {
  await db.update(projects).set({ guidelines }).where(eq(projects.id, projectId));
}

/** One member's role in the project, or null when they are not one. */
export async function findMembership(db: Executor, projectId: number, userId: number): Promise<ProjectRole | null> {
  const [row] = await db.select({ role: memberships.role }).from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

/** Which of these ids are items of the project. */
export async function projectItemIds(db: Executor, projectId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: items.id }).from(items).where(and(eq(items.projectId, projectId), inArray(items.id, ids)));
  return new Set(rows.map((r) => r.id));
}
