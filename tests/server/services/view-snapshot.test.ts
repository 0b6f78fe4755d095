import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { decodeViewSnapshot, encodeViewSnapshot, listViewSnapshots, snapshotFile, type ViewSnapshot } from '../../../server/services/view-snapshot';
import { sql } from 'drizzle-orm';
import { createPoolViews } from '../../../server/services/pool-view';
import { indexHoldout } from '../../../lib/queue/holdout';
import { createQueueService, type ClaimTiming } from '../../../server/services/queue';
import { findDoubleLeases } from '../../../db/queries/leases';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { applyRanking, buildProject } from '../../fixtures/builders';
import { TMP_ROOT } from '../../fixtures/paths';

function sample(ranking: boolean): ViewSnapshot {
  return {
    projectId: 7, database: 'here', signature: { rankingId: ranking ? 3 : null, importId: 2 }, n: 4,
    ids: Float64Array.from([10, 11, 12, 2 ** 40]), holdout: { item: Int32Array.from([1]), group: Int32Array.from([0]) }, gold: Int32Array.from([2, 3]),
    ...(ranking ? {
      ranking: {
        head: { id: 3, strategy: 'auto', labelCount: 30, embeddingSpace: 'pixels', createdAt: new Date('2026-12-03T07:00:00Z'), autoPhase: 'cold-start', lead: 2 },
        view: {
          version: 3, strategy: 'auto', score: Float32Array.from([0.5, NaN, 0.25, 1]), predicted: Int32Array.from([1, -1, 0, 2]), confidence: Float32Array.from([0.9, NaN, 0.5, 0.4]),
          byScore: Int32Array.from([3, 0, 2]), byConfidence: Int32Array.from([0, 2, 3]), lead: Int32Array.from([3, 0]),
        },
      },
    } : {}),
  };
}

describe('a pool view on disk', () => {
  it('reads back exactly what was written, with and without a ranking', () => {
    for (const s of [sample(true), sample(false)]) {
      const back = decodeViewSnapshot(encodeViewSnapshot(s));
      expect(back).toEqual(s);
    }
  });

  it('reads the same from bytes at any offset in their buffer, viewing them in place where they are aligned', () => {
    const bytes = encodeViewSnapshot(sample(true));
    for (const offset of [0, 3, 8]) {
      const shifted = new Uint8Array(bytes.length + offset);
      shifted.set(bytes, offset);
      const at = shifted.subarray(offset);
      const back = decodeViewSnapshot(at)!;
      expect(back).toEqual(sample(true));
      // Aligned bytes are not copied (a million-item view is 36 MB); unaligned ones are.
      expect(back.ids.buffer === shifted.buffer).toBe(offset % 8 === 0);
    }
  });

  it('lists the projects a folder holds snapshots of, and none for a folder that is not there', async () => {
    fs.mkdirSync(TMP_ROOT, { recursive: true });
    const dir = fs.mkdtempSync(path.join(TMP_ROOT, 'views-'));
    try {
      for (const name of ['project-12.view', 'project-3.view', 'project-3.view.99.tmp', 'project-0.view', 'project-x.view', 'notes.txt']) fs.writeFileSync(path.join(dir, name), '');
      expect(await listViewSnapshots(dir)).toEqual([3, 12]);
      expect(await listViewSnapshots(path.join(dir, 'missing'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads bytes that are not a whole snapshot of this version as none', () => {
    const bytes = encodeViewSnapshot(sample(true));
    expect(decodeViewSnapshot(bytes.subarray(0, bytes.length - 8))).toBeUndefined();
    expect(decodeViewSnapshot(bytes.subarray(0, 3))).toBeUndefined();
    expect(decodeViewSnapshot(Buffer.from('not a snapshot at all'))).toBeUndefined();
    const otherVersion = Buffer.from(bytes);
    const header = otherVersion.subarray(4, 4 + otherVersion.readUInt32LE(0));
    header.set(Buffer.from(header.toString('utf8').replace('"format":1', '"format":9')));
    expect(decodeViewSnapshot(otherVersion)).toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('the first claims after a restart %s', (kind) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    fs.mkdirSync(TMP_ROOT, { recursive: true });
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'views-'));
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A server's views as a process starts them; `hold` keeps its builds waiting (a large pool's seconds). */
  function restart(opts: { database?: string; hold?: Promise<void> } = {}) {
    return createPoolViews(database.db, { snapshots: { dir, database: opts.database ?? 'test' }, beforeBuild: opts.hold ? () => opts.hold! : undefined });
  }

  async function builtAndKept(projectId: number) {
    const first = restart();
    const view = await first.get(projectId, ['cat', 'dog']);
    await expect.poll(() => fs.existsSync(snapshotFile(dir, projectId)), { timeout: 10_000 }).toBe(true);
    return view;
  }

  it(`deals from the last process's view at once while the new one builds (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 40, annotators: 3 });
    const { best } = await applyRanking(db, project.id, { lead: 3 });
    const built = await builtAndKept(project.id);
    // The ranking's lead, as pool indices in pick order: the three best items.
    expect(Array.from(built.ranking!.view.lead!, (i) => built.ids[i])).toEqual(best.slice(0, 3));

    let release!: () => void;
    const hold = new Promise<void>((r) => { release = r; });
    const views = restart({ hold });
    const got = await views.viewOrBridge(project.id, ['cat', 'dog']);
    if (!('view' in got)) throw new Error('expected a view from the snapshot');
    expect(got.view.provisional).toBe(true);
    expect(Array.from(got.view.ids)).toEqual(Array.from(built.ids));
    expect(Array.from(got.view.ranking!.view.byScore!)).toEqual(Array.from(built.ranking!.view.byScore!));
    expect(Array.from(got.view.ranking!.view.lead!)).toEqual(Array.from(built.ranking!.view.lead!));

    // Through the queue: claims are dealt the ranking's best items while the build is still held.
    let releaseQueue!: () => void;
    const queueHold = new Promise<void>((r) => { releaseQueue = r; });
    const queue = createQueueService(db, { leaseSeconds: 600, views: { snapshots: { dir, database: 'test' }, bridgeAbove: 1_000_000, beforeBuild: () => queueHold } });
    const timings = annotators.map(() => ({} as ClaimTiming));
    const batches = await Promise.all(annotators.map((a, i) => queue.claimBatch(a, project.id, 3, timings[i])));
    // Each says so (Server-Timing `snapshot`): a client tells these seconds from the steady state.
    expect(timings.every((t) => t.snapshot === 0 && t.bridge === undefined)).toBe(true);
    const dealt = batches.flatMap((b) => b.leases.map((l) => l.itemId));
    expect(new Set(dealt).size).toBe(9);
    expect(dealt.every((id) => best.slice(0, 20).includes(id))).toBe(true);
    expect(await findDoubleLeases(db)).toEqual([]);

    release();
    releaseQueue();
    await expect.poll(async () => (await views.get(project.id, ['cat', 'dog'])).provisional, { timeout: 10_000 }).toBeUndefined();
  });

  it(`reads the kept views at a start, before any claim, and starts their builds (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 30 });
    await applyRanking(db, project.id);
    const built = await builtAndKept(project.id);
    // A snapshot of a project that is gone is not warmed.
    fs.copyFileSync(snapshotFile(dir, project.id), snapshotFile(dir, project.id + 1000));

    let release!: () => void;
    const hold = new Promise<void>((r) => { release = r; });
    let builds = 0;
    const views = createPoolViews(db, { snapshots: { dir, database: 'test' }, beforeBuild: () => { builds++; return hold; } });
    expect(views.latest(project.id)).toBeUndefined();
    const classesOf = async (id: number) => (id === project.id ? ['cat', 'dog'] : undefined);
    expect(await views.warm(classesOf)).toEqual([project.id]);
    expect(views.latest(project.id)?.provisional).toBe(true);
    expect(Array.from(views.latest(project.id)!.ids)).toEqual(Array.from(built.ids));
    expect(builds).toBe(1);
    release();
    await expect.poll(() => views.latest(project.id)?.provisional, { timeout: 10_000 }).toBeUndefined();

    // Retrained since the snapshot was kept: nothing to warm, the first claim builds.
    await applyRanking(db, project.id);
    expect(await restart().warm(classesOf)).toEqual([]);
  });

  it(`builds on the kept view's holdout index when the holdout is the same (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 40 });
    // Every fourth item held out, in groups of two.
    await db.execute(sql`update items set split = 'holdout', group_key = 'g' || (id / 8) where project_id = ${project.id} and id % 4 = 0`);
    await applyRanking(db, project.id);
    const built = await builtAndKept(project.id);
    expect(built.holdout.item.length).toBe(10);

    const views = restart();
    expect(await views.warm(async () => ['cat', 'dog'])).toEqual([project.id]);
    const kept = views.latest(project.id)!;
    expect(kept.provisional).toBe(true);
    await expect.poll(() => views.latest(project.id)?.provisional, { timeout: 10_000 }).toBeUndefined();
    const rebuilt = views.latest(project.id)!;
    // The same object, not indexed again; and the same as indexing afresh.
    expect(rebuilt.holdoutIndex).toBe(kept.holdoutIndex);
    expect(rebuilt.holdoutIndex).toEqual(indexHoldout(rebuilt.holdout, rebuilt.n));
  });

  it(`does not write the kept view again when a start rebuilds it under the same ranking, and writes a new one after a retrain (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 30 });
    await applyRanking(db, project.id);
    await builtAndKept(project.id);
    const file = snapshotFile(dir, project.id);
    // Each write is a new file renamed into place: a new inode.
    const kept = fs.statSync(file).ino;

    const views = restart();
    expect(await views.warm(async () => ['cat', 'dog'])).toEqual([project.id]);
    await expect.poll(() => views.latest(project.id)?.provisional, { timeout: 10_000 }).toBeUndefined();
    // The rebuilt view is done; give a write it might have started time to land.
    await new Promise((r) => setImmediate(r));
    await views.get(project.id, ['cat', 'dog']);
    expect(fs.statSync(file).ino).toBe(kept);

    const { rankingId } = await applyRanking(db, project.id);
    // The view in hand serves until the new ranking's view is built.
    await expect.poll(async () => (await views.get(project.id, ['cat', 'dog'])).ranking?.head.id, { timeout: 10_000 }).toBe(rankingId);
    await expect.poll(() => fs.statSync(file).ino, { timeout: 10_000 }).not.toBe(kept);
    const after = await restart().viewOrBridge(project.id, ['cat', 'dog']);
    if (!('view' in after)) throw new Error('expected a view');
    expect(after.view.provisional).toBe(true);
    expect(after.view.ranking?.head.id).toBe(rankingId);
  });

  it(`never uses a view kept under another ranking or from another database (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 30 });
    await applyRanking(db, project.id);
    await builtAndKept(project.id);

    const elsewhere = await restart({ database: 'another' }).viewOrBridge(project.id, ['cat', 'dog']);
    expect('view' in elsewhere && elsewhere.view.provisional).toBeFalsy();

    const { rankingId } = await applyRanking(db, project.id);
    const afterRetrain = await restart().viewOrBridge(project.id, ['cat', 'dog']);
    if (!('view' in afterRetrain)) throw new Error('expected a view');
    expect(afterRetrain.view.provisional).toBeUndefined();
    expect(afterRetrain.view.ranking?.head.id).toBe(rankingId);
  });

  it(`reads a damaged file as no snapshot and builds (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 20 });
    await applyRanking(db, project.id);
    await builtAndKept(project.id);
    fs.writeFileSync(snapshotFile(dir, project.id), fs.readFileSync(snapshotFile(dir, project.id)).subarray(0, 40));
    const got = await restart().viewOrBridge(project.id, ['cat', 'dog']);
    if (!('view' in got)) throw new Error('expected a view');
    expect(got.view.provisional).toBeUndefined();
    expect(got.view.n).toBe(20);
  });
});
