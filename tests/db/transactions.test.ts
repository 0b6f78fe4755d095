import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { poolOf, type Database } from '../../db/client';
import { advisoryLock, lockedTransaction, nothingOpening, oneMessageTransaction, openingsInOrder, type Opening } from '../../db/transactions';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../fixtures/database';
import { recordMessages } from '../fixtures/database-messages';

const rowsOf = (res: unknown) => (res as { rows: { n: number }[] }).rows;
/** How many probe rows the opening statement saw. */
const countProbes: Opening<number> = {
  statements: () => [sql`select count(*)::int as n from probe`],
  read: ([rows]) => (rows as { n: number }[])[0].n,
  run: async (tx) => rowsOf(await tx.execute(sql`select count(*)::int as n from probe`))[0].n,
};
/** A promise and the function that resolves it: a step one transaction waits for and another takes. */
function signal() {
  let give!: () => void;
  const given = new Promise<void>((r) => { give = r; });
  return { give, given };
}
/** Fails a wait that should end at once instead of hanging the test (and, with it, the database's close). */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
/** Transactions of this database waiting for an advisory lock (Postgres only). */
async function waitingForLocks(database: Database) {
  return rowsOf(await database.db.execute(sql`select count(*)::int as n from pg_locks
    where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`))[0].n;
}

describe.each(DATABASE_KINDS)('lockedTransaction %s', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    await database.db.execute(sql`create table probe (id serial primary key, note text)`);
  });
  afterEach(async () => { await database.close(); });

  it(`opens after the lock is granted, so its opening sees what the lock's last holder committed (${dbLabel(kind)})`, async () => {
    const order: string[] = [];
    const holding = signal();
    const letGo = signal();
    const first = lockedTransaction(database.db, 7, 1, countProbes, async (tx, seen) => {
      order.push(`first saw ${seen}`);
      await tx.execute(sql`insert into probe (note) values ('first')`);
      holding.give();
      await letGo.given;
      return seen;
    });
    await Promise.race([holding.given, first]);
    const second = lockedTransaction(database.db, 7, 1, countProbes, async (_tx, seen) => {
      order.push(`second saw ${seen}`);
      return seen;
    });
    try {
      // The first commits only once the second waits for the lock. PGlite runs one transaction at a time: there the second can only queue.
      if (kind === 'postgres') await expect.poll(() => waitingForLocks(database), { timeout: 20_000 }).toBe(1);
    } finally {
      letGo.give();
    }
    expect(await Promise.all([first, second])).toEqual([0, 1]);
    expect(order).toEqual(['first saw 0', 'second saw 1']);
  });

  it(`does not wait for a holder of other keys (${dbLabel(kind)})`, async () => {
    // PGlite runs one statement at a time in this process: there two transactions cannot overlap at all.
    if (kind === 'pglite') return;
    const holding = signal();
    const letGo = signal();
    const holder = lockedTransaction(database.db, 7, 1, countProbes, async (tx) => {
      await tx.execute(sql`insert into probe (note) values ('holder')`);
      holding.give();
      await letGo.given;
    });
    await Promise.race([holding.given, holder]);
    try {
      // Were it to wait for the holder, it would wait for ever: it must end while the holder holds.
      const other = await within(lockedTransaction(database.db, 7, 2, countProbes, async (_tx, seen) => seen), 20_000, 'a transaction on other keys');
      expect(other).toBe(0);
    } finally {
      letGo.give();
      await holder;
    }
  });

  it(`rolls back on an error, passes the error on, and leaves the lock and the connection usable (${dbLabel(kind)})`, async () => {
    await expect(lockedTransaction(database.db, 7, 1, countProbes, async (tx) => {
      await tx.execute(sql`insert into probe (note) values ('lost')`);
      throw new Error('the work failed');
    })).rejects.toThrow('the work failed');
    // A failed statement aborts the transaction; the rollback still ends it cleanly.
    await expect(lockedTransaction(database.db, 7, 1, countProbes, async (tx) => {
      await tx.execute(sql`insert into probe (id, note) values (1, 'a'), (1, 'b')`);
    })).rejects.toThrow();
    const seen = await lockedTransaction(database.db, 7, 1, countProbes, async (tx, n) => {
      await tx.execute(sql`insert into probe (note) values ('kept')`);
      return n;
    });
    expect(seen).toBe(0);
    expect(rowsOf(await database.db.execute(sql`select count(*)::int as n from probe`))[0].n).toBe(1);
  });

  it(`takes the one-message path on Postgres and drizzle's own transaction on PGlite (${dbLabel(kind)})`, async () => {
    expect(poolOf(database.db) !== undefined).toBe(kind === 'postgres');
  });

  it(`refuses keys that are not 32-bit integers before touching the database (${dbLabel(kind)})`, async () => {
    for (const [a, b] of [[1.5, 1], [1, 2 ** 31], [Number.NaN, 1]]) {
      await expect(lockedTransaction(database.db, a, b, countProbes, async () => 0)).rejects.toThrow(RangeError);
    }
  });
});

describe.each(DATABASE_KINDS)('oneMessageTransaction %s', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    await database.db.execute(sql`create table probe (id serial primary key, note text)`);
  });
  afterEach(async () => { await database.close(); });
  const notes = async () => (await database.db.execute(sql`select note from probe order by id`) as unknown as { rows: { note: string }[] }).rows.map((r) => r.note);

  it(`commits every statement and answers each one's rows in order on Postgres; runs nothing on PGlite (${dbLabel(kind)})`, async () => {
    const rows = await oneMessageTransaction(database.db, [
      advisoryLock(7, 1),
      sql`insert into probe (note) values (${'a'}), (${'b'}) returning note`,
      sql`select count(*)::int as n from probe`,
    ]);
    if (kind === 'pglite') {
      expect(rows).toBeNull();
      expect(await notes()).toEqual([]);
      return;
    }
    expect(rows).toHaveLength(3);
    expect(rows![1]).toEqual([{ note: 'a' }, { note: 'b' }]);
    // A statement sees the ones before it in the same transaction.
    expect(rows![2]).toEqual([{ n: 2 }]);
    expect(await notes()).toEqual(['a', 'b']);
  });

  it(`commits nothing when a statement fails, passes the error on, and leaves the connection usable (${dbLabel(kind)})`, async () => {
    if (kind === 'pglite') return;
    await expect(oneMessageTransaction(database.db, [
      sql`insert into probe (note) values ('lost')`,
      sql`insert into probe (id, note) values (1, 'x'), (1, 'y')`,
      sql`insert into probe (note) values ('never run')`,
    ])).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([]);
    for (let i = 0; i < 3; i++) await oneMessageTransaction(database.db, [sql`insert into probe (note) values ('kept')`]);
    expect(await notes()).toEqual(['kept', 'kept', 'kept']);
  });

  it(`stores any string as one value, quotes, backslashes, semicolons and all (${dbLabel(kind)})`, async () => {
    if (kind === 'pglite') return;
    const nasty = ["it's", 'back\\slash', "'); drop table probe; --", 'ünïcödé ✓ 😀', '', '$$ $tag$ E\'x\'', '\\x41'];
    for (const s of nasty) await oneMessageTransaction(database.db, [sql`insert into probe (note) values (${s})`]);
    expect(await notes()).toEqual(nasty);
  });

  it(`refuses lock keys that are not 32-bit integers before touching the database (${dbLabel(kind)})`, () => {
    expect(() => advisoryLock(1.5, 1)).toThrow(RangeError);
    expect(() => advisoryLock(1, 2 ** 31)).toThrow(RangeError);
  });
});

describe.each(DATABASE_KINDS)('openingsInOrder %s', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    await database.db.execute(sql`create table probe (id serial primary key, note text)`);
    await database.db.execute(sql`insert into probe (note) values ('a'), ('b')`);
  });
  afterEach(async () => { await database.close(); });
  const notesOpening: Opening<string[]> = {
    statements: () => [sql`select note from probe order by id`],
    read: ([rows]) => (rows as { note: string }[]).map((r) => r.note),
    run: async (tx) => (await tx.execute(sql`select note from probe order by id`) as unknown as { rows: { note: string }[] }).rows.map((r) => r.note),
  };

  it(`answers each opening from its own statements' rows, in order, in the transaction's first message on Postgres (${dbLabel(kind)})`, async () => {
    const sent = kind === 'postgres' ? recordMessages(database) : [];
    const opened = await lockedTransaction(database.db, 7, 1, openingsInOrder(countProbes, nothingOpening, notesOpening), async (_tx, o) => o);
    expect(opened).toEqual([2, undefined, ['a', 'b']]);
    if (kind === 'postgres') {
      expect(sent.filter((m) => !m.startsWith('prepare '))).toEqual([expect.stringMatching(/^begin;\nexecute tandem_m\d+\('7', '1'\);\nexecute tandem_m\d+;\nexecute tandem_m\d+$/), 'commit']);
    }
  });
});
