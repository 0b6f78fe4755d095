/**
 * Statements PGlite runs often, prepared once and then executed by name.
 *
 * PGlite runs every statement on the server's own thread, and an ordinary parameterised query
 * there is parsed, analysed and planned each time: a claim's state read (a six-way union) took
 * 2.2 ms that way under a labeling team, 0.3 ms as `EXECUTE` of the same statement prepared
 * (docs/benchmarks.md; `npm run bench:pglite-statements` times a claim's reads both ways).
 * Postgres's own drivers keep named statements for this; drizzle's PGlite driver sends every
 * query unnamed. So this layer, installed on the PGlite
 * client, prepares a statement text once it was seen `after` times and sends it afterwards as
 * `EXECUTE name('literal', …)`.
 *
 * The parameters keep their meaning: they are serialised by PGlite's own serialisers for the
 * types `PREPARE` inferred (exactly what `Bind` would send as text) and written as quoted string
 * literals, which Postgres coerces to those same types with the same input functions. Only the
 * statement kinds `PREPARE` accepts are prepared (select, insert, update, delete, values, with);
 * within a transaction the `PREPARE` runs inside a savepoint, so a statement that cannot be
 * prepared falls back to the ordinary call without aborting the transaction. Prepared statements
 * live as long as the session and survive a rolled-back transaction; past `capacity`, the least
 * recently used is deallocated at the next call outside a transaction.
 */

interface Results { rows: unknown[]; fields?: unknown[]; affectedRows?: number }
type Query = (text: string, params?: unknown[], options?: Record<string, unknown>) => Promise<Results>;
type Exec = (text: string, options?: Record<string, unknown>) => Promise<Results[]>;
interface Queryable { query: Query; exec: Exec }
export interface PreparableClient extends Queryable {
  serializers: Record<number | string, (x: unknown) => string>;
  parsers: Record<number | string, (x: string, typeId?: number) => unknown>;
  transaction<T>(callback: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface PreparedStats { prepared: number; executed: number; refused: number; deallocated: number }

interface Entry {
  seen: number; name?: string; oids?: number[]; refused?: boolean;
  /** Set while its `PREPARE` is in flight, so that a second first use does not prepare it again under another name. */
  preparing?: Promise<void>;
}

const PREPARABLE = /^[\s(]*(select|insert|update|delete|values|with)\b/i;

export function preparePgliteStatements(client: PreparableClient, opts: {
  after?: number; capacity?: number; maxTextLength?: number; maxParams?: number;
  /**
   * The client serves drizzle alone, whose every call passes the same parsers: the identity for
   * dates, timestamps and intervals (kept as text). PGlite merges a call's parsers into a copy of
   * its ~340 (76 µs a call, a tenth of the server's busy time under a labeling team); with this,
   * those identities become the client's own, once, and calls that pass only them pass none.
   */
  ownParsers?: boolean;
} = {}): { stats: PreparedStats; textOf(name: string): string | undefined } {
  const after = opts.after ?? 2;
  const capacity = opts.capacity ?? 500;
  const maxTextLength = opts.maxTextLength ?? 16_384;
  const maxParams = opts.maxParams ?? 200;
  const stats: PreparedStats = { prepared: 0, executed: 0, refused: 0, deallocated: 0 };
  /** By statement text, least recently used first (a Map keeps insertion order; a use re-inserts). */
  const entries = new Map<string, Entry>();
  const texts = new Map<string, string>();
  const toDeallocate: string[] = [];
  let next = 0;

  const originalQuery = client.query.bind(client);
  const originalTransaction = client.transaction.bind(client);

  let preparedCount = 0;

  function touch(text: string): Entry {
    let e = entries.get(text);
    if (e) entries.delete(text);
    else e = { seen: 0 };
    entries.set(text, e);
    // Texts seen once (a statement with its values written in) must not pile up: the oldest go first.
    if (entries.size > capacity * 4) drop(() => true);
    if (preparedCount > capacity) drop((x) => Boolean(x.name));
    return e;
  }

  /** Drops the least recently used entry that `which` picks, deallocating its statement later. */
  function drop(which: (e: Entry) => boolean): void {
    for (const [text, e] of entries) {
      if (!which(e)) continue;
      entries.delete(text);
      if (e.name) {
        preparedCount--;
        texts.delete(e.name);
        toDeallocate.push(e.name);
      }
      return;
    }
  }

  /** `PREPARE` and the parameter types it inferred, in one message; in a transaction inside a savepoint. */
  async function prepare(on: Queryable, text: string, e: Entry, inTransaction: boolean): Promise<void> {
    const name = `tandem_q${++next}`;
    const body = `prepare ${name} as ${text};\nselect array_to_string(parameter_types::oid[], ',') as oids from pg_prepared_statements where name = '${name}'`;
    try {
      const results = await on.exec(inTransaction ? `savepoint tandem_prepare;\n${body};\nrelease savepoint tandem_prepare` : body);
      const row = results.find((r) => r.rows.length > 0)?.rows[0] as { oids: string | null } | undefined;
      e.oids = row?.oids ? row.oids.split(',').map(Number) : [];
      e.name = name;
      texts.set(name, text);
      preparedCount++;
      stats.prepared++;
    } catch {
      e.refused = true;
      stats.refused++;
      if (inTransaction) await on.exec('rollback to savepoint tandem_prepare;\nrelease savepoint tandem_prepare');
    }
  }

  function literal(value: unknown, oid: number, options?: Record<string, unknown>): string {
    if (value === null || value === undefined) return 'null';
    const own = (options?.serializers as Record<number, (x: unknown) => string> | undefined)?.[oid];
    const serialize = own ?? client.serializers[oid];
    const text = serialize ? serialize(value) : String(value);
    return `'${text.replaceAll("'", "''")}'`;
  }

  const probe = 'tandem: is this parser the identity?';
  const isIdentity = (fn: (x: unknown) => unknown) => {
    try {
      return fn(probe) === probe;
    } catch {
      return false;
    }
  };
  /** The call's options without its parsers, where each is the identity, made the client's own. */
  function withoutIdentityParsers(options?: Record<string, unknown>): Record<string, unknown> | undefined {
    const parsers = options?.parsers as Record<string, (x: unknown) => unknown> | undefined;
    if (!opts.ownParsers || !parsers) return options;
    for (const fn of Object.values(parsers)) if (!isIdentity(fn)) return options;
    for (const [oid, fn] of Object.entries(parsers)) if (client.parsers[oid] !== fn) client.parsers[oid] = fn as (x: string) => unknown;
    return { ...options, parsers: undefined };
  }

  function wrap(on: Queryable, unparsed: Query, inTransaction: boolean): Query {
    const original: Query = (text, params, options) => unparsed(text, params, withoutIdentityParsers(options));
    return async (text, params = [], options) => {
      if (!inTransaction && toDeallocate.length) {
        const names = toDeallocate.splice(0);
        await on.exec(names.map((n) => `deallocate ${n}`).join(';\n')).catch(() => {});
        stats.deallocated += names.length;
      }
      // One statement only: `PREPARE name AS a; b` would prepare `a` and run `b`.
      const eligible = params.length <= maxParams && text.length <= maxTextLength && !options?.blob && !options?.paramTypes && PREPARABLE.test(text) && !text.includes(';');
      if (!eligible) return original(text, params, options);
      const e = touch(text);
      if (e.refused || ++e.seen < after) return original(text, params, options);
      // A call that meets a PREPARE in flight runs unprepared rather than wait: waiting from inside a
      // transaction on a PREPARE queued outside it would wait for that transaction's own end.
      if (e.preparing) return original(text, params, options);
      if (!e.name) {
        e.preparing = prepare(on, text, e, inTransaction);
        try {
          await e.preparing;
        } finally {
          e.preparing = undefined;
        }
      }
      if (!e.name || e.oids!.length !== params.length) return original(text, params, options);
      const args = params.map((p, i) => literal(p, e.oids![i], options));
      // A NUL would end the statement's text early; sent as a parameter it gets Postgres's own error.
      if (args.some((a) => a.includes('\0'))) return original(text, params, options);
      stats.executed++;
      return original(`execute ${e.name}${args.length ? `(${args.join(', ')})` : ''}`, [], options);
    };
  }

  client.query = wrap(client, originalQuery, false);
  client.transaction = <T>(callback: (tx: Queryable) => Promise<T>) => originalTransaction((tx) => {
    const query = wrap(tx, tx.query.bind(tx), true);
    return callback(new Proxy(tx, { get: (target, key, receiver) => (key === 'query' ? query : Reflect.get(target, key, receiver)) }));
  });

  return {
    stats,
    textOf: (name) => texts.get(name),
  };
}
