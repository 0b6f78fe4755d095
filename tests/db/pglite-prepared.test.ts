import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { preparePgliteStatements, type PreparableClient } from '../../db/pglite-prepared';
import { TEMPLATE_DIR, TMP_ROOT } from '../fixtures/paths';

/** What the session holds prepared now (asked with `exec`, which the layer leaves alone). */
async function preparedNames(pg: PGlite): Promise<string[]> {
  const [r] = await pg.exec('select name from pg_prepared_statements order by name');
  return r.rows.map((x) => (x as { name: string }).name);
}

describe('PGlite statements prepared once and executed by name', () => {
  let pg: PGlite;
  let dir: string;
  beforeEach(async () => {
    dir = path.join(TMP_ROOT, `prepared-${crypto.randomBytes(4).toString('hex')}`);
    fs.cpSync(TEMPLATE_DIR, dir, { recursive: true });
    pg = await PGlite.create(dir);
    await pg.exec(`create table t (id int primary key, s text, j jsonb, at timestamptz, b boolean, bytes bytea, big bigint)`);
  });
  afterEach(async () => {
    await pg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers exactly as the unprepared statement does, for every kind of value, once prepared', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 2 });
    const insert = 'insert into t (id, s, j, at, b, bytes, big) values ($1, $2, $3, $4, $5, $6, $7) returning *';
    const strings = ["it's", 'back\\slash', '$$ dollars $$', 'ünïcødé ✓', '', "'); drop table t; --"];
    const inserted = [];
    for (const [i, s] of strings.entries()) {
      inserted.push((await pg.query(insert, [i, s, { k: s, n: [1, 2] }, new Date(Date.UTC(2026, 0, 1, 0, 0, i)), i % 2 === 0, new Uint8Array([0, 39, 255]), 2n ** 60n + BigInt(i)])).rows[0]);
    }
    expect(layer.stats.executed).toBe(strings.length - 1);
    expect(await preparedNames(pg)).toEqual(['tandem_q1']);
    const read = 'select * from t where id = $1 and s = $2';
    const rows = [];
    for (const [i, s] of strings.entries()) rows.push((await pg.query(read, [i, s])).rows[0]);
    expect(rows).toEqual(inserted);
    expect(rows.map((r) => (r as { s: string }).s)).toEqual(strings);
    expect(rows[0]).toMatchObject({ j: { k: "it's", n: [1, 2] }, b: true, big: 2n ** 60n, bytes: new Uint8Array([0, 39, 255]) });
    // Nulls, array rows and a count of rows changed.
    const update = 'update t set s = $1 where id >= $2';
    const count = 'select count(*)::int as n from t where s is null';
    expect((await pg.query(update, [null, 10])).affectedRows).toBe(0);
    expect((await pg.query(count, [], { rowMode: 'array' })).rows).toEqual([[0]]);
    expect((await pg.query(update, [null, 3])).affectedRows).toBe(3);
    expect((await pg.query(count, [], { rowMode: 'array' })).rows).toEqual([[3]]);
    expect(layer.stats.executed).toBe(strings.length - 1 + strings.length - 1 + 1 + 1);
  });

  it('leaves statements seen fewer times, several statements in one text and anything but queries unprepared', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 3 });
    await pg.query('select $1::int as x', [1]);
    await pg.query('select $1::int as x', [1]);
    expect(layer.stats.prepared).toBe(0);
    expect((await pg.query('select $1::int as x', [7])).rows).toEqual([{ x: 7 }]);
    expect(layer.stats.prepared).toBe(1);
    for (let i = 0; i < 3; i++) await pg.query('set application_name = tandem');
    for (let i = 0; i < 3; i++) await expect(pg.query('select 1; select 2')).rejects.toThrow(/multiple commands/);
    expect(await preparedNames(pg)).toEqual(['tandem_q1']);
  });

  it('falls back to the ordinary call inside a transaction without aborting it when a statement cannot be prepared', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 1 });
    // The name the layer would take is in use: its PREPARE fails.
    await pg.exec('prepare tandem_q1 as select 1');
    const result = await pg.transaction(async (tx) => {
      await tx.query('insert into t (id, s) values ($1, $2)', [1, 'kept']);
      return (await tx.query<{ s: string }>('select s from t where id = $1', [1])).rows;
    });
    expect(result).toEqual([{ s: 'kept' }]);
    expect(layer.stats.refused).toBe(1);
    expect((await pg.query('select s from t')).rows).toEqual([{ s: 'kept' }]);
  });

  it('keeps statements prepared in a transaction that was rolled back', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 1 });
    await expect(pg.transaction(async (tx) => {
      await tx.query('insert into t (id, s) values ($1, $2)', [1, 'gone']);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(layer.stats.prepared).toBe(1);
    await pg.query('insert into t (id, s) values ($1, $2)', [2, 'here']);
    expect(layer.stats.executed).toBe(2);
    expect((await pg.query('select id, s from t')).rows).toEqual([{ id: 2, s: 'here' }]);
  });

  it('prepares a statement once when its first uses come at the same time, in and out of a transaction', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 1 });
    const read = 'select $1::int as x';
    const outside = Array.from({ length: 5 }, (_, i) => pg.query(read, [i]));
    const inside = pg.transaction(async (tx) => (await tx.query(read, [9])).rows);
    const answers = await Promise.all([...outside, inside]);
    expect(answers.slice(0, 5).map((r) => (r as { rows: unknown[] }).rows)).toEqual([0, 1, 2, 3, 4].map((x) => [{ x }]));
    expect(answers[5]).toEqual([{ x: 9 }]);
    expect(layer.stats.prepared).toBe(1);
    expect(await preparedNames(pg)).toEqual(['tandem_q1']);
    expect((await pg.query(read, [7])).rows).toEqual([{ x: 7 }]);
    expect(layer.stats.executed).toBeGreaterThanOrEqual(2);
  });

  it('deallocates the least recently used statement past its capacity, at the next call outside a transaction', async () => {
    const layer = preparePgliteStatements(pg as unknown as PreparableClient, { after: 1, capacity: 2 });
    await pg.query('select $1::int as a', [1]);
    await pg.query('select $1::int as b', [1]);
    await pg.query('select $1::int as a', [1]);
    await pg.query('select $1::int as c', [1]);
    await pg.query('select $1::int as a', [1]);
    await pg.query('select $1::int as d', [1]);
    expect(layer.stats.deallocated).toBe(1);
    expect(await preparedNames(pg)).toEqual(['tandem_q1', 'tandem_q3', 'tandem_q4']);
    // `b` was the least recently used: gone, and prepared again under a new name when it comes back.
    expect(layer.textOf('tandem_q2')).toBeUndefined();
    expect((await pg.query('select $1::int as b', [5])).rows).toEqual([{ b: 5 }]);
  });

  it('with ownParsers, answers calls that pass identity parsers (as drizzle does) as PGlite would, and other parsers still apply', async () => {
    await pg.query('insert into t (id, at) values (1, $1)', ['2026-01-02T03:04:05Z']);
    const identity = { parsers: { 1184: (v: unknown) => v, 1114: (v: unknown) => v } };
    const expected = await pg.query('select id, at from t', [], identity);
    expect(typeof (expected.rows[0] as { at: unknown }).at).toBe('string');
    preparePgliteStatements(pg as unknown as PreparableClient, { ownParsers: true });
    for (let i = 0; i < 3; i++) expect(await pg.query('select id, at from t', [], identity)).toEqual(expected);
    const parsed = await pg.query<{ at: unknown }>('select id, at from t', [], { parsers: { 1184: (v: unknown) => `at ${v}` } });
    expect(parsed.rows[0].at).toBe(`at ${(expected.rows[0] as { at: string }).at}`);
  });
});
