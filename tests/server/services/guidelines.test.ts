import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** A project's labeling instructions: leads write Markdown and example items per class, every member reads them. */
describe.each(DATABASE_KINDS)('guidelines on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('stores what a lead writes with examples per class, and every member reads it', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 3, annotators: 1, leads: 1 });
    const ids = (await services.items.browse(leads[0], project.id, { sort: 'id' })).items.map((i) => i.id).sort((a, b) => a - b);
    expect(await services.guidelines.get(annotators[0], project.id)).toBeNull();
    const saved = await services.guidelines.update(leads[0], project.id, { markdown: '# Cats\n\nWhiskers **and** ears.', examples: { cat: [ids[0], ids[1], ids[0]], dog: [] } });
    expect(saved).toMatchObject({ markdown: '# Cats\n\nWhiskers **and** ears.', examples: { cat: [ids[0], ids[1]] } });
    expect(await services.guidelines.get(annotators[0], project.id)).toEqual(saved);
    await services.guidelines.update(leads[0], project.id, { markdown: '  ', examples: {} });
    expect(await services.guidelines.get(annotators[0], project.id)).toBeNull();
  });

  it('refuses an annotator, an unknown class, an item of another project and overlong text, keeping what was there', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 2, annotators: 1, leads: 1 });
    const other = await services.projects.create({ userId: 0, role: 'admin' }, { slug: 'other', classes: ['a', 'b'] });
    const before = await services.guidelines.update(leads[0], project.id, { markdown: 'kept', examples: {} });
    await expect(services.guidelines.update(annotators[0], project.id, { markdown: 'mine now', examples: {} })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.guidelines.update(leads[0], project.id, { markdown: 'x', examples: { horse: [1] } })).rejects.toMatchObject({ code: 'bad_request', message: '"horse" is not a class of this project.' });
    await expect(services.guidelines.update(leads[0], project.id, { markdown: 'x', examples: { cat: [999_999] } })).rejects.toMatchObject({ message: expect.stringMatching(/^No item 999999 in this project/) });
    await expect(services.guidelines.update(leads[0], project.id, { markdown: 'x'.repeat(50_001), examples: {} })).rejects.toMatchObject({ message: 'The guidelines are at most 50,000 characters.' });
    await expect(services.guidelines.get(leads[0], other.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await services.guidelines.get(annotators[0], project.id)).toEqual(before);
  });
});
