import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PooledClient } from '../../db/client';
import { executeTexts, literalOf, preparedCount } from '../../db/pg-message';

const url = process.env.TEST_DATABASE_URL;

/** A connection as a transaction holds it, every message it is sent recorded. */
function recorded(client: pg.Client): PooledClient & { sent: string[] } {
  const sent: string[] = [];
  return { sent, query: (text: string) => { sent.push(text); return client.query(text); }, release: () => {} };
}

describe.skipIf(!url)('statements in a message, executed by name (Postgres)', () => {
  let client: pg.Client;
  beforeEach(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('create temporary table probe (id int primary key, s text, j jsonb, at timestamptz, b boolean, bytes bytea, big bigint, r real)');
  });
  afterEach(async () => { await client.end(); });

  /** Runs the statements as EXECUTE texts in one message; the last statement's rows. */
  async function run(on: PooledClient, ...statements: Parameters<typeof executeTexts>[1]) {
    const texts = await executeTexts(on, statements);
    const results = await on.query(texts.join(';\n'));
    const all = (Array.isArray(results) ? results : [results]) as { rows: unknown[] }[];
    return all[all.length - 1].rows;
  }

  it('stores and reads every kind of value exactly as a bound parameter does', async () => {
    const on = recorded(client);
    const strings = ["it's", 'back\\slash', '$$ dollars $$', "'); drop table probe; --", 'ünïcødé ✓ 😀', '', "E'x'", '\\x41'];
    for (const [i, s] of strings.entries()) {
      await run(on, sql`insert into probe (id, s, j, at, b, bytes, big, r) values (${i}, ${s}, ${JSON.stringify({ k: s, n: [1, 2] })}::jsonb,
        ${new Date(Date.UTC(2026, 0, 1, 0, 0, i, 5))}, ${i % 2 === 0}, ${Buffer.from([0, 39, 92, 255])}, ${2n ** 60n + BigInt(i)}, ${0.1 * i})`);
    }
    const viaMessage = await run(on, sql`select * from probe where id >= ${0} order by id`);
    const viaBind = (await client.query('select * from probe where id >= $1 order by id', [0])).rows;
    expect(viaMessage).toEqual(viaBind);
    expect(viaBind.map((r) => r.s)).toEqual(strings);
    expect(viaBind[3]).toMatchObject({ j: { k: "'); drop table probe; --", n: [1, 2] }, b: false, big: String(2n ** 60n + 3n), bytes: Buffer.from([0, 39, 92, 255]) });
    expect((viaBind[5].at as Date).toISOString()).toBe('2026-01-01T00:00:05.005Z');
    // Null, and no value written into any statement's text: every insert was one prepared statement.
    await run(on, sql`update probe set s = ${null} where id = ${7}`);
    expect((await client.query('select s from probe where id = 7')).rows).toEqual([{ s: null }]);
    const prepares = on.sent.filter((m) => m.startsWith('prepare'));
    expect(prepares).toHaveLength(3);
    expect(prepares.filter((m) => /drop table|ünï|2026/.test(m))).toEqual([]);
  });

  it('prepares a statement once per connection and sends it by name afterwards', async () => {
    const on = recorded(client);
    for (let i = 0; i < 3; i++) expect(await run(on, sql`select ${i}::int as x`)).toEqual([{ x: i }]);
    expect(on.sent.filter((m) => m.startsWith('prepare'))).toHaveLength(1);
    expect(on.sent.filter((m) => /^execute tandem_m\d+\('\d'\)$/.test(m))).toHaveLength(3);
    expect(preparedCount(on)).toBe(1);
  });

  it('leaves nothing behind when Postgres refuses to prepare a statement, and the connection goes on', async () => {
    const on = recorded(client);
    await expect(executeTexts(on, [sql`select * from no_such_table where id = ${1}`])).rejects.toThrow(/no_such_table/);
    expect(preparedCount(on)).toBe(0);
    expect(await run(on, sql`select ${5}::int as x`)).toEqual([{ x: 5 }]);
  });

  it('deallocates the least recently used statement past its capacity', async () => {
    const on = recorded(client);
    for (const name of ['a', 'b', 'a', 'c']) await on.query((await executeTexts(on, [sql.raw(`select 1 as ${name}`)], 2))[0]);
    expect(preparedCount(on)).toBe(2);
    expect(on.sent.filter((m) => m.startsWith('deallocate'))).toHaveLength(1);
    const { rows } = await client.query<{ statement: string }>('select statement from pg_prepared_statements order by statement');
    expect(rows.map((r) => r.statement.replace(/^prepare tandem_m\d+ as /i, ''))).toEqual(['select 1 as a', 'select 1 as c']);
  });

  it('refuses a value Postgres could not store instead of cutting the statement short', () => {
    expect(() => literalOf('a\0b')).toThrow(RangeError);
    expect(literalOf(null)).toBe('null');
    expect(literalOf("it's")).toBe("'it''s'");
    expect(literalOf('back\\slash')).toBe(" E'back\\\\slash'");
  });
});
