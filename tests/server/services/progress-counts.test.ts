import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { imports, items } from '../../../db/schema';
import { countProjectItems } from '../../../db/queries/projects';
import { createProgressCounts } from '../../../server/services/progress-counts';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe.each(DATABASE_KINDS)('live progress counts on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('equal a full count after labels and after an import (the totals by split re-read when an import came)', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 40, annotators: 1 });
    const ids = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.id);
    await db.update(items).set({ split: 'holdout' }).where(inArray(items.id, ids.slice(0, 8)));
    const counts = createProgressCounts(db);
    expect(await counts(project.id)).toEqual(await countProjectItems(db, project.id));

    for (let k = 0; k < 5; k++) {
      const [l] = await services.queue.claim(annotators[0], project.id, 1);
      await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: `progress-${k}-${l.leaseId}` });
    }
    const afterLabels = await counts(project.id);
    expect(afterLabels).toEqual(await countProjectItems(db, project.id));
    expect(afterLabels.labeled).toBe(5);

    // An import adds items and records itself; the totals follow.
    const [imp] = await db.insert(imports).values({ projectId: project.id, source: 'test', added: 3 }).returning();
    await db.insert(items).values([0, 1, 2].map((i) => ({
      projectId: project.id, media: `y/${i}.png`, mediaType: 'image/png', contentHash: `import-${imp.id}-${i}`,
      sourceName: `y${i}.png`, groupKey: `y${i}`, split: 'pool' as const, dealKey: i / 3,
    })));
    const afterImport = await counts(project.id);
    expect(afterImport).toEqual(await countProjectItems(db, project.id));
    expect(afterImport).toMatchObject({ items: 43, pool: 35, holdout: 8, labeled: 5 });
  });
});
