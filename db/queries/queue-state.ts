import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { isAutoPhase, type AutoPhase } from '../../lib/al/strategies';
import { items, leases } from '../schema';
import { leasedRows, type LeasedItem } from './leases';
import { A, classLabelSql, isStanding } from './answers';
import { bigEndian, jsonOf } from './packed';
import { shaped, sqlOf, type ShapedStatement, type ValueOf } from '../statement-shape';

/**
 * What the team queue reads to deal a batch. Two kinds of query:
 * - per ranking or import (the pool view, server/services/pool-view.ts): whole-pool reads,
 *   one query per part, rows as compact as the driver allows;
 * - per claim: small, indexed reads of what changes between claims (holds, the caller's own
 *   leases, controls, new labels, budget counts); the deal's reads run before the claim's
 *   transaction, the checks that make a lease safe (locks, budget counts) inside it.
 */

type Rows<T> = { rows: T[] };
const rowsOf = <T>(res: unknown): T[] => (res as Rows<T>).rows;

/** What decides whether the pool view is current: the applied ranking and the newest import. */
export interface PoolSignature {
  rankingId: number | null;
  importId: number;
}

export async function readPoolSignature(db: Executor, projectId: number): Promise<PoolSignature> {
  const [r] = rowsOf<{ ranking_id: unknown; import_id: unknown }>(await db.execute(sql`
    select (select id from rankings where project_id = ${projectId} and status = 'applied' order by id desc limit 1) as ranking_id,
           (select coalesce(max(id), 0) from imports where project_id = ${projectId}) as import_id`));
  return { rankingId: r.ranking_id === null ? null : Number(r.ranking_id), importId: Number(r.import_id) };
}

export interface PoolItemRow {
  id: number;
  holdout: boolean;
  groupKey: string;
  gold: boolean;
}

/**
 * Rows of a whole-pool read per page: a million rows parsed in one go hold the event loop for
 * seconds, in pages the claims and labels of everyone else go on between them.
 */
export const POOL_PAGE = 25_000;

/** How a whole-pool read pages: rows per page, and what to wait for before each page (a build that lets claims go first). */
export interface Paging {
  page?: number;
  before?: () => Promise<void>;
}

/** Every item of the project by id (pool indices are positions in this order). */
/**
 * One page of a project's items: every id (ascending) packed as bytes, and as rows only the few
 * that are not plain pool items (holdout, gold). Row by row, a million items made two objects
 * each, and their garbage collections held up the claims served while the pool view was built.
 */
export interface PoolItemPage {
  ids: Float64Array;
  /** The holdout and gold items of the page, ascending, each with its place in `ids`. */
  special: (PoolItemRow & { at: number })[];
}

export async function forEachPoolItemPage(db: Executor, projectId: number, use: (page: PoolItemPage) => void, { page = POOL_PAGE, before }: Paging = {}): Promise<void> {
  for (let last = 0; ;) {
    await before?.();
    // send() gives big-endian bytes; ids go as float8, exact below 2^53 as every id here is.
    const [r] = rowsOf<{ n: unknown; ids: Uint8Array | null; special: unknown }>(await db.execute(sql`
      select count(*)::int as n, string_agg(float8send(id::float8), ''::bytea order by id) as ids,
        json_agg(json_build_array(id, h, g, r, k) order by id) filter (where h or r) as special
      from (select id, split = 'holdout' as h, case when split = 'holdout' then group_key end as g, reference_label is not null as r,
              row_number() over (order by id) - 1 as k
            from items where project_id = ${projectId} and id > ${last} order by id limit ${page}) x`));
    const n = Number(r?.n ?? 0);
    if (n > 0) {
      const bytes = bigEndian(r.ids!);
      const ids = new Float64Array(n);
      for (let k = 0; k < n; k++) ids[k] = bytes.getFloat64(8 * k);
      const rows = jsonOf<[unknown, boolean, string | null, boolean, number][] | null>(r.special) ?? [];
      use({ ids, special: rows.map(([id, h, g, gold, at]) => ({ id: Number(id), holdout: h, groupKey: g ?? '', gold, at: Number(at) })) });
      last = ids[n - 1];
    }
    if (n < page) return;
  }
}

/** Every item of the project, ascending (tests; the pool view reads the pages themselves). */
export async function loadPoolItems(db: Executor, projectId: number, paging: Paging = {}): Promise<PoolItemRow[]> {
  const out: PoolItemRow[] = [];
  await forEachPoolItemPage(db, projectId, ({ ids, special }) => {
    const rows: PoolItemRow[] = Array.from(ids, (id) => ({ id, holdout: false, groupKey: '', gold: false }));
    for (const { at, ...row } of special) rows[at] = row;
    out.push(...rows);
  }, paging);
  return out;
}

/**
 * How many items the project has, counted up to `atMost` (the bridge's question before a first
 * view: is this pool large? A full count of a million items takes as long as the answer saves).
 */
export async function countPoolItems(db: Executor, projectId: number, atMost: number): Promise<number> {
  const [r] = rowsOf<{ n: unknown }>(await db.execute(sql`select count(*) as n from (select 1 from items where project_id = ${projectId} limit ${atMost}) x`));
  return Number(r?.n ?? 0);
}

export interface RankingHead {
  id: number;
  strategy: string;
  labelCount: number;
  embeddingSpace: string | null;
  createdAt: Date;
  /** With `auto`: the phase the trainer recorded for the model behind the ranking (metrics.autoPhase); null when it recorded none. */
  autoPhase?: AutoPhase | null;
  /** Entries at the top that are the strategy's batch in pick order (rankings.lead); 0 or absent: none marked. */
  lead?: number;
}

export async function findRankingHead(db: Executor, rankingId: number): Promise<RankingHead | undefined> {
  const [r] = rowsOf<{ id: unknown; strategy: string; label_count: number; embedding_space: string | null; created_at: Date | string; auto_phase: string | null; lead: number }>(await db.execute(sql`
    select r.id, r.strategy, r.label_count, r.embedding_space, r.created_at, mv.metrics->>'autoPhase' as auto_phase, r.lead
    from rankings r left join model_versions mv on mv.id = r.model_version_id where r.id = ${rankingId}`));
  return r && {
    id: Number(r.id), strategy: r.strategy, labelCount: Number(r.label_count), embeddingSpace: r.embedding_space, createdAt: new Date(r.created_at),
    autoPhase: isAutoPhase(r.auto_phase) ? r.auto_phase : null, lead: Number(r.lead ?? 0),
  };
}

/** One page of a ranking's entries, best first, packed: ids, scores and confidences as bytes, predicted classes as one JSON array. */
export interface RankingEntryPage {
  itemIds: Float64Array;
  score: Float32Array;
  confidence: Float32Array;
  predicted: (string | null)[];
}

/** A ranking's entries, best first (positions are assigned by score when it is applied), page by page. */
export async function forEachRankingEntryPage(db: Executor, rankingId: number, use: (page: RankingEntryPage) => void, { page = POOL_PAGE, before }: Paging = {}): Promise<void> {
  // Paged by (position, item) as POOL_PAGE says; the pair is unique even where positions are not.
  for (let last = { position: -1, itemId: 0 }; ;) {
    await before?.();
    const [r] = rowsOf<{ n: unknown; ids: Uint8Array | null; s: Uint8Array | null; c: Uint8Array | null; p: unknown; lp: unknown; li: unknown }>(await db.execute(sql`
      select count(*)::int as n,
        string_agg(float8send(item_id::float8), ''::bytea order by position, item_id) as ids,
        string_agg(float4send(coalesce(score, 'NaN')), ''::bytea order by position, item_id) as s,
        string_agg(float4send(coalesce(confidence, 'NaN')), ''::bytea order by position, item_id) as c,
        json_agg(predicted order by position, item_id) as p,
        (array_agg(position order by position desc, item_id desc))[1] as lp,
        (array_agg(item_id order by position desc, item_id desc))[1] as li
      from (select item_id, score, predicted, confidence, position from ranking_entries
            where ranking_id = ${rankingId} and (position, item_id) > (${last.position}, ${last.itemId})
            order by position, item_id limit ${page}) e`));
    const n = Number(r?.n ?? 0);
    if (n > 0) {
      const ids = bigEndian(r.ids!);
      const sc = bigEndian(r.s!);
      const cf = bigEndian(r.c!);
      const out: RankingEntryPage = { itemIds: new Float64Array(n), score: new Float32Array(n), confidence: new Float32Array(n), predicted: jsonOf<(string | null)[]>(r.p) };
      for (let k = 0; k < n; k++) {
        out.itemIds[k] = ids.getFloat64(8 * k);
        out.score[k] = sc.getFloat32(4 * k);
        out.confidence[k] = cf.getFloat32(4 * k);
      }
      use(out);
      last = { position: Number(r.lp), itemId: Number(r.li) };
    }
    if (n < page) return;
  }
}

/** A ranking's entries, best first, as rows (tests; the pool view reads the pages themselves). */
export async function loadRankingEntries(db: Executor, rankingId: number, paging: Paging = {}): Promise<{ itemId: number; score: number; predicted: string | null; confidence: number }[]> {
  const out: { itemId: number; score: number; predicted: string | null; confidence: number }[] = [];
  await forEachRankingEntryPage(db, rankingId, (p) => {
    for (let k = 0; k < p.itemIds.length; k++) out.push({ itemId: p.itemIds[k], score: p.score[k], predicted: p.predicted[k], confidence: p.confidence[k] });
  }, paging);
  return out;
}

/**
 * Label versions and retractions of the project with id above `afterId`, oldest first, except
 * the ids in `seen` (ascending): the label book re-reads its last seconds for rows that commit
 * late, and those it already applied need not travel again (with 50 people labeling, ~150 rows
 * per claim did, to find the few new ones). A retraction carries the item, author and class of
 * the version it takes back.
 */
export interface LabelEvent {
  id: number;
  action: 'label' | 'retract';
  itemId: number;
  userId: number | null;
  label: string | null;
  at: number;
}

export async function listLabelEventsAfter(db: Executor, projectId: number, afterId: number, seen: readonly number[] = []): Promise<LabelEvent[]> {
  const unseen = seen.length > 0 ? sql` and not (a.id <@ ${idMultirange(seen)}::int8multirange)` : sql``;
  const rows = rowsOf<{ id: unknown; action: 'label' | 'retract'; item_id: unknown; user_id: unknown; label: string | null; at: Date | string }>(await db.execute(sql`
    select a.id, a.action,
           coalesce(l.item_id, a.item_id) as item_id,
           case when a.action = 'retract' then l.user_id else a.user_id end as user_id,
           ${classLabelSql(sql`coalesce(l.payload, a.payload)`)} as label,
           a.created_at as at
    from annotations a left join annotations l on a.action = 'retract' and l.id = a.retracts
    where a.project_id = ${projectId} and a.id > ${afterId}${unseen}
    order by a.id`));
  return rows.map((r) => ({
    id: Number(r.id), action: r.action, itemId: Number(r.item_id), userId: r.user_id === null ? null : Number(r.user_id),
    label: r.label, at: new Date(r.at).getTime(),
  }));
}

/**
 * Ascending ids as a multirange literal, runs of consecutive ids as one range: a burst of
 * labels (or an import) is a few ranges, not one entry per id.
 */
export function idMultirange(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let j = 0; j < ids.length; ) {
    const lo = ids[j];
    if (!Number.isSafeInteger(lo) || (j > 0 && lo <= ids[j - 1])) throw new RangeError(`ids must be ascending whole numbers, got ${ids[j - 1]} then ${lo}`);
    let hi = lo;
    while (j + 1 < ids.length && ids[j + 1] === hi + 1) hi = ids[++j];
    parts.push(`[${lo},${hi}]`);
    j++;
  }
  return `{${parts.join(',')}}`;
}

/**
 * Everything a claim reads about who holds and steers what, in one round trip: the project's
 * active leases (the partial index on active leases keeps this small), the caller's skipped
 * items, the streams of their last `historySize` leases (newest first), how many leases they
 * were ever dealt (their batch counter), and the lead's controls (oldest first).
 */
export interface ClaimState {
  holds: { itemId: number; userId: number }[];
  skipped: number[];
  recentStreams: string[];
  dealt: number;
  controls: { itemId: number; action: 'pin' | 'boost' | 'exclude' }[];
  /** Items whose answers disagree (not those a lead sent back: those wait for the lead), for the tie-break. */
  disputed: number[];
}

/** Disputed items a claim reads at most: a tie-break for the first ones is enough, the lead sees them all. */
const MAX_DISPUTED = 2000;

export async function readClaimState(db: Executor, projectId: number, userId: number, historySize: number, now?: Date): Promise<ClaimState> {
  // Read before the claim's transaction, an active lease past its expiry is no hold: the transaction expires it first.
  const live = now ? sql` and expires_at >= ${now.toISOString()}::timestamptz` : sql``;
  const rows = rowsOf<{ k: string; item_id: unknown; user_id: unknown; s: string | null }>(await db.execute(sql`
    (select 'a' as k, item_id, user_id::bigint as user_id, null::text as s from leases
      where project_id = ${projectId} and state = 'active'${live})
    union all
    (select 's', item_id, null, null from leases
      where project_id = ${projectId} and user_id = ${userId} and state = 'skipped')
    union all
    (select 'h', null, null, stream from leases
      where project_id = ${projectId} and user_id = ${userId} order by id desc limit ${historySize})
    union all
    (select 'n', count(*), null, null from leases where project_id = ${projectId} and user_id = ${userId})
    union all
    (select 'c', item_id, null, action from queue_controls where project_id = ${projectId} order by created_at, item_id)
    union all
    (select 'd', i.id, null, null from items i where i.project_id = ${projectId} and i.status = 'disputed'
      and not exists (select 1 from item_flags f where f.item_id = i.id and f.kind = 'sent-back' and f.resolved_at is null)
      limit ${MAX_DISPUTED})`));
  const out: ClaimState = { holds: [], skipped: [], recentStreams: [], dealt: 0, controls: [], disputed: [] };
  for (const r of rows) {
    switch (r.k) {
      case 'a': out.holds.push({ itemId: Number(r.item_id), userId: Number(r.user_id) }); break;
      case 's': out.skipped.push(Number(r.item_id)); break;
      case 'h': out.recentStreams.push(r.s ?? ''); break;
      case 'n': out.dealt = Number(r.item_id); break;
      case 'c': out.controls.push({ itemId: Number(r.item_id), action: r.s as 'pin' | 'boost' | 'exclude' }); break;
      case 'd': out.disputed.push(Number(r.item_id)); break;
    }
  }
  return out;
}

/** A pin is a one-off: once its item is dealt it is gone. */
export async function deletePins(db: Executor, projectId: number, itemIds: number[]): Promise<void> {
  if (itemIds.length === 0) return;
  await db.execute(sql`delete from queue_controls where project_id = ${projectId} and action = 'pin' and item_id in (${sql.join(itemIds.map((i) => sql`${i}`), sql`, `)})`);
}

/**
 * Serialises claims that count against the project budget: with the open leases counted as
 * labels, two claims at once would otherwise both see room for the last item. Taken after
 * the annotator's own lock, always in that order.
 */
export async function lockProjectBudget(db: Executor, projectId: number): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${projectId}::int, -1)`);
}

/** The counts `budgetState` needs: standing human labels (project, caller) and active leases (project, caller). */
export async function readBudgetUsage(db: Executor, projectId: number, userId: number): Promise<{ labeled: number; labeledByMe: number; openLeases: number; openLeasesMine: number }> {
  const [r] = rowsOf<Record<string, unknown>>(await db.execute(sql`
    select
      (select count(*) from annotations a where a.project_id = ${projectId} and a.source = 'human' and ${isStanding(A)}) as labeled,
      (select count(*) from annotations a where a.project_id = ${projectId} and a.user_id = ${userId} and a.source = 'human' and ${isStanding(A)}) as mine,
      (select count(*) from leases where project_id = ${projectId} and state = 'active') as open,
      (select count(*) from leases where project_id = ${projectId} and user_id = ${userId} and state = 'active') as open_mine`));
  return { labeled: Number(r.labeled), labeledByMe: Number(r.mine), openLeases: Number(r.open), openLeasesMine: Number(r.open_mine) };
}

/**
 * How a chosen item may be leased: `open` (uncertain, easy, cold, holdout): unlabeled and held
 * by nobody; `free` (a lead's pin, which may re-queue a labeled item): held by nobody;
 * `shared` (overlap, gold): other annotators may hold it too.
 */
export type LeaseClaimKind = 'open' | 'free' | 'shared';

/** One dealt item to lease: how it may be leased and what the lease records (see NewLease). */
export interface LeaseChoice {
  itemId: number;
  kind: LeaseClaimKind;
  stream: string;
  detail: Record<string, unknown> | null;
  rankingId: number | null;
  score: number | null;
}

/**
 * Leases the chosen items to the caller in one statement and returns the new leases in the
 * order they were dealt: the items are locked (rows another claim has locked are skipped, SKIP
 * LOCKED) and the database is asked once more what the pool view may have missed by a few
 * milliseconds (see `LeaseClaimKind`); never an item the caller holds or has a standing label
 * on. Items left out are simply not in the answer. The unique indexes on leases remain the
 * final guard.
 */
export async function leaseChosenItems(db: Executor, projectId: number, userId: number, expiresAt: Date, chosen: LeaseChoice[]): Promise<LeasedItem[]> {
  if (chosen.length === 0) return [];
  return leasedRows(await db.execute(sqlOf(leaseChosen(projectId, userId, expiresAt, chosen, null))));
}

/**
 * `leaseChosenItems` as a statement for a one-message transaction (db/transactions.ts), with a
 * cap: the caller ends up holding at most `holdAtMost` active leases, counted in the statement
 * itself (after the annotator's lock and the renewal before it), so a claim planned on a read
 * that is now stale never over-fills. Its rows read with `leasedRows`.
 */
export function leaseChosenStatement(projectId: number, userId: number, expiresAt: Date, chosen: LeaseChoice[], holdAtMost: number): ShapedStatement {
  integer(holdAtMost, 'the hold');
  return leaseChosen(projectId, userId, expiresAt, chosen, holdAtMost);
}

/** `leaseChosenSql` as a shaped statement (db/statement-shape.ts): its text changes only with the number of rows and whether the hold caps them. */
function leaseChosen(projectId: number, userId: number, expiresAt: Date, chosen: LeaseChoice[], holdAtMost: number | null): ShapedStatement {
  if (!Number.isSafeInteger(projectId) || !Number.isSafeInteger(userId)) throw new RangeError(`project and user ids must be integers, got ${projectId}, ${userId}`);
  const values: Record<string, unknown> = { projectId, userId, expiresAt: expiresAt.toISOString(), holdAtMost };
  chosen.forEach((c, at) => {
    values[`id${at}`] = integer(c.itemId, 'item id');
    values[`kind${at}`] = c.kind;
    values[`stream${at}`] = c.stream;
    values[`ranking${at}`] = integer(c.rankingId, 'ranking id');
    values[`score${at}`] = c.score === null || !Number.isFinite(c.score) ? null : c.score;
    values[`detail${at}`] = c.detail ? JSON.stringify(c.detail) : null;
  });
  const capped = holdAtMost !== null;
  return shaped(`lease-chosen:${chosen.length}:${capped ? 'capped' : 'all'}`, values, (v) => {
    const cap = capped ? sql`limit greatest(${v('holdAtMost')}::int - (select count(*) from ${leases} where project_id = ${v('projectId')} and user_id = ${v('userId')} and state = 'active'), 0)` : null;
    return leaseChosenSql(v, chosenValues(chosen.length, v), cap);
  });
}

function integer(x: number | null, what: string): number | null {
  if (x !== null && !Number.isSafeInteger(x)) throw new RangeError(`${what} must be an integer, got ${x}`);
  return x;
}

/** The rows of `leaseChosenSql`'s `values`, in the order they were dealt; a score that is not a number is stored as none. */
function chosenValues(rows: number, v: ValueOf<Record<string, unknown>>): SQL {
  return sql.join(Array.from({ length: rows }, (_, at) => sql`(${v(`id${at}`)}::bigint, ${v(`kind${at}`)}::text, ${v(`stream${at}`)}::text, ${v(`ranking${at}`)}::bigint,
    ${v(`score${at}`)}::real, ${v(`detail${at}`)}::jsonb, ${at}::int)`), sql`, `);
}

function leaseChosenSql(v: ValueOf<Record<string, unknown>>, values: SQL, cap: SQL | null): SQL {
  return sql`
    with c(id, k, stream, ranking_id, score, detail, at) as (values ${values}),
    ok as (
      select i.id, i.width, i.height from ${items} i join c on c.id = i.id
      where i.project_id = ${v('projectId')}
        and not exists (select 1 from ${leases} l where l.item_id = i.id and l.state = 'active' and l.user_id = ${v('userId')})
        and not exists (select 1 from annotations a where a.item_id = i.id and a.user_id = ${v('userId')} and ${isStanding(A)})
        and (c.k = 'shared' or (
          (c.k = 'free' or i.status = 'open') and not exists (select 1 from ${leases} l where l.item_id = i.id and l.state = 'active')))
      for update of i skip locked),
    r as (
      insert into ${leases} (project_id, item_id, user_id, stream, expires_at, ranking_id, score, detail)
      select ${v('projectId')}, c.id, ${v('userId')}, c.stream, ${v('expiresAt')}::timestamptz, c.ranking_id, c.score, c.detail
      from c join ok on ok.id = c.id order by c.at ${cap ?? sql``}
      returning id, item_id, stream, expires_at)
    select r.id, r.item_id, r.stream, r.expires_at, ok.width, ok.height from r join ok on ok.id = r.item_id order by r.id`;
}

/** An item the bridge may deal: its id and, when it came from a ranking, its score there. */
export interface BridgeCandidate { itemId: number; score: number | null }

/**
 * Items to deal while a large pool's first view is still being built (see server/services/queue-bridge.ts):
 * open learn-split items nobody holds, that the caller has not skipped and no lead excluded (and, when
 * the project deals gold, no gold item). With an applied ranking, best first along its stored order (one
 * walk of `ranking_entries_order`); without one, id order from `startAt` of the way from the project's
 * first item id to its last (a fraction the caller seeds), wrapping round once. At most `limit`.
 */
export async function bridgeCandidates(
  db: Executor, projectId: number, userId: number,
  opts: { rankingId: number | null; limit: number; startAt: number; skipGold: boolean },
): Promise<BridgeCandidate[]> {
  const dealable = (id: SQL) => sql`
    i.project_id = ${projectId} and i.status = 'open' and i.split <> 'holdout'
    ${opts.skipGold ? sql`and i.reference_label is null` : sql``}
    and not exists (select 1 from leases l where l.item_id = ${id} and l.state = 'active')
    and not exists (select 1 from leases l where l.item_id = ${id} and l.user_id = ${userId} and l.state = 'skipped')
    and not exists (select 1 from queue_controls q where q.project_id = ${projectId} and q.item_id = ${id} and q.action = 'exclude')`;
  if (opts.rankingId !== null) {
    const rows = rowsOf<{ item_id: unknown; score: number | null }>(await db.execute(sql`
      select e.item_id, e.score from ranking_entries e join items i on i.id = e.item_id
      where e.ranking_id = ${opts.rankingId} and ${dealable(sql`e.item_id`)}
      order by e.position limit ${opts.limit}`));
    return rows.map((r) => ({ itemId: Number(r.item_id), score: r.score }));
  }
  const from = async (cmp: SQL, limit: number) => rowsOf<{ id: unknown }>(await db.execute(sql`
    select i.id from items i where ${cmp} and ${dealable(sql`i.id`)} order by i.id limit ${limit}`)).map((r) => ({ itemId: Number(r.id), score: null }));
  const [range] = rowsOf<{ lo: unknown; hi: unknown }>(await db.execute(sql`select min(id) as lo, max(id) as hi from items where project_id = ${projectId}`));
  if (range?.lo == null) return [];
  const lo = Number(range.lo);
  const start = lo + Math.floor(Math.min(Math.max(opts.startAt, 0), 1) * (Number(range.hi) - lo));
  const first = await from(sql`i.id >= ${start}`, opts.limit);
  if (first.length >= opts.limit) return first;
  return [...first, ...(await from(sql`i.id < ${start}`, opts.limit - first.length))];
}
