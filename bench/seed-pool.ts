/**
 * Synthetic large pools for the queue benches and the crash drill: a project
 * with `pool` items, an applied ranking over its pool items and synthetic
 * embeddings, seeded straight into a database before a real server starts on
 * it. The project is past cold start (100 labels, every class seen), so the
 * ranking is trusted and dealt from. Items are inserted with one `generate_series` statement and all point at
 * one tiny PNG stored once in the media store (the bench measures dealing, not
 * image bytes); the schema comes from the server's own migrations.
 */
import { PNG } from 'pngjs';
import { passwords } from '../server/services/passwords';
import { sql } from 'drizzle-orm';
import { migrateDatabase, type Database } from '../db/client';
import { upsertEmbeddings } from '../db/queries/embeddings';
import { createMediaStore } from '../server/media';

export const BENCH_PASSWORD = 'bench-password-1';
export const BENCH_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface PoolOptions {
  pool: number;
  annotators: number;
  /** Embedding width; 0 = no embeddings. */
  dim: number;
  holdoutShare?: number;
  /** Pool items labeled before the bench starts (default 100, 10 per class): the model is past cold start. */
  labeled?: number;
  slug?: string;
}

export interface SeededPool {
  projectId: number;
  annotatorEmails: string[];
  leadEmail: string;
  password: string;
  rankingId: number;
  embeddingSpace: string | null;
  /** Milliseconds per seeding phase and in all. */
  ms: { migrate: number; users: number; items: number; ranking: number; embeddings: number; analyze: number; checkpoint: number; total: number };
  /** Whether the seed's pages were written by a checkpoint before the server started (needs a superuser or pg_checkpoint on Postgres). */
  checkpointed: boolean;
}

const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));

/** A 28×28 grey PNG: the one image every synthetic item shows. */
export function tinyPng(): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.alloc(784, 128);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

export async function seedPool(database: Database, mediaRoot: string, opts: PoolOptions): Promise<SeededPool> {
  const t0 = Date.now();
  const lap = (() => { let t = Date.now(); return () => { const d = Date.now() - t; t = Date.now(); return d; }; })();
  const db = database.db;
  const exec = (q: ReturnType<typeof sql>) => db.execute(q);

  await migrateDatabase(database);
  const migrate = lap();

  // People: one bcrypt hash shared by everyone (hashing 50 passwords at cost 10 would dominate a small seed).
  const hash = await passwords.hash(BENCH_PASSWORD);
  const slug = opts.slug ?? 'bench-queue';
  const [project] = rows<{ id: number }>(await exec(sql`
    insert into projects (slug, name, task_type, classes, settings)
    values (${slug}, 'Queue bench', 'classification', ${JSON.stringify(BENCH_CLASSES)}::jsonb, '{}'::jsonb) returning id`));
  const projectId = Number(project.id);
  await exec(sql`insert into users (email, name, password_hash, role) values ('admin@bench.local', 'admin', ${hash}, 'admin')`);
  const leadEmail = 'lead@bench.local';
  const annotatorEmails = Array.from({ length: opts.annotators }, (_, i) => `ann${String(i + 1).padStart(3, '0')}@bench.local`);
  let leadId = 0;
  for (const [email, role] of [[leadEmail, 'lead'], ...annotatorEmails.map((e) => [e, 'annotator'])]) {
    const [u] = rows<{ id: number }>(await exec(sql`insert into users (email, name, password_hash, role) values (${email}, ${email.split('@')[0]}, ${hash}, 'user') returning id`));
    await exec(sql`insert into memberships (project_id, user_id, role) values (${projectId}, ${u.id}, ${role})`);
    if (role === 'lead') leadId = Number(u.id);
  }
  const users = lap();

  // Items: one statement. Content hashes must be unique per project; the media file is shared.
  const { key } = await createMediaStore(mediaRoot).put(tinyPng(), 'png');
  const holdout = opts.holdoutShare ?? 0.1;
  await exec(sql`
    insert into items (project_id, media, media_type, content_hash, source_name, group_key, split, status, deal_key, reference_label, width, height)
    select ${projectId}, ${key}, 'image/png', 'bench-' || g, 'synthetic/' || g || '.png', 'g' || (g / 4),
      case when abs(hashtext('h' || (g / 4)) % 1000) < ${Math.round(holdout * 1000)} then 'holdout' else 'pool' end,
      'open', random(), (g % 10)::text, 28, 28
    from generate_series(1, ${opts.pool}::int) g`);
  // Past cold start: `labeled` pool items (every class) carry a human label, as after a first session,
  // so the ranking below is trusted and dealing follows it (the figure is about ranked dealing).
  const labeled = opts.labeled ?? 100;
  await exec(sql`
    insert into annotations (project_id, item_id, user_id, action, payload, source, client_key)
    select ${projectId}, id, ${leadId}, 'label', jsonb_build_object('label', (id % 10)::text), 'human', 'seed-' || id
    from (select id from items where project_id = ${projectId} and split = 'pool' order by id limit ${labeled}) x`);
  await exec(sql`update items set status = 'resolved' where id in (select item_id from annotations where project_id = ${projectId})`);
  const itemsMs = lap();

  // An applied ranking over every pool item, as the worker endpoints leave it: a model version, entries with
  // 0-based positions by score (highest first), predicted class, confidence and uncertainty, and the embedding space named.
  const space = opts.dim > 0 ? `bench:synthetic-${opts.dim}` : null;
  const [mv] = rows<{ id: number }>(await exec(sql`
    insert into model_versions (project_id, label_count, backend, model, metrics)
    values (${projectId}, ${labeled}, 'bench', 'synthetic', '{}'::jsonb) returning id`));
  const [rk] = rows<{ id: number }>(await exec(sql`
    insert into rankings (project_id, model_version_id, strategy, label_count, embedding_space, status)
    values (${projectId}, ${mv.id}, 'entropy', ${labeled}, ${space}, 'applied') returning id`));
  const rankingId = Number(rk.id);
  await exec(sql`
    insert into ranking_entries (ranking_id, item_id, position, score, predicted, confidence, uncertainty, chunk)
    select ${rankingId}, id, (row_number() over (order by s desc, id))::int - 1, s, (id % 10)::text, 1 - s * 0.9, s, 0
    from (select id, random()::real as s from items where project_id = ${projectId} and split = 'pool' and status = 'open') x`);
  const ranking = lap();

  // Synthetic embeddings: 64 clusters with noise, so "diverse" has something to spread over.
  if (space) {
    const [range] = rows<{ lo: string; hi: string }>(await exec(sql`select min(id) as lo, max(id) as hi from items where project_id = ${projectId}`));
    const lo = Number(range.lo), hi = Number(range.hi);
    let s = 12345;
    const rnd = () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff; };
    const centres = Array.from({ length: 64 }, () => Array.from({ length: opts.dim }, () => rnd() * 2 - 1));
    const chunk = 20_000;
    for (let a = lo; a <= hi; a += chunk) {
      const batch: { itemId: number; vector: number[] }[] = [];
      for (let id = a; id < Math.min(a + chunk, hi + 1); id++) {
        const c = centres[id % 64];
        batch.push({ itemId: id, vector: c.map((x) => x + (rnd() - 0.5) * 0.3) });
      }
      await upsertEmbeddings(db, projectId, space, batch);
    }
  }
  const embeddings = lap();

  // Vacuumed as well as analyzed: a million fresh rows would otherwise start autovacuum (its
  // insert threshold) in the middle of the measurement, as they never would on a server in use.
  await exec(sql`vacuum analyze`);
  const analyze = lap();
  // The same for the seed's dirty pages: written by a checkpoint now rather than by one that the
  // seed's gigabytes of WAL set off and that spreads its writes over the next minutes, through the
  // measurement. Needs a superuser (or pg_checkpoint); without one the run says so and goes on.
  let checkpointed = true;
  try {
    await exec(sql`checkpoint`);
  } catch (e) {
    checkpointed = false;
    process.stderr.write(`seed: no checkpoint after the seed (${e instanceof Error ? e.message : String(e)}): the seed's writes may overlap the measurement\n`);
  }
  const checkpoint = lap();
  return {
    projectId, annotatorEmails, leadEmail, password: BENCH_PASSWORD, rankingId, embeddingSpace: space, checkpointed,
    ms: { migrate, users, items: itemsMs, ranking, embeddings, analyze, checkpoint, total: Date.now() - t0 },
  };
}
