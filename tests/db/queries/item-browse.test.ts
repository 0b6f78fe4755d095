import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { browseItems, type BrowseQuery } from '../../../db/queries/item-browse';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/**
 * The resolved class is checked on the walk's rows in bounded batches: a page may end early when
 * matches are rare, and walking on through `next` still finds every match exactly once, in order.
 */
describe.each(DATABASE_KINDS)('browsing by a costly filter on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('ends a page early after its bounded batches and continues where the walk stopped, missing nothing', async () => {
    const { project } = await buildProject(database.db, { n: 200, annotators: 0 });
    // Every item answered by an import; every 7th is a "dog", the rest "cat".
    await database.db.execute(sql`insert into annotations (project_id, item_id, action, payload, source)
      select ${project.id}, id, 'label', jsonb_build_object('task', 'classification', 'label', case when id % 7 = 0 then 'dog' else 'cat' end), 'import'
      from items where project_id = ${project.id}`);
    // A lead decided "cat" on those not a multiple of 3: an item with a "dog" answer that does not resolve to dog
    // passes the walk's cheap check (it has a dog answer) and fails the costly one.
    await database.db.execute(sql`insert into annotations (project_id, item_id, action, payload, source)
      select ${project.id}, id, 'label', jsonb_build_object('task', 'classification', 'label', 'cat'), 'review'
      from items where project_id = ${project.id} and id % 3 <> 0`);
    await database.db.execute(sql`update items set status = 'resolved' where project_id = ${project.id}`);
    const dogs = ((await database.db.execute(sql`select id from items where project_id = ${project.id} and id % 7 = 0 and id % 3 = 0 order by id desc`)) as unknown as { rows: { id: number }[] }).rows.map((r) => Number(r.id));
    expect(dogs.length).toBeGreaterThan(3);

    for (const sort of ['id', 'newest'] as const) {
      const seen: number[] = [];
      let shortPages = 0;
      let q: BrowseQuery = { projectId: project.id, rankingId: null, filter: { class: 'dog' }, sort, limit: 3, bounds: { batch: 4, rounds: 2 } };
      for (let page = 0; page < 40; page++) {
        const r = await browseItems(database.db, q);
        seen.push(...r.rows.map((x) => x.id));
        if (r.rows.length < 3 && r.next) shortPages++;
        if (!r.next) break;
        q = { ...q, after: r.next };
      }
      expect(new Set(seen).size, sort).toBe(seen.length);
      expect([...seen].sort((a, b) => b - a), sort).toEqual(dogs);
      // 8 rows with a dog answer walked per page at most: fewer than 3 resolved dogs among them ends the page early.
      expect(shortPages, sort).toBeGreaterThan(0);
    }
  });
});
