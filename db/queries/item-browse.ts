import { sql, type SQL } from 'drizzle-orm';
import { isTrainable, isStanding, classLabelSql, resolvedFirst, annotationAlias, PEOPLE_SOURCES } from './answers';
import type { Executor } from '../client';
import type { ItemState } from '../../lib/agreement/item-state';
import type { Cursor, ItemSort } from '../../lib/protocol/items';

/**
 * The items page's one query: a page of a project's items under any filter, in one of three
 * orders, by keyset (the page after the last row's sort value and id; never an OFFSET, so page
 * 500 costs what page 1 does). Each order walks its own index (db/migrations/0011):
 *
 * - id: `items (project_id, id)`, or `(project_id, status, id)` for one state;
 * - newest: `annotations (project_id, created_at, id)`: every item at its newest answer version;
 * - uncertainty: `ranking_entries (ranking_id, uncertainty, item_id)` of the newest applied ranking.
 *
 * Filters are `exists` probes on indexed columns, so a selective one is served from its own side
 * (a stream's leases, a user's answers, the open flags) when the planner finds that cheaper. The
 * resolved class needs the item's standing answers: it is checked on the walk's rows in bounded
 * batches (`pageKeys`), never on every candidate before a sort; the walk itself skips items with no
 * answer of the class at all (a hashed set from `annotations_project_class`, migration 0013), so
 * the costly check runs on few rows beyond the page.
 */

export interface BrowseFilter {
  status?: ItemState[];
  split?: 'pool' | 'holdout';
  stream?: string;
  class?: string;
  predicted?: string;
  annotator?: number;
  disputed?: boolean;
  flagged?: boolean;
  uncertaintyMin?: number;
  uncertaintyMax?: number;
  from?: Date;
  to?: Date;
}

export interface BrowseRow {
  id: number;
  /** The row's place in its order: [sort value, id] for the next page's cursor. */
  key: Cursor;
  status: ItemState;
  split: 'pool' | 'holdout';
  width: number | null;
  height: number | null;
  sourceName: string;
  /** Standing answers people gave (annotators, imports). */
  answers: number;
  answeredAt: Date | null;
  /** The standing answer the item resolves to (read only for trainable states) and where it came from. */
  resolved: { payload: unknown; source: string } | null;
  predicted: { label: string | null; confidence: number | null; uncertainty: number | null } | null;
  openFlags: number;
}

const A = annotationAlias('a');

/** The newest label version of the item `a` names (no later label version of it exists). */
const isNewestVersion = (a: string) => sql.raw(`not exists (select 1 from annotations nb where nb.item_id = ${a}.item_id and nb.action = 'label' and nb.id > ${a}.id)`);

/** A time column within the filter's range. */
function answeredIn(f: BrowseFilter, t: SQL): SQL {
  return sql.join([
    ...(f.from ? [sql`${t} >= ${f.from.toISOString()}::timestamptz`] : []),
    ...(f.to ? [sql`${t} < ${f.to.toISOString()}::timestamptz`] : []),
  ], sql` and `);
}

/**
 * The filters in two kinds: cheap ones (a column, an indexed probe) that the ordered walk checks as
 * it goes, and the resolved class, which reads the item's standing answers and is checked only on
 * rows the walk already let through (see `pageKeys`).
 */
function filters(projectId: number, rankingId: number | null, f: BrowseFilter, sort: ItemSort): { cheap: SQL[]; costly: SQL[]; states: (alias: string) => SQL[]; withClass: SQL | null } {
  const w: SQL[] = [sql`i.project_id = ${projectId}`];
  const costly: SQL[] = [];
  const states = f.disputed ? (f.status ? f.status.filter((s) => s === 'disputed') : ['disputed']) : f.status;
  /** The item-state conditions alone (a column of items): what a raw walk can check before it probes anything else. */
  const stateConds = (alias: string): SQL[] => {
    const col = sql.raw(`${alias}.status`);
    const out: SQL[] = [];
    if (states) out.push(states.length ? sql`${col} in (${sql.join(states.map((s) => sql`${s}`), sql`, `)})` : sql`false`);
    if (f.class !== undefined) out.push(isTrainable(col));
    return out;
  };
  w.push(...stateConds('i'));
  if (f.split) w.push(sql`i.split = ${f.split}`);
  if (f.stream) w.push(sql`exists (select 1 from leases l where l.project_id = ${projectId} and l.stream = ${f.stream} and l.item_id = i.id)`);
  if (f.annotator !== undefined) {
    w.push(sql`exists (select 1 from annotations ua where ua.item_id = i.id and ua.user_id = ${f.annotator} and ua.action = 'label')`);
  }
  if (f.flagged !== undefined) {
    const open = sql`select 1 from item_flags fl where fl.item_id = i.id and fl.resolved_at is null`;
    w.push(f.flagged ? sql`exists (${open})` : sql`not exists (${open})`);
  }
  if (f.class !== undefined) {
    // The class of the answer the item resolves to; disputed and open items have none (see stateConds).
    costly.push(sql`(select ${classLabelSql(A.payload)} from annotations a where a.item_id = i.id and ${isStanding(A)} order by ${resolvedFirst(A)} limit 1) = ${f.class}`);
  }
  if (f.from || f.to) {
    // Answered in the range: in the newest order, the newest answer (the walk is over those); in the
    // id order the walk itself starts from the answers in the range (`walkOf`); otherwise the answers
    // in the range (an index range) name the candidates.
    if (sort === 'newest') w.push(answeredIn(f, sql`x.created_at`));
    else if (sort === 'uncertainty') {
      w.push(sql`i.id in (select d.item_id from annotations d where d.project_id = ${projectId} and d.action = 'label' and ${answeredIn(f, sql`d.created_at`)})`);
    }
  }
  // In the uncertainty order the walk is over the ranking's entries themselves (alias x).
  const re = sql.raw(sort === 'uncertainty' ? 'x' : 're');
  const model: SQL[] = [];
  if (f.predicted !== undefined) model.push(sql`${re}.predicted = ${f.predicted}`);
  if (f.uncertaintyMin !== undefined) model.push(sql`${re}.uncertainty >= ${f.uncertaintyMin}`);
  if (f.uncertaintyMax !== undefined) model.push(sql`${re}.uncertainty <= ${f.uncertaintyMax}`);
  if (model.length) {
    if (rankingId === null) w.push(sql`false`);
    else if (sort === 'uncertainty') w.push(...model);
    else w.push(sql`exists (select 1 from ranking_entries re where re.ranking_id = ${rankingId} and re.item_id = i.id and ${sql.join(model, sql` and `)})`);
  }
  // A superset of the class filter's items that a walk checks as cheaply as a state: the items with
  // any answer of the class (annotations_project_class, read from the index alone).
  const withClass = f.class === undefined ? null
    : sql`select c.item_id from annotations c where c.project_id = ${projectId} and c.action = 'label' and ${classLabelSql(sql.raw('c.payload'))} = ${f.class}`;
  return { cheap: w, costly, states: stateConds, withClass };
}

/** The ordered walk of one sort: its select (id, k, kid, and with `raw` the row's verdict `pass`) and its order. */
interface Walk { select: SQL; order: SQL }

/**
 * The walk of each sort over its own index.
 *
 * - `filtered`: the filters sit in the walk's WHERE and the planner serves a selective one from its
 *   own side; one query of `limit + 1` rows.
 * - `raw` (a costly filter applies): the walk reads its index in order, the item by its primary key
 *   (a lateral probe Postgres cannot turn into a hash join over every candidate, which it misjudges
 *   when the filters correlate), and every filter becomes the row's `pass`; `pageKeys` reads it in
 *   bounded batches.
 *
 * Items answered in a date range, in the id order, are walked from those answers (an index range)
 * with a nested loop to the items: a merge against the whole items index would read every item
 * newer than the range first.
 */
function walkOf(projectId: number, rankingId: number | null, f: BrowseFilter, sort: ItemSort, after: Cursor | undefined, mode: 'filtered' | 'raw'): Walk | null {
  const { cheap, costly, states, withClass } = filters(projectId, rankingId, f, sort);
  const every = [...cheap, ...costly];
  const where = mode === 'filtered' ? [...cheap] : [];
  // A raw walk still skips items in other states before probing them: over the items themselves
  // (the id order) as a column, over the ranking (the uncertainty order) as a hashed set of the
  // project's items in those states (answered items are few in a large pool).
  // Inside coalesce an IN stays a hashed subplan (built once per query) instead of becoming a join
  // that probes every walked entry's item by its key.
  const hashedIn = (col: SQL, set: SQL) => sql`coalesce(${col} in (${set}), false)`;
  const stateWhere = (walkAlias: 'i' | 'x'): SQL[] => {
    if (mode !== 'raw') return [];
    const col = sql.raw(walkAlias === 'i' ? 'i.id' : 'x.item_id');
    const out: SQL[] = withClass ? [hashedIn(col, withClass)] : [];
    if (states('s').length === 0) return out;
    return [...(walkAlias === 'i' ? states('i') : [hashedIn(col, sql`select s.id from items s where s.project_id = ${projectId} and ${sql.join(states('s'), sql` and `)}`)]), ...out];
  };
  const pass = mode === 'raw' ? sql`, (${sql.join(every, sql` and `)}) as pass` : sql``;
  const probe = sql`cross join lateral (select i.id, i.project_id, i.status, i.split from items i where i.id = x.item_id offset 0) i`;
  const and = (conds: SQL[]) => (conds.length ? sql` and ${sql.join(conds, sql` and `)}` : sql``);
  switch (sort) {
    case 'id': {
      if (after) where.push(sql`i.id < ${after[1]}`);
      if (f.from || f.to) {
        return {
          select: sql`
            select x.item_id as id, null::text as k, x.item_id as kid ${pass}
            from (select distinct d.item_id from annotations d where d.project_id = ${projectId} and d.action = 'label' and ${answeredIn(f, sql`d.created_at`)}) x
            ${probe}
            where true ${and(where)}`,
          order: sql`id desc`,
        };
      }
      return { select: sql`select i.id, null::text as k, i.id as kid ${pass} from items i where i.project_id = ${projectId} ${and([...where, ...stateWhere('i')])}`, order: sql`id desc` };
    }
    case 'newest': {
      if (after) {
        if (typeof after[0] !== 'string') return null;
        where.push(sql`(x.created_at, x.id) < (${after[0]}::timestamptz, ${after[1]}::bigint)`);
      }
      // The range of a date filter is the walk's own index range, whatever the mode.
      if (mode === 'raw' && (f.from || f.to)) where.push(answeredIn(f, sql`x.created_at`));
      return {
        select: sql`
          select x.item_id as id, x.created_at as t, to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k, x.id as kid ${pass}
          from annotations x ${mode === 'raw' ? probe : sql`join items i on i.id = x.item_id`}
          where x.project_id = ${projectId} and x.action = 'label' and ${isNewestVersion('x')} ${and([...where, ...(withClass && mode === 'raw' ? [hashedIn(sql.raw('x.item_id'), withClass)] : [])])}`,
        order: sql`t desc, kid desc`,
      };
    }
    case 'uncertainty': {
      if (rankingId === null) return null;
      if (after) {
        if (typeof after[0] !== 'number') return null;
        where.push(sql`(x.uncertainty, x.item_id) < (${after[0]}::real, ${after[1]}::bigint)`);
      }
      return {
        select: sql`
          select x.item_id as id, x.uncertainty as k, x.item_id as kid ${pass}
          from ranking_entries x ${mode === 'raw' ? probe : sql`join items i on i.id = x.item_id`}
          where x.ranking_id = ${rankingId} and x.uncertainty is not null ${and([...where, ...stateWhere('x')])}`,
        order: sql`k desc, kid desc`,
      };
    }
    default: {
      const never: never = sort;
      throw new Error(`unknown sort ${String(never)}`);
    }
  }
}

/** Rows of the walk read per round trip when a costly filter applies, and round trips per page at most. */
const WALK_BOUNDS = { batch: 500, rounds: 6 };

type KeyRow = { id: number; key: Cursor };

/**
 * The page's ids and keys, in order, and the key to continue after (null: the list ends there).
 * Without a costly filter it is one query of `limit + 1` rows. With one, the walk is read in
 * batches of `BATCH` rows (each a keyset query with its own LIMIT, streamed from its index), each
 * row with its verdict, until the page is full or `ROUNDS` batches were read; then the page ends
 * early and `next` continues the walk where it stopped. Every request does bounded work, however
 * rare the matches.
 */
async function pageKeys(db: Executor, q: BrowseQuery): Promise<{ keys: KeyRow[]; next: Cursor | null }> {
  const keyOf = (r: Record<string, unknown>): KeyRow => ({
    id: Number(r.id), key: [q.sort === 'id' ? null : q.sort === 'uncertainty' ? Number(r.k) : String(r.k), Number(r.kid)] as Cursor,
  });
  if (filters(q.projectId, q.rankingId, q.filter, q.sort).costly.length === 0) {
    const walk = walkOf(q.projectId, q.rankingId, q.filter, q.sort, q.after, 'filtered');
    if (!walk) return { keys: [], next: null };
    const keys = rowsOf(await db.execute(sql`select w.id, w.k, w.kid from (${walk.select}) w order by ${walk.order} limit ${q.limit + 1}`)).map(keyOf);
    return { keys: keys.slice(0, q.limit), next: keys.length > q.limit ? keys[q.limit - 1].key : null };
  }
  const keys: KeyRow[] = [];
  let after = q.after;
  const { batch: BATCH, rounds: ROUNDS } = q.bounds ?? WALK_BOUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    const walk = walkOf(q.projectId, q.rankingId, q.filter, q.sort, after, 'raw');
    if (!walk) return { keys, next: null };
    // The walk's own pre-checks (states, the class's items) let mostly matches through, and reading
    // past the page costs the rows skipped on the way: the first batch is twice the page, then `BATCH`.
    const size = round === 0 ? Math.min(BATCH, 2 * (q.limit + 1)) : BATCH;
    const batch = rowsOf(await db.execute(sql`${walk.select} order by ${walk.order} limit ${size}`));
    for (const [at, r] of batch.entries()) {
      if (r.pass !== true) continue;
      keys.push(keyOf(r));
      if (keys.length === q.limit) {
        const walkEnds = batch.length < size && at === batch.length - 1;
        return { keys, next: walkEnds ? null : keys[keys.length - 1].key };
      }
    }
    if (batch.length < size) return { keys, next: null };
    after = keyOf(batch[batch.length - 1]).key;
  }
  return { keys, next: after ?? null };
}

const rowsOf = (res: unknown) => (res as { rows: Record<string, unknown>[] }).rows;

export interface BrowseQuery {
  projectId: number;
  rankingId: number | null;
  filter: BrowseFilter;
  sort: ItemSort;
  after?: Cursor;
  limit: number;
  /** The costly path's batch and round bounds (tests make them small). */
  bounds?: { batch: number; rounds: number };
}

/**
 * One page of items and what the grid shows of each: the page's keys (see `pageKeys`), then per
 * item its resolved answer, the model's view and its open flags, in one more round trip.
 */
export async function browseItems(db: Executor, q: BrowseQuery): Promise<{ rows: BrowseRow[]; next: Cursor | null }> {
  const { keys, next } = await pageKeys(db, q);
  if (keys.length === 0) return { rows: [], next };
  const people = sql.join(PEOPLE_SOURCES.map((s) => sql`${s}`), sql`, `);
  const ids = sql.raw(`ARRAY[${keys.map((k) => Math.trunc(k.id)).join(',')}]::bigint[]`);
  const res = await db.execute(sql`
    select p.id, p.ord, i.status, i.split, i.width, i.height, i.source_name,
      re.predicted, re.confidence, re.uncertainty, re.item_id as ranked,
      res.payload as resolved_payload, res.source as resolved_source,
      (select count(*)::int from item_flags f where f.item_id = p.id and f.resolved_at is null) as open_flags,
      (select count(*)::int from annotations a where a.item_id = p.id and a.source in (${people}) and ${isStanding(A)}) as answers,
      (select max(a.created_at) from annotations a where a.item_id = p.id and a.action = 'label') as answered_at
    from unnest(${ids}) with ordinality as p(id, ord)
    join items i on i.id = p.id
    left join ranking_entries re on re.ranking_id = ${q.rankingId ?? -1} and re.item_id = p.id
    left join lateral (
      select a.payload, a.source from annotations a where a.item_id = p.id and ${isStanding(A)} and ${isTrainable(sql`i.status`)}
      order by ${resolvedFirst(A)} limit 1
    ) res on true
    order by p.ord`);
  const keyById = new Map(keys.map((k) => [k.id, k.key]));
  const rows = rowsOf(res).map((r) => ({
    id: Number(r.id),
    key: keyById.get(Number(r.id)) as Cursor,
    status: r.status as ItemState,
    split: r.split as 'pool' | 'holdout',
    width: r.width == null ? null : Number(r.width),
    height: r.height == null ? null : Number(r.height),
    sourceName: String(r.source_name),
    answers: Number(r.answers),
    answeredAt: r.answered_at == null ? null : new Date(r.answered_at as string),
    resolved: r.resolved_source == null ? null : { payload: r.resolved_payload, source: String(r.resolved_source) },
    predicted: r.ranked == null ? null : {
      label: r.predicted == null ? null : String(r.predicted),
      confidence: r.confidence == null ? null : Number(r.confidence),
      uncertainty: r.uncertainty == null ? null : Number(r.uncertainty),
    },
    openFlags: Number(r.open_flags),
  }));
  return { rows, next };
}
