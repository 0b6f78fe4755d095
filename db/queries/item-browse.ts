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
 * (a stream's leases, a user's answers, the open flags) when the planner finds that cheaper.
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
const NEWEST = annotationAlias('n');

/** The newest label version of the item `a` names (no later label version of it exists). */
const isNewestVersion = (a: string) => sql.raw(`not exists (select 1 from annotations nb where nb.item_id = ${a}.item_id and nb.action = 'label' and nb.id > ${a}.id)`);

function filters(projectId: number, rankingId: number | null, f: BrowseFilter, sort: ItemSort): SQL[] {
  const w: SQL[] = [sql`i.project_id = ${projectId}`];
  const states = f.disputed ? (f.status ? f.status.filter((s) => s === 'disputed') : ['disputed']) : f.status;
  if (states) w.push(states.length ? sql`i.status in (${sql.join(states.map((s) => sql`${s}`), sql`, `)})` : sql`false`);
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
    // The class of the answer the item resolves to; disputed and open items have none.
    w.push(sql`${isTrainable(sql`i.status`)}`);
    w.push(sql`(select ${classLabelSql(A.payload)} from annotations a where a.item_id = i.id and ${isStanding(A)} order by ${resolvedFirst(A)} limit 1) = ${f.class}`);
  }
  if (f.from || f.to) {
    // When the item's newest answer was given.
    const t = sort === 'newest' ? sql`n.created_at` : sql`(select max(d.created_at) from annotations d where d.item_id = i.id and d.action = 'label')`;
    if (f.from) w.push(sql`${t} >= ${f.from.toISOString()}::timestamptz`);
    if (f.to) w.push(sql`${t} < ${f.to.toISOString()}::timestamptz`);
  }
  const model: SQL[] = [];
  if (f.predicted !== undefined) model.push(sql`re.predicted = ${f.predicted}`);
  if (f.uncertaintyMin !== undefined) model.push(sql`re.uncertainty >= ${f.uncertaintyMin}`);
  if (f.uncertaintyMax !== undefined) model.push(sql`re.uncertainty <= ${f.uncertaintyMax}`);
  if (model.length) {
    if (rankingId === null) w.push(sql`false`);
    else if (sort === 'uncertainty') w.push(...model);
    else w.push(sql`exists (select 1 from ranking_entries re where re.ranking_id = ${rankingId} and re.item_id = i.id and ${sql.join(model, sql` and `)})`);
  }
  return w;
}

/** The page's ids and sort keys, in order: one index walk per sort. */
function pageSql(projectId: number, rankingId: number | null, f: BrowseFilter, sort: ItemSort, after: Cursor | undefined, limit: number): SQL {
  const where = filters(projectId, rankingId, f, sort);
  switch (sort) {
    case 'id': {
      if (after) where.push(sql`i.id < ${after[1]}`);
      return sql`select i.id, null::text as k, i.id as kid from items i where ${sql.join(where, sql` and `)} order by i.id desc limit ${limit}`;
    }
    case 'newest': {
      if (after) {
        if (typeof after[0] !== 'string') return sql`select null::bigint as id, null::text as k, null::bigint as kid where false`;
        where.push(sql`(n.created_at, n.id) < (${after[0]}::timestamptz, ${after[1]}::bigint)`);
      }
      return sql`
        select n.item_id as id, to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k, n.id as kid
        from annotations n join items i on i.id = n.item_id
        where n.project_id = ${projectId} and ${NEWEST.action} = 'label' and ${isNewestVersion('n')} and ${sql.join(where, sql` and `)}
        order by n.created_at desc, n.id desc limit ${limit}`;
    }
    case 'uncertainty': {
      if (rankingId === null) return sql`select null::bigint as id, null::real as k, null::bigint as kid where false`;
      if (after) {
        if (typeof after[0] !== 'number') return sql`select null::bigint as id, null::real as k, null::bigint as kid where false`;
        where.push(sql`(re.uncertainty, re.item_id) < (${after[0]}::real, ${after[1]}::bigint)`);
      }
      return sql`
        select re.item_id as id, re.uncertainty as k, re.item_id as kid
        from ranking_entries re join items i on i.id = re.item_id
        where re.ranking_id = ${rankingId} and re.uncertainty is not null and ${sql.join(where, sql` and `)}
        order by re.uncertainty desc, re.item_id desc limit ${limit}`;
    }
    default: {
      const never: never = sort;
      throw new Error(`unknown sort ${String(never)}`);
    }
  }
}

/**
 * One page of items and what the grid shows of each, in one round trip: the page's keys first
 * (`limit` rows at most), then per row its resolved answer, the model's view and its open flags.
 */
export async function browseItems(db: Executor, q: { projectId: number; rankingId: number | null; filter: BrowseFilter; sort: ItemSort; after?: Cursor; limit: number }): Promise<BrowseRow[]> {
  const people = sql.join(PEOPLE_SOURCES.map((s) => sql`${s}`), sql`, `);
  const res = await db.execute(sql`
    with page as materialized (${pageSql(q.projectId, q.rankingId, q.filter, q.sort, q.after, q.limit)})
    select p.id, p.k, p.kid, i.status, i.split, i.width, i.height, i.source_name,
      re.predicted, re.confidence, re.uncertainty, re.item_id as ranked,
      res.payload as resolved_payload, res.source as resolved_source,
      (select count(*)::int from item_flags f where f.item_id = p.id and f.resolved_at is null) as open_flags,
      (select count(*)::int from annotations a where a.item_id = p.id and a.source in (${people}) and ${isStanding(A)}) as answers,
      (select max(a.created_at) from annotations a where a.item_id = p.id and a.action = 'label') as answered_at
    from page p
    join items i on i.id = p.id
    left join ranking_entries re on re.ranking_id = ${q.rankingId ?? -1} and re.item_id = p.id
    left join lateral (
      select a.payload, a.source from annotations a where a.item_id = p.id and ${isStanding(A)} and ${isTrainable(sql`i.status`)}
      order by ${resolvedFirst(A)} limit 1
    ) res on true
    order by ${q.sort === 'id' ? sql`p.id desc` : sql`p.k desc, p.kid desc`}`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    id: Number(r.id),
    key: [q.sort === 'id' ? null : q.sort === 'uncertainty' ? Number(r.k) : String(r.k), Number(r.kid)] as Cursor,
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
}
