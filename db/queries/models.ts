import { and, asc, eq, isNotNull, like, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { items, models, projects } from '../schema';

export type ModelRow = typeof models.$inferSelect;

/** The project setting that names the embedding model a project's trainer uses. */
export const EMBEDDING_MODEL_SETTING = 'embeddingModel';

export async function insertModel(db: Executor, m: Omit<typeof models.$inferInsert, 'id' | 'createdAt'>): Promise<ModelRow> {
  const [row] = await db.insert(models).values(m).returning();
  return row;
}

export async function findModel(db: Executor, ref: number | string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(typeof ref === 'number' ? eq(models.id, ref) : eq(models.name, ref));
  return row;
}

export async function listModels(db: Executor): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(asc(models.id));
}

export async function deleteModel(db: Executor, id: number): Promise<boolean> {
  const rows = await db.delete(models).where(eq(models.id, id)).returning({ id: models.id });
  return rows.length > 0;
}

/** Projects whose embedding-model setting names this model. */
export async function listProjectsUsingModel(db: Executor, modelId: number): Promise<{ id: number; slug: string }[]> {
  return db.select({ id: projects.id, slug: projects.slug }).from(projects)
    .where(sql`${projects.settings} -> ${EMBEDDING_MODEL_SETTING} = to_jsonb(${modelId}::int)`).orderBy(asc(projects.id));
}

/**
 * Points a project at a model by id, or at a built-in extractor by its
 * `builtin:NAME` string (null: the setting goes, the server picks the
 * built-in), leaving its other settings as they are.
 */
export async function setProjectEmbeddingModel(db: Executor, projectId: number, model: number | string | null): Promise<void> {
  const path = `{${EMBEDDING_MODEL_SETTING}}`;
  const settings = model === null
    ? sql`${projects.settings} - ${EMBEDDING_MODEL_SETTING}::text`
    : typeof model === 'number'
      ? sql`jsonb_set(${projects.settings}, ${path}::text[], to_jsonb(${model}::int))`
      : sql`jsonb_set(${projects.settings}, ${path}::text[], to_jsonb(${model}::text))`;
  await db.update(projects).set({ settings }).where(eq(projects.id, projectId));
}

/** Projects whose embedding-model setting is this string (a built-in's `builtin:NAME`). */
export async function listProjectsUsingBuiltin(db: Executor, ref: string): Promise<{ id: number; slug: string }[]> {
  return db.select({ id: projects.id, slug: projects.slug }).from(projects)
    .where(sql`${projects.settings} -> ${EMBEDDING_MODEL_SETTING} = to_jsonb(${ref}::text)`).orderBy(asc(projects.id));
}

/** `limit` images of a project with their sizes, by content hash (a spread-out sample, read along the project's hash index): what the auto rule looks at. */
export async function sampleProjectImages(db: Executor, projectId: number, limit: number): Promise<{ media: string; width: number; height: number }[]> {
  const rows = await db.select({ media: items.media, width: items.width, height: items.height }).from(items)
    .where(and(eq(items.projectId, projectId), isNotNull(items.width), isNotNull(items.height), like(items.mediaType, 'image/%')))
    .orderBy(asc(items.contentHash)).limit(limit);
  return rows.map((r) => ({ media: r.media, width: r.width!, height: r.height! }));
}

/** Clears the setting in every project that names the model (before it is removed). */
export async function clearEmbeddingModelEverywhere(db: Executor, modelId: number): Promise<number> {
  const rows = await db.update(projects).set({ settings: sql`${projects.settings} - ${EMBEDDING_MODEL_SETTING}::text` })
    .where(sql`${projects.settings} -> ${EMBEDDING_MODEL_SETTING} = to_jsonb(${modelId}::int)`).returning({ id: projects.id });
  return rows.length;
}
