import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { items } from '../../../db/schema';
import { describeSpace, loadEmbeddings } from '../../../db/queries/embeddings';
import { findAppliedRanking } from '../../../db/queries/rankings';
import { enqueueJob } from '../../../db/queries/training-jobs';
import { EmbeddingsChunk, encodeVectorBase64, type EmbeddingsChunkInput } from '../../../lib/protocol/worker';
import { createEmbeddingUploadService } from '../../../server/services/embedding-uploads';
import { createTrainingService, DEFAULT_TRAINING } from '../../../server/services/training';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** What the route does with a body: the schema first, then the service. */
const parse = (c: unknown) => EmbeddingsChunk.safeParse(c);
const message = (c: unknown) => {
  const r = parse(c);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('embeddings chunk schema', () => {
  const ok = { space: 'pca3:abc', dim: 3, items: [{ itemId: 1, vector: [0.5, -1, 2] }] };

  it('takes numbers or base64 float32 and gives Float32Arrays', () => {
    const r = EmbeddingsChunk.parse({ ...ok, items: [...ok.items, { itemId: 2, vector: encodeVectorBase64([1.5, 0, -3]) }] });
    expect(r.items.map((i) => Array.from(i.vector))).toEqual([[0.5, -1, 2], [1.5, 0, -3]]);
  });

  it('refuses values that are not finite float32, naming the item', () => {
    expect(message({ ...ok, items: [{ itemId: 7, vector: [1, Infinity, 0] }] })).toMatch(/item 7: value 1 is Infinity .not finite/);
    expect(message({ ...ok, items: [{ itemId: 7, vector: [1, '2', 0] }] })).toMatch(/item 7: value 1 is 2 ."2", not a number/);
    expect(message({ ...ok, items: [{ itemId: 7, vector: [1, 1e39, 0] }] })).toMatch(/item 7: value 1 is 1e\+39 .out of float32 range/);
    expect(message({ ...ok, items: [{ itemId: 8, vector: encodeVectorBase64([1, NaN, 0]) }] })).toMatch(/item 8: value 1 is NaN/);
  });

  it('refuses a vector of the wrong length, truncated base64, bad base64 and oversized chunks', () => {
    expect(message({ ...ok, items: [{ itemId: 3, vector: [1, 2] }] })).toMatch(/item 3: has 2 values, not dim 3/);
    const cut = encodeVectorBase64([1, 2, 3]).slice(0, 12); // 9 bytes: not whole floats
    expect(message({ ...ok, items: [{ itemId: 4, vector: cut }] })).toMatch(/item 4: base64 holds 9 bytes/);
    expect(message({ ...ok, items: [{ itemId: 5, vector: 'not base64!' }] })).toMatch(/base64/);
    expect(message({ ...ok, dim: 4000, items: Array.from({ length: 501 }, (_, i) => ({ itemId: i + 1, vector: encodeVectorBase64(new Float32Array(4000)) })) }))
      .toMatch(/fewer items a chunk/);
    expect(message({ ...ok, space: 'bad space' })).toMatch(/space/);
    expect(message({ ...ok, items: [] })).toBeTruthy();
    expect(message({ ...ok, extra: 1 })).toBeTruthy();
  });
});

describe.each(DATABASE_KINDS)('embedding uploads on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  async function setup(n = 6) {
    const built = await buildProject(database.db, { n });
    const training = createTrainingService(database.db, DEFAULT_TRAINING);
    const uploads = createEmbeddingUploadService(database.db);
    const worker = await training.authenticate((await training.tokens.create(SYSTEM, 'w', null)).token);
    const ids = (await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, built.project.id)).orderBy(asc(items.id))).map((r) => r.id);
    const chunk = (space: string, itemIds: number[], at = 0): EmbeddingsChunk =>
      EmbeddingsChunk.parse({ space, dim: 2, items: itemIds.map((id) => ({ itemId: id, vector: [id, at] })) } satisfies EmbeddingsChunkInput);
    return { ...built, training, uploads, worker, ids, chunk };
  }

  const stored = async (projectId: number, space: string) =>
    new Map((await loadEmbeddings(database.db, projectId, space)).map((r) => [r.itemId, Array.from(r.vector)]));

  it('says whether it has a space, stores chunks, and overwrites a chunk sent again', async () => {
    const s = await setup();
    const pid = s.project.id;
    expect(await s.uploads.status(s.worker, pid, 'pca2:x')).toEqual({ space: 'pca2:x', count: 0, dim: null });
    expect(await s.uploads.upload(s.worker, pid, s.chunk('pca2:x', s.ids.slice(0, 4)))).toEqual({ stored: 4, count: 4 });
    expect(await s.uploads.upload(s.worker, pid, s.chunk('pca2:x', s.ids.slice(4)))).toEqual({ stored: 2, count: 6 });
    // A retried chunk (new values for the same items) replaces, never duplicates.
    expect(await s.uploads.upload(s.worker, pid, s.chunk('pca2:x', s.ids.slice(0, 4), 9))).toEqual({ stored: 4, count: 6 });
    expect(await s.uploads.status(s.worker, pid, 'pca2:x')).toEqual({ space: 'pca2:x', count: 6, dim: 2 });
    const got = await stored(pid, 'pca2:x');
    expect(got.get(s.ids[0])).toEqual([s.ids[0], 9]);
    expect(got.get(s.ids[5])).toEqual([s.ids[5], 0]);
  });

  it('refuses items of another project, an item twice, a changed dim and an out-of-scope token, storing nothing', async () => {
    const s = await setup();
    const pid = s.project.id;
    await expect(s.uploads.upload(s.worker, pid, s.chunk('pca2:x', [s.ids[0], 987654, 987655])))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not in project .*987654, 987655.*nothing was stored/) });
    await expect(s.uploads.upload(s.worker, pid, s.chunk('pca2:x', [s.ids[0], s.ids[0]])))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/twice/) });
    expect((await describeSpace(database.db, pid, 'pca2:x')).count).toBe(0);

    await s.uploads.upload(s.worker, pid, s.chunk('pca2:x', [s.ids[0]]));
    const wider = EmbeddingsChunk.parse({ space: 'pca2:x', dim: 3, items: [{ itemId: s.ids[1], vector: [1, 2, 3] }] });
    await expect(s.uploads.upload(s.worker, pid, wider))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/dim 2.*dim 3/) });
    expect(await describeSpace(database.db, pid, 'pca2:x')).toEqual({ count: 1, dim: 2 });

    const other = await s.training.authenticate((await s.training.tokens.create(SYSTEM, 'scoped', [pid + 1])).token);
    await expect(s.uploads.upload(other, pid, s.chunk('pca2:x', [s.ids[1]]))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.uploads.status(other, pid, 'pca2:x')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.uploads.status(s.worker, pid + 100, 'pca2:x')).rejects.toMatchObject({ code: 'not_found' });
    expect(await describeSpace(database.db, pid, 'pca2:x')).toEqual({ count: 1, dim: 2 });
  });

  it('records the space on the applied ranking, refuses a space never uploaded, and drops older spaces', async () => {
    const s = await setup();
    const pid = s.project.id;
    const run = async (space?: string) => {
      const queued = await enqueueJob(database.db, pid, 0);
      expect(queued).toBeTruthy();
      const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
      await s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries: s.ids.map((id) => ({ itemId: id, score: id, predicted: 'cat', confidence: 0.5 })) });
      return { job, complete: () => s.training.complete(s.worker, job.id, { labelCount: 0, backend: 't', model: 'm', strategy: 'margin', metrics: null, chunks: 1, ...(space ? { embeddingSpace: space } : {}) }) };
    };

    // An old worker: no space, the ranking is applied without one.
    await (await run()).complete();
    expect((await findAppliedRanking(database.db, pid))!.embeddingSpace).toBeNull();

    const first = await run('pca2:first');
    await expect(first.complete()).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/pca2:first.*no vectors.*upload/) });
    expect((await findAppliedRanking(database.db, pid))!.embeddingSpace).toBeNull();
    await s.uploads.upload(s.worker, pid, s.chunk('pca2:first', s.ids));
    await first.complete();
    expect((await findAppliedRanking(database.db, pid))!.embeddingSpace).toBe('pca2:first');

    // A refitted extractor: a new space is uploaded, and once a ranking names it the old one goes.
    await s.uploads.upload(s.worker, pid, s.chunk('pca2:second', s.ids));
    expect((await describeSpace(database.db, pid, 'pca2:first')).count).toBe(6);
    await (await run('pca2:second')).complete();
    expect((await findAppliedRanking(database.db, pid))!.embeddingSpace).toBe('pca2:second');
    expect((await describeSpace(database.db, pid, 'pca2:first')).count).toBe(0);
    expect((await describeSpace(database.db, pid, 'pca2:second')).count).toBe(6);
    // complete()'s follow-up retrain check may outlive the database here: it fails quietly, as on a server shutting down.
  });
});
