import { sql } from 'drizzle-orm';
import { poolOf, type Db, type Executor, type PooledClient } from './client';

/**
 * The statement a transaction opens with, in two forms: as text for Postgres, where it travels
 * in one message with `BEGIN` (and a locked transaction's lock), so its every value must be one the caller
 * generated and checked (integers, `Date#toISOString`), never user input; and as a drizzle
 * query for PGlite. `read` turns the text form's rows into the same answer.
 */
export interface Opening<R> {
  /** Built only where it is sent (Postgres). */
  text(): string;
  read(rows: unknown[]): R;
  run(tx: Executor): Promise<R>;
}

/**
 * A transaction whose opening statement travels with `BEGIN` in one simple-protocol message on
 * Postgres: a round trip fewer for a short transaction, each of whose statements waits for a
 * busy event loop to resume it. On PGlite, whose queries are calls in this process, it is
 * drizzle's own transaction with the opening statement first. The opening text may hold several
 * statements; each takes its own snapshot (read committed), so a statement after a lock sees
 * what the lock's previous holder committed. `read` gets the last statement's rows.
 */
export async function openedTransaction<R, T>(db: Db, opening: Opening<R>, work: (tx: Executor, opened: R) => Promise<T>): Promise<T> {
  const access = poolOf(db);
  if (!access) return db.transaction(async (tx) => work(tx, await opening.run(tx)));
  const client = await access.connect();
  // Released for reuse only once the transaction ended cleanly (committed or rolled back).
  let clean = false;
  try {
    let result: T;
    try {
      const results = await client.query(`begin; ${opening.text()}`);
      const last = (Array.isArray(results) ? results[results.length - 1] : results) as { rows: unknown[] };
      result = await work(wrapped(access, client), opening.read(last.rows));
    } catch (e) {
      try {
        await client.query('rollback');
        clean = true;
      } catch {
        // The original error says what went wrong; this connection is dropped below.
      }
      throw e;
    }
    await client.query('commit');
    clean = true;
    return result;
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
  for (const k of [k1, k2]) {
    if (!Number.isSafeInteger(k) || Math.abs(k) > 2 ** 31 - 1) throw new RangeError(`advisory lock keys must be 32-bit integers, got ${k1}, ${k2}`);
  }
  return openedTransaction(db, {
    // Both keys are checked integers: nothing user-supplied is spliced into the text.
    text: () => `select pg_advisory_xact_lock(${k1}::int, ${k2}::int); ${opening.text()}`,
    read: opening.read,
    run: async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${k1}::int, ${k2}::int)`);
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
