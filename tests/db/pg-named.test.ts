import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { nameRepeatedStatements } from '../../db/pg-named';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('Postgres statements named once they repeat', () => {
  it('sends a repeated statement by name, parsed once per connection, with the same answers', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const stats = nameRepeatedStatements(pool, { after: 2 });
    try {
      const text = 'select $1::int + 1 as n, $2::text as s';
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await pool.query({ text }, [i, `it's ${i}`])).rows[0]);
      expect(answers).toEqual([0, 1, 2, 3].map((i) => ({ n: i + 1, s: `it's ${i}` })));
      expect(stats).toEqual({ named: 1, sent: 3 });
      const held = await pool.query('select name, statement from pg_prepared_statements');
      expect(held.rows).toEqual([{ name: 'tandem_s1', statement: text }]);
    } finally {
      await pool.end();
    }
  });

  it('gives one text one name on every connection, and leaves texts seen once, several statements and named queries alone', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const stats = nameRepeatedStatements(pool, { after: 2 });
    try {
      const text = 'select pg_sleep(0.05), $1::int as n';
      // Two at once: two connections, one name.
      for (let round = 0; round < 3; round++) await Promise.all([pool.query({ text }, [1]), pool.query({ text }, [2])]);
      expect(stats.named).toBe(1);
      await pool.query({ text: 'select 1 as once' });
      for (let i = 0; i < 3; i++) await pool.query('select 1; select 2');
      for (let i = 0; i < 3; i++) await pool.query({ text: 'select 3 as mine', name: 'mine' });
      expect(stats.named).toBe(1);
      const names = await Promise.all([pool.connect(), pool.connect()].map(async (c) => {
        const client = await c;
        try {
          return (await client.query('select name from pg_prepared_statements order by name')).rows.map((r) => r.name);
        } finally {
          client.release();
        }
      }));
      expect(names.flat().filter((n) => n.startsWith('tandem_'))).toEqual(['tandem_s1', 'tandem_s1']);
    } finally {
      await pool.end();
    }
  });
});
