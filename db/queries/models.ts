import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { models, projects } from '../schema';

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

/** Points a project at a model (null: back to raw pixels), leaving its other settings as they are. */
export async function setProjectEmbeddingModel(db: Executor, projectId: number, modelId: number | null): Promise<void> {
  const settings = modelId === null
    ? sql`${projects.settings} - ${EMBEDDING_MODEL_SETTING}::text`
    : sql`jsonb_set(${projects.settings}, ${`{${EMBEDDING_MODEL_SETTING}}`}::text[], to_jsonb(${modelId}::int))`;
  await db.update(projects).set({ settings }).where(eq(projects.id, projectId));
}

/** Clears the setting in every project that names the model (before it is removed). */
export async function clearEmbeddingModelEverywhere(db: Executor, modelId: number): Promise<number> {
  const rows = await db.update(projects).set({ settings: sql`${projects.settings} - ${EMBEDDING_MODEL_SETTING}::text` })
    .where(sql`${projects.settings} -> ${EMBEDDING_MODEL_SETTING} = to_jsonb(${modelId}::int)`).returning({ id: projects.id });
  return rows.length;
}
