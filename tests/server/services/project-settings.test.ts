import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { createTrainingService, DEFAULT_TRAINING } from '../../../server/services/training';
import { SYSTEM } from '../../../server/services/access';
import { resolveProjectSettings } from '../../../lib/protocol/project-settings';

const resolveTrainingSettings = (stored: Record<string, unknown>, defaults: { retrainEvery: number; retrainSeconds: number }) => resolveProjectSettings(stored, defaults).training;
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe('resolveProjectSettings: the training part', () => {
  it('takes the project\'s own values and falls back to the defaults, also for broken stored values', () => {
    const defaults = { retrainEvery: 10, retrainSeconds: 30 };
    expect(resolveTrainingSettings({}, defaults)).toEqual({ strategy: 'auto', retrainEvery: 10, retrainSeconds: 30 });
    expect(resolveTrainingSettings({ strategy: 'margin', retrainEvery: 3 }, defaults)).toEqual({ strategy: 'margin', retrainEvery: 3, retrainSeconds: 30 });
    expect(resolveTrainingSettings({ strategy: 'nope', retrainEvery: -1, retrainSeconds: 'x' }, defaults)).toEqual({ strategy: 'auto', retrainEvery: 10, retrainSeconds: 30 });
  });
});

describe.each(DATABASE_KINDS)('project training settings on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('lets leads and admins steer, refuses annotators and outsiders, and refuses bad values changing nothing', async () => {
    const s = await buildProject(database.db, { n: 5, leads: 1 });
    const id = s.project.id;
    expect(await s.services.projects.updateSettings(s.leads[0], id, { strategy: 'margin', retrainEvery: 5 })).toEqual({ strategy: 'margin', retrainEvery: 5 });
    expect(await s.services.projects.updateSettings(SYSTEM, id, { retrainSeconds: 120, retrainEvery: null })).toEqual({ strategy: 'margin', retrainSeconds: 120 });
    await expect(s.services.projects.updateSettings(s.annotators[0], id, { strategy: 'random' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.services.projects.updateSettings(s.outsider, id, { strategy: 'random' })).rejects.toMatchObject({ code: 'not_found' });
    for (const bad of [{ strategy: 'nope' }, { retrainEvery: 0 }, { retrainSeconds: -3 }, { retrainEvery: 1.5 }, {}, { colour: 'red' }]) {
      await expect(s.services.projects.updateSettings(SYSTEM, id, bad as never), JSON.stringify(bad)).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect((await s.services.projects.get(SYSTEM, id)).settings).toEqual({ strategy: 'margin', retrainSeconds: 120 });
  });

  it('retrains on the project\'s own cadence and gives trainers its strategy', async () => {
    const s = await buildProject(database.db, { n: 10 });
    const training = createTrainingService(database.db, { ...DEFAULT_TRAINING, retrainEvery: 100 });
    await s.services.projects.updateSettings(SYSTEM, s.project.id, { retrainEvery: 2, strategy: 'entropy' });
    const me = s.annotators[0];
    for (let i = 0; i < 2; i++) {
      expect(await training.maybeEnqueue(s.project.id)).toBe(false);
      const [l] = await s.services.queue.claim(me, s.project.id, 1);
      await s.services.labels.submit(me, s.project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: `settings-key-${i}` });
    }
    expect(await training.maybeEnqueue(s.project.id)).toBe(true);
    const { token } = await training.tokens.create(SYSTEM, 'w', null);
    const job = await training.claim(await training.authenticate(token), { worker: 'w', backends: [], protocol: 1 });
    expect(job).toMatchObject({ labelCount: 2, strategy: 'entropy' });
  });
});
