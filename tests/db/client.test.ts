import { afterEach, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { openDatabase, type Database } from '../../db/client';

const url = process.env.TEST_DATABASE_URL;

/** The same server and database, its connections named so that pg_stat_activity tells the pools apart. */
const named = (name: string) => {
  const u = new URL(url!);
  u.searchParams.set('application_name', name);
  return u.toString();
};

async function backends(name: string): Promise<number> {
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  try {
    const r = await probe.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [name]);
    return r.rows[0].n;
  } finally {
    await probe.end();
  }
}

/** Makes the pool open `n` connections at once (each query holds its connection for 50 ms). */
async function burst(database: Database, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => database.db.execute('select pg_sleep(0.05)' as never)));
}

describe.skipIf(!url)('the server\'s Postgres pool', () => {
  const open: Database[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(open.splice(0).map((d) => d.close()));
  });

  it('opens all its connections at start when kept', async () => {
    const name = `kept-${process.pid}-a`;
    open.push(await openDatabase({ url: named(name), poolSize: 3, keepConnections: true }));
    await vi.waitFor(async () => expect(await backends(name)).toBe(3), { timeout: 5000, interval: 20 });
  });

  it('keeps them past the idle timeout that closes an ordinary pool\'s', async () => {
    // Only the pools' timers are faked: their sockets are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const kept = `kept-${process.pid}-b`;
    const ordinary = `ordinary-${process.pid}-b`;
    const a = await openDatabase({ url: named(kept), poolSize: 3, keepConnections: true });
    const b = await openDatabase({ url: named(ordinary), poolSize: 3 });
    open.push(a, b);
    await burst(a, 3);
    await burst(b, 3);
    expect(await backends(kept)).toBe(3);
    expect(await backends(ordinary)).toBe(3);
    // pg-pool closes a connection idle for 10 s unless the pool is at its minimum.
    vi.advanceTimersByTime(11_000);
    await vi.waitFor(async () => expect(await backends(ordinary)).toBe(0), { timeout: 5000, interval: 20 });
    expect(await backends(kept)).toBe(3);
  });
});
