import { sql } from 'drizzle-orm';
import { poolOf, type Db, type Executor, type PoolAccess, type PooledClient } from './client';
import { executeTexts } from './pg-message';
import { shaped, sqlOf, type ShapedStatement, type Statement } from './statement-shape';

/**
 * The statements a transaction opens with, in two forms: as drizzle statements for Postgres,
 * where they travel in one message with `BEGIN`, each as `EXECUTE` of a statement prepared on
 * the connection (db/pg-message.ts); and as work on a drizzle transaction for PGlite. `read`
 * turns the statements' rows into the same answer `run` gives.
 */
export interface Opening<R> {
  /** Built only where they are sent (Postgres), once per transaction. */
  statements(): Statement[];
  /** The rows of each statement `statements()` gave, in order. */
  read(rows: unknown[][]): R;
  run(tx: Executor): Promise<R>;
}

/** An opening with no statement: a place kept in `openingsInOrder` for one that does not apply. */
export const nothingOpening: Opening<undefined> = { statements: () => [], read: () => undefined, run: async () => undefined };

/**
 * Openings one after another, as one: their statements in order in the one message, each
 * answer read from its own statements' rows.
 */
export function openingsInOrder<T extends unknown[]>(...parts: { [K in keyof T]: Opening<T[K]> }): Opening<T> {
  let built: Statement[][] | undefined;
  const build = () => (built ??= parts.map((o) => o.statements()));
  return {
    statements: () => build().flat(),
    read: (rows) => {
      let at = 0;
      return build().map((s, i) => {
        const own = rows.slice(at, at + s.length);
        at += s.length;
        return parts[i].read(own);
      }) as T;
    },
    run: async (tx) => {
      const out: unknown[] = [];
      for (const o of parts) out.push(await o.run(tx));
      return out as T;
    },
  };
}

/**
 * A transaction whose opening statements travel with `BEGIN` in one simple-protocol message on
 * Postgres: a round trip fewer for a short transaction, each of whose statements waits for a
 * busy event loop to resume it. On PGlite, whose queries are calls in this process, it is
 * drizzle's own transaction with the opening first. Each opening statement takes its own
 * snapshot (read committed), so a statement after a lock sees what the lock's previous holder
 * committed.
 */
export async function openedTransaction<R, T>(db: Db, opening: Opening<R>, work: (tx: Executor, opened: R) => Promise<T>): Promise<T> {
  const access = poolOf(db);
  if (!access) return db.transaction(async (tx) => work(tx, await opening.run(tx)));
  return inTransactionOn(access, async (client) => {
    const texts = await executeTexts(client, opening.statements());
    const results = await client.query(['begin', ...texts].join(';\n'));
    const all = (Array.isArray(results) ? results : [results]) as { rows?: unknown[] }[];
    // begin, then the opening's statements.
    const result = await work(wrapped(access, client), opening.read(all.slice(1).map((r) => r.rows ?? [])));
    await client.query('commit');
    return result;
  });
}

/**
 * Runs a transaction that `body` begins and commits on a checked-out connection. On an error it
 * is rolled back and the error thrown; the connection goes back to the pool only once the
 * transaction ended cleanly (committed or rolled back), and is dropped otherwise.
 */
async function inTransactionOn<T>(access: PoolAccess, body: (client: PooledClient) => Promise<T>): Promise<T> {
  const client = await access.connect();
  let clean = false;
  try {
    const result = await body(client);
    clean = true;
    return result;
  } catch (e) {
    try {
      // After an error the rest of a message is skipped and the transaction is aborted.
      await client.query('rollback');
      clean = true;
    } catch {
      // The original error says what went wrong; this connection is dropped below.
    }
    throw e;
  } finally {
    client.release(clean ? undefined : true);
  }
}

/**
 * A transaction that holds the transaction-scoped advisory lock (k1, k2) before its opening
 * statement runs; on Postgres `BEGIN`, the lock and the opening go as one message (see
 * `openedTransaction`): for every claim, two round trips fewer. They stay separate statements,
 * so the opening takes its snapshot after the lock is granted and sees what the lock's previous
 * holder committed.
 */
export async function lockedTransaction<R, T>(db: Db, k1: number, k2: number, opening: Opening<R>, work: (tx: Executor, opened: R) => Promise<T>): Promise<T> {
  const lock = advisoryLock(k1, k2);
  return openedTransaction(db, {
    statements: () => [lock, ...opening.statements()],
    read: (rows) => opening.read(rows.slice(1)),
    run: async (tx) => {
      await tx.execute(sqlOf(lock));
      return opening.run(tx);
    },
  }, work);
}

/** One drizzle wrapper per pooled connection: the pool hands the same few connections out again and again. */
const wrappers = new WeakMap<PooledClient, Db>();
function wrapped(access: { wrap(c: PooledClient): Db }, client: PooledClient): Db {
  let db = wrappers.get(client);
  if (!db) wrappers.set(client, (db = access.wrap(client)));
  return db;
}

/**
 * A whole short transaction in one simple-protocol message on Postgres: `BEGIN`, the statements
 * (each as `EXECUTE` of a statement prepared on the connection, db/pg-message.ts), `COMMIT`, and
 * one round trip instead of one per statement. Answers each statement's rows in order, once
 * committed; on PGlite (no round trips to save) it answers null and runs nothing. An error rolls
 * the transaction back and is thrown: nothing of it was committed.
 */
export async function oneMessageTransaction(db: Db, statements: Statement[]): Promise<unknown[][] | null> {
  const access = poolOf(db);
  if (!access) return null;
  return inTransactionOn(access, async (client) => {
    const texts = await executeTexts(client, statements);
    const results = await client.query(['begin', ...texts, 'commit'].join(';\n'));
    const all = (Array.isArray(results) ? results : [results]) as { rows?: unknown[] }[];
    // begin, the statements, commit: the statements' rows only.
    return all.slice(1, 1 + statements.length).map((r) => r.rows ?? []);
  });
}

/** The statement that takes the transaction-scoped advisory lock (k1, k2); both keys must be 32-bit integers. */
export function advisoryLock(k1: number, k2: number): ShapedStatement {
  for (const k of [k1, k2]) {
    if (!Number.isSafeInteger(k) || Math.abs(k) > 2 ** 31 - 1) throw new RangeError(`advisory lock keys must be 32-bit integers, got ${k1}, ${k2}`);
  }
  return shaped('advisory-lock', { k1, k2 }, (v) => sql`select pg_advisory_xact_lock(${v('k1')}::int, ${v('k2')}::int)`);
}
