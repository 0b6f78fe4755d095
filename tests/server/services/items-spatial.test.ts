import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** The items page and an item's page for box and skeleton projects: answers summarised and drawn, fixed by a lead. */
describe.each(DATABASE_KINDS)('items of spatial projects on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('summarises box answers in the grid and gives the item page every box to draw; a lead fixes it by accepting or writing one', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 3, annotators: 1, leads: 1, task: { taskType: 'boxes', classes: ['car', 'bike'] } });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const boxes = [{ class: 'car', x: 1, y: 2, w: 10, h: 5 }, { class: 'bike', x: 20, y: 2, w: 4, h: 4 }, { class: 'car', x: 30, y: 9, w: 3, h: 3 }];
    const { annotationId } = await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, answer: { boxes }, clientKey: 'boxes-key-1' });
    const page = await services.items.browse(leads[0], project.id, {});
    expect(page.items).toMatchObject([{ id: l.itemId, resolved: { summary: '3 boxes: 2 car, 1 bike', class: null } }]);
    // No class filter for boxes: a box answer has no one class.
    expect((await services.items.browse(leads[0], project.id, { class: 'car' })).items).toEqual([]);
    const d = await services.items.detail(leads[0], project.id, l.itemId);
    expect(d.task.task).toBe('boxes');
    expect(d.history[0].answer).toEqual({ task: 'boxes', boxes });
    await services.review.decide(leads[0], project.id, l.itemId, { answer: { boxes: boxes.slice(0, 2) }, reason: 'the third is a shadow' });
    const after = await services.items.detail(leads[0], project.id, l.itemId);
    expect(after.history.map((h) => [h.summary, h.source, h.replaces])).toEqual([['3 boxes: 2 car, 1 bike', 'human', null], ['2 boxes: 1 bike, 1 car', 'review', annotationId]]);
  });

  it('summarises skeletons and hands the item page the skeleton\'s points', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 2, annotators: 1, leads: 1, task: { taskType: 'keypoints', classes: ['person'], skeleton: 'coco17' } });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const points = Array.from({ length: 17 }, (_, k) => ({ x: 10 + k, y: 20 + k, v: (k < 12 ? 2 : 0) as 0 | 2 }));
    await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, answer: { instances: [{ points }] }, clientKey: 'pose-key-1' });
    expect((await services.items.browse(leads[0], project.id, {})).items[0].resolved?.summary).toBe('1 skeleton, 12 points');
    const mine = await services.myAnswers.list(annotators[0], project.id, {});
    expect(mine.answers[0]).toMatchObject({ summary: '1 skeleton, 12 points', outcome: { kind: 'kept' } });
    const d = await services.items.detail(annotators[0], project.id, l.itemId);
    expect(d.history[0].answer).toMatchObject({ task: 'keypoints', instances: [{ points }] });
  });
});
