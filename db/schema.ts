import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey,
  real, serial, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer)),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'user'] }).notNull().default('user'),
  /** Carried in every session token at login; raising it (logout, a new password) ends every session of the user. */
  sessionVersion: integer('session_version').notNull().default(0),
  createdAt: createdAt(),
});

export const projects = pgTable('projects', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  taskType: text('task_type', { enum: ['classification', 'boxes', 'keypoints'] }).notNull(),
  /** Class names (classification, box classes; a keypoint project's category). */
  classes: jsonb('classes').$type<string[]>().notNull(),
  /** The rest of the task type's config (a keypoint skeleton); `lib/tasks` `taskOfProject` reads both. */
  taskConfig: jsonb('task_config').$type<Record<string, unknown>>().notNull().default({}),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** A lead paused dealing: open leases stay, no new item is dealt until resumed. */
  paused: boolean('paused').notNull().default(false),
  /** Set by the server when a stopping target or the budget stopped the project (lib/queue/stopping.ts); null while it runs. */
  stopped: jsonb('stopped').$type<{ reason: string; message: string; at: string; modelVersionId?: number | null } | null>(),
  /** The labeling instructions (lib/protocol/guidelines.ts `Guidelines`: Markdown and example items per class); null: none yet. */
  guidelines: jsonb('guidelines').$type<{ markdown: string; examples: Record<string, number[]>; updatedAt: string } | null>(),
  createdAt: createdAt(),
});

export const memberships = pgTable('memberships', {
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ['lead', 'annotator'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.projectId, t.userId] })]);

export const items = pgTable('items', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  /** Path of the media file inside the media store, named by its content hash. */
  media: text('media').notNull(),
  mediaType: text('media_type').notNull(),
  contentHash: text('content_hash').notNull(),
  /** Where the item came from (file path relative to the import root), for export and error reports. */
  sourceName: text('source_name').notNull(),
  groupKey: text('group_key').notNull(),
  split: text('split', { enum: ['pool', 'holdout'] }).notNull(),
  /**
   * Where the item's answer stands (lib/agreement/item-state.ts): open, no standing answer; collecting,
   * answered while another overlap or gold lease is still out; disputed, answers disagree and no
   * confident consensus or lead decision settles them; resolved, one answer, agreeing answers, a
   * confident consensus or a lead's decision. Kept in step with annotations in one transaction.
   */
  status: text('status', { enum: ['open', 'collecting', 'disputed', 'resolved'] }).notNull().default('open'),
  /** A stable random number: dealing order when no ranking applies. */
  dealKey: doublePrecision('deal_key').notNull(),
  /** A known answer from the import, never shown to annotators (gold items, simulation). */
  referenceLabel: text('reference_label'),
  /** A known answer of a spatial task from the import (lib/tasks `Answer`, encoded), never shown: simulation and scoring. */
  referenceAnswer: jsonb('reference_answer').$type<Record<string, unknown> | null>(),
  width: integer('width'),
  height: integer('height'),
  /** Position inside the group (a frame of a video); null for a still image. */
  frameIndex: integer('frame_index'),
  /** Seconds from the start of the group (a video frame's time). */
  frameTime: real('frame_time'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('items_project_hash').on(t.projectId, t.contentHash),
  index('items_dealing').on(t.projectId, t.status, t.dealKey),
  // The items page's pages by id (keyset, newest first) within one project, and within one state:
  // without them a project among others scans the primary key, and a rare state scans the project.
  index('items_project_id').on(t.projectId, t.id),
  index('items_project_status_id').on(t.projectId, t.status, t.id),
]);

export const leases = pgTable('leases', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** Which stream dealt it (cold, uncertain, easy, overlap, gold, holdout, redo). */
  stream: text('stream').notNull(),
  rankingId: bigint('ranking_id', { mode: 'number' }),
  score: real('score'),
  /** The full stream record (lib/queue/streams.ts `Stream`): why the item was dealt. */
  detail: jsonb('detail').$type<Record<string, unknown> | null>(),
  state: text('state', { enum: ['active', 'completed', 'released', 'skipped', 'expired'] }).notNull().default('active'),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
}, (t) => [
  // The database itself refuses a second active lease on one item, except the
  // copies a stream deals on purpose (overlap for agreement, gold); and never
  // two active leases of one item to one annotator.
  uniqueIndex('leases_one_exclusive_per_item').on(t.itemId).where(sql`state = 'active' and stream not in ('overlap', 'gold')`),
  uniqueIndex('leases_one_per_user_item').on(t.itemId, t.userId).where(sql`state = 'active'`),
  index('leases_user_active').on(t.projectId, t.userId, t.state),
  // An annotator's newest leases first (stream history, batch counter) without sorting all of them.
  index('leases_user_recent').on(t.projectId, t.userId, t.id),
  // The items page's "dealt by stream" filter: the items a (rare) stream dealt, in item order.
  index('leases_project_stream_item').on(t.projectId, t.stream, t.itemId),
]);

export const annotations = pgTable('annotations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  /** label: a new version of the item's label; retract: undoes the version named in `retracts`. */
  action: text('action', { enum: ['label', 'retract'] }).notNull(),
  /** The answer as `db/queries/answers.ts` encodes it (null for a retract). */
  payload: jsonb('payload').$type<Record<string, unknown> | null>(),
  /** human: an annotator; review: a lead's decision or correction; consensus: computed from the answers. */
  source: text('source', { enum: ['human', 'model', 'consensus', 'import', 'review'] }).notNull(),
  /** Why a lead decided or corrected (source review); what a consensus was computed by. */
  reason: text('reason'),
  /** A consensus version's posterior for its answer, in [0, 1]. */
  confidence: real('confidence'),
  /** How the answer was reached from its prelabel (lib/tasks `EditRecord`); null when there was none. */
  edit: jsonb('edit').$type<Record<string, unknown> | null>(),
  retracts: bigint('retracts', { mode: 'number' }),
  leaseId: bigint('lease_id', { mode: 'number' }),
  /** Chosen by the client so a retried submit is recognised and not stored twice. */
  clientKey: text('client_key'),
  createdAt: createdAt(),
}, (t) => [
  index('annotations_item').on(t.itemId, t.id),
  index('annotations_project_user').on(t.projectId, t.userId, t.id),
  uniqueIndex('annotations_client_key').on(t.userId, t.clientKey),
  // "Does a retraction name this version?" is asked by every current-label query.
  index('annotations_retracts').on(t.retracts),
  // The items page's "newest answer first" order and its date range, as a keyset over (time, id).
  index('annotations_project_time').on(t.projectId, t.createdAt, t.id),
  // The items page's class filter: the items with an answer of a class, from the index alone. The
  // expression is db/queries/answers.ts `classLabelSql`, which the planner must match to use it.
  index('annotations_project_class').on(t.projectId, sql`(${t.payload}->>'label')`, t.itemId).where(sql`${t.action} = 'label'`),
]);

/**
 * A starting point for an item's answer that no person gave: one imported with the data, or a
 * model's prediction. The editor draws it; Enter accepts it as it is. The newest per item wins.
 */
export const prelabels = pgTable('prelabels', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  source: text('source', { enum: ['import', 'model'] }).notNull(),
  modelVersionId: bigint('model_version_id', { mode: 'number' }),
  /** Encoded like an annotation's payload (db/queries/answers.ts). */
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, (t) => [index('prelabels_item').on(t.itemId, t.id)]);

/** Tokens trainers present on the worker protocol; only their SHA-256 is kept. */
export const workerTokens = pgTable('worker_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** Projects the token may train; null: all. */
  projectIds: jsonb('project_ids').$type<number[] | null>(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
});

/**
 * A retrain of one project. A claim is a lease: an expired claim (a crashed
 * or hung worker) goes back to `queued` for the next worker.
 */
export const trainingJobs = pgTable('training_jobs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  state: text('state', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  labelCount: integer('label_count').notNull(),
  attempts: integer('attempts').notNull().default(0),
  workerTokenId: integer('worker_token_id').references(() => workerTokens.id, { onDelete: 'set null' }),
  worker: text('worker'),
  leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
  progress: jsonb('progress').$type<{ phase: string; done: number; total: number } | null>(),
  error: text('error'),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  index('training_jobs_project_state').on(t.projectId, t.state),
  // One open job per project: labels arriving meanwhile wait for the next one.
  uniqueIndex('training_jobs_one_open').on(t.projectId).where(sql`state in ('queued', 'running')`),
]);

export const modelVersions = pgTable('model_versions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  jobId: bigint('job_id', { mode: 'number' }).references(() => trainingJobs.id, { onDelete: 'set null' }),
  labelCount: integer('label_count').notNull(),
  backend: text('backend').notNull(),
  model: text('model').notNull().default(''),
  // Numbers (holdout metrics) and, from newer trainers, the evidence objects (HoldoutMetrics in lib/protocol/worker.ts).
  metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const rankings = pgTable('rankings', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  modelVersionId: bigint('model_version_id', { mode: 'number' }).references(() => modelVersions.id),
  jobId: bigint('job_id', { mode: 'number' }).references(() => trainingJobs.id, { onDelete: 'set null' }),
  strategy: text('strategy').notNull(),
  /** Labels the model behind this ranking had seen: staleness = labels now − this. */
  labelCount: integer('label_count').notNull(),
  /** The embedding space (see `embeddings.space`) the trainer's features live in; the dealer spreads batches in it. */
  embeddingSpace: text('embedding_space'),
  /**
   * How many entries at the top are the strategy's batch in pick order (CompleteJobRequest.lead): while
   * `auto` does not trust the model yet the dealer hands these out as they are, before its own cold stream.
   */
  lead: integer('lead').notNull().default(0),
  status: text('status', { enum: ['receiving', 'applied', 'superseded'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [index('rankings_project_status').on(t.projectId, t.status)]);

export const rankingEntries = pgTable('ranking_entries', {
  rankingId: bigint('ranking_id', { mode: 'number' }).notNull().references(() => rankings.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  score: real('score').notNull(),
  predicted: text('predicted'),
  confidence: real('confidence'),
  /** The model's uncertainty about the item in [0, 1] (RankingEntry.uncertainty); null from a trainer that does not send it. */
  uncertainty: real('uncertainty'),
  /** Which uploaded chunk brought the entry (a re-sent chunk replaces its own entries). */
  chunk: integer('chunk').notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.rankingId, t.itemId] }),
  index('ranking_entries_order').on(t.rankingId, t.position),
  // The items page's "most uncertain first" order and its uncertainty range, as a keyset over (uncertainty, item).
  index('ranking_entries_uncertainty').on(t.rankingId, t.uncertainty, t.itemId),
]);

/** Yjs documents are stored as a log of updates, compacted when the last client leaves. */
export const yjsUpdates = pgTable('yjs_updates', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  docName: text('doc_name').notNull(),
  update: bytea('update').notNull(),
  createdAt: createdAt(),
}, (t) => [index('yjs_updates_doc').on(t.docName, t.id)]);

export const imports = pgTable('imports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  source: text('source').notNull(),
  added: integer('added').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  failed: jsonb('failed').$type<{ file: string; reason: string }[]>().notNull().default([]),
  createdAt: createdAt(),
});

/**
 * User-supplied ONNX models (`tandem model add`). The file lives in the media
 * store under its SHA-256 (`media`); `spec` is lib/model/onnx-spec.ts's
 * EmbeddingModelSpec. A project uses one through its `embeddingModel` setting.
 */
export const models = pgTable('models', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['embedding'] }).notNull(),
  sha256: text('sha256').notNull(),
  media: text('media').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/**
 * One vector per item in a named embedding space (a frozen extractor: e.g.
 * `pca50:<sha>` or `onnx:<sha>`), uploaded by the trainer once per space.
 * `vector` is little-endian float32, `dim` floats.
 */
export const embeddings = pgTable('embeddings', {
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  space: text('space').notNull(),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  dim: integer('dim').notNull(),
  vector: bytea('vector').notNull(),
}, (t) => [primaryKey({ columns: [t.projectId, t.space, t.itemId] })]);

/**
 * A lead's steering of single items: pin (deal next, to anyone), boost (deal
 * before the ranking's other items), exclude (never deal). Re-queue is an
 * action, not a state: it retracts nothing, it ends the item's leases and pins it.
 */
export const queueControls = pgTable('queue_controls', {
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  action: text('action', { enum: ['pin', 'boost', 'exclude'] }).notNull(),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.projectId, t.itemId] })]);

/**
 * An item someone should look at again: an annotator's flag (unclear, broken, no class fits), or one
 * the server raised (a resolved label the model confidently disagrees with, a weak consensus). The
 * lead's review list reads the open ones; `resolvedAt` closes one.
 */
export const itemFlags = pgTable('item_flags', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['annotator', 'noisy-label', 'weak-consensus', 'sent-back'] }).notNull(),
  /** annotator flags: unclear | broken | no-class; sent-back: the lead's note; server flags: the evidence's short name. */
  reason: text('reason').notNull(),
  comment: text('comment'),
  /** How much the flag matters (model confidence × how often the item's neighbours are picked); higher first. */
  priority: real('priority').notNull().default(0),
  detail: jsonb('detail').$type<Record<string, unknown> | null>(),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
}, (t) => [
  index('item_flags_open').on(t.projectId, t.resolvedAt, t.priority),
  index('item_flags_item').on(t.itemId),
  // One open server flag of a kind per item: a recompute updates it instead of adding another.
  uniqueIndex('item_flags_one_open_server_flag').on(t.itemId, t.kind).where(sql`resolved_at is null and kind <> 'annotator'`),
]);

/**
 * The project's agreement as last computed (lib/agreement): coefficients, per-annotator reliability
 * and noisy verdicts, per-class agreement. One row per recompute that changed something, so the lead's
 * charts show agreement over time.
 */
export const agreementSnapshots = pgTable('agreement_snapshots', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  answers: integer('answers').notNull(),
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, (t) => [index('agreement_snapshots_project').on(t.projectId, t.id)]);

/**
 * A remark on an item by someone who may see it (a lead's note, an annotator's question); an
 * annotator's flag carries its own comment in `item_flags`.
 */
export const itemComments = pgTable('item_comments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'cascade' }),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  body: text('body').notNull(),
  createdAt: createdAt(),
}, (t) => [index('item_comments_item').on(t.itemId, t.id)]);

/**
 * A one-time link that makes its holder a user and a member of a project with the invited role.
 * Only the SHA-256 of the token is kept: the link is shown once to whoever made it. Used once
 * (`usedAt`), and not after `expiresAt`; `revokedAt` withdraws it.
 */
export const invites = pgTable('invites', {
  id: serial('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  projectId: integer('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  role: text('role', { enum: ['lead', 'annotator'] }).notNull(),
  invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  /** The user the invite made (set with usedAt). */
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('invites_project').on(t.projectId, t.id)]);
