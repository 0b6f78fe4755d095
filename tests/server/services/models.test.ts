import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { PNG } from 'pngjs';
import { items, models, projects, trainingJobs } from '../../../db/schema';
import { createMediaStore } from '../../../server/media';
import { findProject } from '../../../db/queries/projects';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { embedderModel, twoInputModel, vectorModel } from '../../fixtures/onnx';
import { TINY_EMBEDDER } from '../../fixtures/make-onnx';
import { TMP_ROOT } from '../../fixtures/paths';

describe.each(DATABASE_KINDS)('ONNX models on %s', (kind) => {
  let database: Database;
  let dir: string;
  // One database and project for the file: models are server-wide, so each test starts with none and a project using none.
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    s = await setup();
  });
  afterAll(async () => { await database?.close(); });
  beforeEach(async () => {
    await database.db.delete(models);
    await database.db.delete(trainingJobs);
    await database.db.update(projects).set({ settings: {} });
    dir = path.join(TMP_ROOT, `models-${kind}-${crypto.randomBytes(4).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
  });

  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  /** Files under the media store that are ONNX models. */
  const storedModels = (root: string) => (fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }) as string[] : []).filter((f) => f.endsWith('.onnx'));

  async function setup() {
    const built = await buildProject(database.db, { n: 12, slug: 'models' });
    const mediaRoot = path.join(TMP_ROOT, 'media'); // buildProject's media store
    const { token } = await built.services.training.tokens.create(SYSTEM, 'test worker', null);
    const worker = await built.services.training.authenticate(token);
    return { ...built, worker, mediaRoot, models: built.services.models };
  }

  it('adds a model: checks it, stores the file by hash, points the project at it and lists it', async () => {
    const added = await s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER);
    expect(added.created).toBe(true);
    expect(added.retrain).toBe('none'); // no labels yet (this test runs first)
    expect(added.model.spec).toMatchObject({ name: 'tiny-embedder', input: { layout: 'NCHW', size: 28, channels: 1 }, output: { dim: 16 } });
    expect(added.model.projects).toEqual([{ id: s.project.id, slug: s.project.slug }]);
    const bytes = fs.readFileSync(TINY_EMBEDDER);
    const hash = crypto.createHash('sha256').update(bytes).digest('hex');
    expect(added.model.spec.sha256).toBe(hash);
    expect(storedModels(s.mediaRoot).some((f) => f.includes(hash))).toBe(true);
    expect((await findProject(database.db, s.project.id))!.settings.embeddingModel).toBe(added.model.id);

    const listed = await s.models.list(SYSTEM);
    expect(listed.map((m) => m.name)).toEqual(['tiny-embedder']);

    // The worker protocol's view: metadata with the path of the bytes, and the bytes themselves.
    const info = await s.models.forWorker(s.worker, s.project.id);
    expect(info).toMatchObject({ id: added.model.id, sha256: hash, file: `/api/worker/v1/projects/${s.project.id}/embedding-model/file` });
    const file = await s.models.fileForWorker(s.worker, s.project.id);
    expect(file.sha256).toBe(hash);
    expect(file.bytes.equals(bytes)).toBe(true);
  });

  it('reuses the same file under its name, refuses another file or other settings under a taken name', async () => {
    await s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER);
    const again = await s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER);
    expect(again.created).toBe(false);
    const other = write('tiny-embedder.onnx', embedderModel({ seed: 99 }));
    await expect(s.models.add(SYSTEM, s.project.id, other)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/exists already with another file/) });
    const renamed = await s.models.add(SYSTEM, s.project.id, other, { name: 'tiny-99' });
    expect(renamed.created).toBe(true);
    expect((await s.models.list(SYSTEM)).map((m) => [m.name, m.projects.length])).toEqual([['tiny-embedder', 0], ['tiny-99', 1]]);
  });

  it('refuses a bad file with a one-line reason and stores nothing', async () => {
    const before = storedModels(s.mediaRoot).length;
    const bad: [string, Uint8Array, RegExp][] = [
      ['junk.onnx', crypto.randomBytes(300), /junk\.onnx is not an ONNX model onnxruntime can load/],
      ['empty.onnx', new Uint8Array(0), /is empty/],
      ['vector.onnx', vectorModel(), /an image model takes \[N,C,H,W\]/],
      ['two.onnx', twoInputModel(), /takes 2 inputs/],
    ];
    for (const [name, bytes, why] of bad) {
      const err = await s.models.add(SYSTEM, s.project.id, write(name, bytes)).then(() => null, (e) => e);
      expect(err, name).toMatchObject({ code: 'bad_request' });
      expect(err.message).toMatch(why);
      expect(err.message).not.toMatch(/\n/);
    }
    await expect(s.models.add(SYSTEM, s.project.id, path.join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/no such file/) });
    await expect(s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER, { inputSize: 64 })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/fixed at 28×28/) });
    expect(await database.db.select().from(models)).toEqual([]);
    expect(storedModels(s.mediaRoot).length).toBe(before);
    expect((await findProject(database.db, s.project.id))!.settings.embeddingModel).toBeUndefined();
    expect(await s.models.forWorker(s.worker, s.project.id)).toBeNull();
  });

  it('removes a model: projects go back to auto and retrain, the file goes, other settings stay', async () => {
    await s.services.projects.updateSettings(SYSTEM, s.project.id, { strategy: 'margin' });
    const { model } = await s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER);
    // Labels exist: switching models queues a retrain.
    const me = s.annotators[0];
    const [l] = await s.services.queue.claim(me, s.project.id, 1);
    await s.services.labels.submit(me, s.project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'model-remove-1' });
    const removed = await s.models.remove(SYSTEM, 'tiny-embedder');
    expect(removed.model.id).toBe(model.id);
    expect(removed.retrains).toEqual({ [s.project.slug]: 'queued' });
    expect(await database.db.select().from(trainingJobs).where(eq(trainingJobs.projectId, s.project.id))).toHaveLength(1);
    expect(await s.models.list(SYSTEM)).toEqual([]);
    expect(storedModels(s.mediaRoot).some((f) => f.includes(model.spec.sha256))).toBe(false);
    const settings = (await findProject(database.db, s.project.id))!.settings;
    expect(settings).toEqual({ strategy: 'margin' });
    await expect(s.models.remove(SYSTEM, 'tiny-embedder')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.models.fileForWorker(s.worker, s.project.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('without a model, tells workers which built-in to use: the project\'s choice, else the auto rule on its images', async () => {
    // buildProject's items have no sizes: no images to look at, raw pixels.
    expect(await s.models.choiceForWorker(s.worker, s.project.id)).toEqual({ model: null, builtin: { name: 'pixels', chosen: 'auto', reason: 'no images yet' } });
    const store = createMediaStore(s.mediaRoot);
    const made = await s.services.projects.create(SYSTEM, { slug: `photos-${crypto.randomBytes(3).toString('hex')}`, classes: ['a', 'b'] });
    const addImages = async (tag: string, w: number, h: number, rgb: (i: number) => number[], count: number) => {
      for (let i = 0; i < count; i++) {
        const png = new PNG({ width: w, height: h });
        for (let p = 0; p < w * h; p++) png.data.set([...rgb(i + p), 255], p * 4);
        const { key, hash } = await store.put(PNG.sync.write(png), 'png');
        await database.db.insert(items).values({
          projectId: made.id, media: key, mediaType: 'image/png', contentHash: hash, sourceName: `${tag}${i}.png`, groupKey: `${tag}${i}`,
          split: 'pool', dealKey: Math.random(), width: w, height: h,
        });
      }
    };
    const choice = () => s.models.choiceForWorker(s.worker, made.id);
    await addImages('gray', 28, 28, (v) => [v % 256, v % 256, v % 256], 3);
    expect(await choice()).toEqual({ model: null, builtin: { name: 'pixels', chosen: 'auto', reason: 'small gray images (at most 64 px)' } });
    await addImages('red', 28, 28, (v) => [220, v % 40, 30], 1);
    expect((await choice()).builtin).toEqual({ name: 'mobilenet-v2', chosen: 'auto', reason: 'colour images' });

    // An explicit choice wins over the rule, and `auto` gives the rule back; a registered model wins over both.
    expect((await s.models.use(SYSTEM, made.id, 'builtin:pixels')).choice).toEqual({ kind: 'builtin', name: 'pixels' });
    expect((await findProject(database.db, made.id))!.settings.embeddingModel).toBe('builtin:pixels');
    expect((await choice()).builtin).toEqual({ name: 'pixels', chosen: 'project', reason: 'the project chose builtin:pixels' });
    expect((await s.models.builtins(SYSTEM)).map((b) => [b.ref, b.projects.map((p) => p.id)])).toEqual([['builtin:pixels', [made.id]], ['builtin:mobilenet-v2', []]]);
    await expect(s.models.use(SYSTEM, made.id, 'builtin:resnet')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/builtin:pixels or builtin:mobilenet-v2/) });
    expect((await s.models.use(SYSTEM, made.id, 'auto')).choice).toEqual({ kind: 'auto' });
    expect((await findProject(database.db, made.id))!.settings.embeddingModel).toBeUndefined();
    expect((await choice()).builtin?.name).toBe('mobilenet-v2');
    const { model } = await s.models.add(SYSTEM, made.id, TINY_EMBEDDER);
    expect(await choice()).toEqual({ model: expect.objectContaining({ id: model.id, name: 'tiny-embedder' }) });
    // Removing the model puts the project back on auto.
    await s.models.remove(SYSTEM, 'tiny-embedder');
    expect((await choice()).builtin).toMatchObject({ name: 'mobilenet-v2', chosen: 'auto' });
  });

  it('auto looks at sizes before decoding: a large gray image means the photo CNN', async () => {
    const made = await s.services.projects.create(SYSTEM, { slug: `large-${crypto.randomBytes(3).toString('hex')}`, classes: ['a', 'b'] });
    // The media key points nowhere: a large image is decided on its size alone, without reading it.
    await database.db.insert(items).values({
      projectId: made.id, media: 'nowhere/x.jpg', mediaType: 'image/jpeg', contentHash: 'large-1', sourceName: 'x.jpg', groupKey: 'x',
      split: 'pool', dealKey: 0.5, width: 640, height: 480,
    });
    expect((await s.models.choiceForWorker(s.worker, made.id)).builtin).toEqual({ name: 'mobilenet-v2', chosen: 'auto', reason: 'images up to 640×480 px (more than 64)' });
  });

  it('lets only admins manage models, and only scoped workers read them', async () => {
    await expect(s.models.add(s.annotators[0], s.project.id, TINY_EMBEDDER)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.models.list(s.annotators[0])).rejects.toMatchObject({ code: 'forbidden' });
    await s.models.add(SYSTEM, s.project.id, TINY_EMBEDDER);
    const { token } = await s.services.training.tokens.create(SYSTEM, 'elsewhere', [s.project.id + 1000]);
    const stranger = await s.services.training.authenticate(token);
    await expect(s.models.forWorker(stranger, s.project.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.models.forWorker(s.worker, s.project.id + 1000)).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.models.choiceForWorker(stranger, s.project.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.models.builtins(s.annotators[0])).rejects.toMatchObject({ code: 'forbidden' });
  });
});
