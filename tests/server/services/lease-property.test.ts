import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { items } from '../../../db/schema';
import { SYSTEM, type Principal } from '../../../server/services/access';
import type { Services } from '../../../server/services';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/**
 * Property: whatever interleaving of concurrent claims, skips, labels,
 * releases and expiries several annotators produce, after every step
 *   - no item has two active leases of exclusive streams (all but overlap and gold),
 *   - no annotator holds one item twice,
 *   - a claim never deals an item that was labeled before it started (unless as overlap).
 *
 * Scale: LEASE_PROPERTY_CLAIMS (default 400) claims per database, LEASE_PROPERTY_ANNOTATORS (4),
 * LEASE_PROPERTY_POOL (24 items per run), LEASE_PROPERTY_STEPS (12 per run); `npm run bench:leases`
 * runs it at 100,000 claims. LEASE_PROPERTY_SEED replays a failure.
 */
const TARGET_CLAIMS = Number(process.env.LEASE_PROPERTY_CLAIMS ?? 400);
const ANNOTATORS = Number(process.env.LEASE_PROPERTY_ANNOTATORS ?? 4);
const POOL = Number(process.env.LEASE_PROPERTY_POOL ?? 24);
/** Steps per run (each run is a fresh project): long runs at scale, so setting a project up does not dominate. */
const STEPS = Number(process.env.LEASE_PROPERTY_STEPS ?? 12);
const SEED = process.env.LEASE_PROPERTY_SEED ? Number(process.env.LEASE_PROPERTY_SEED) : undefined;
// Roughly 1.5 s per 100 claims on this machine, with room for a loaded one.
const TIMEOUT_MS = 60_000 + TARGET_CLAIMS * 100;

type Action =
  | { kind: 'claim'; who: number; hold: number }
  | { kind: 'skip'; who: number; pick: number }
  | { kind: 'label'; who: number; pick: number }
  | { kind: 'release'; who: number; keep: number }
  | { kind: 'expire'; pick: number };

const who = fc.nat({ max: ANNOTATORS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('claim' as const), who, hold: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('skip' as const), who, pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('label' as const), who, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), who, keep: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), pick: fc.nat() }) },
);
/** A run: steps of actions that start at the same moment (Promise.all), as annotators' requests do. */
const scenario = fc.array(fc.array(action, { minLength: 1, maxLength: ANNOTATORS * 2 }), { minLength: Math.ceil(STEPS / 3), maxLength: STEPS });

const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));
/** The service answers LeasedItem[] or { leases, queue }, depending on the queue's version: either is fine here. */
const leasesOf = (r: unknown) => (Array.isArray(r) ? r : (r as { leases: unknown[] }).leases) as { leaseId: number; itemId: number; stream: string }[];
/** Expected refusals of a racing action (its lease ended meanwhile): not failures of the property. */
/**
 * A claim that Postgres aborted as a deadlock (40P01) fails the property: the claim does not retry
 * it. LEASE_PROPERTY_TOLERATE_DEADLOCKS=1 counts them instead, so that a long run still measures
 * the lease invariants past the first one (bench:leases reports the count).
 */
const TOLERATE_DEADLOCKS = process.env.LEASE_PROPERTY_TOLERATE_DEADLOCKS === '1';
const isDeadlock = (e: unknown): boolean => {
  for (let x = e as { code?: string; cause?: unknown } | undefined, depth = 0; x && depth < 5; x = x.cause as typeof x, depth++) if (x.code === '40P01') return true;
  return false;
};

const refused = (e: unknown) => ['lease_expired', 'not_found', 'conflict', 'bad_request'].includes((e as { code?: string }).code ?? '');

describe.each(DATABASE_KINDS)('lease property %s', (kind) => {
  let database: Database;
  let services: Services;
  let annotators: Principal[];
  let runs = 0;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    ({ services, annotators } = await buildProject(database.db, { n: 0, annotators: ANNOTATORS, slug: 'setup' }));
  });
  afterAll(async () => { await database?.close(); });

  /** A fresh project of POOL open items with the same annotators: each run starts from an empty queue. */
  async function freshProject(): Promise<number> {
    const project = await services.projects.create(SYSTEM, { slug: `run-${++runs}`, classes: ['cat', 'dog', 'bird'] });
    for (const a of annotators) await services.projects.setMember(SYSTEM, project.id, a.userId, 'annotator');
    await database.db.insert(items).values(Array.from({ length: POOL }, (_, i) => ({
      projectId: project.id, media: `x/${i}.png`, mediaType: 'image/png', contentHash: `h-${project.id}-${i}`,
      sourceName: `${i}.png`, groupKey: `${i}`, split: i % 8 === 0 ? 'holdout' as const : 'pool' as const, dealKey: ((i * 7919) % 1000) / 1000,
    })));
    return project.id;
  }

  async function invariants(projectId: number) {
    const doubled = rows<{ item_id: number; n: number }>(await database.db.execute(sql`
      select item_id, count(*)::int as n from leases where project_id = ${projectId} and state = 'active' and stream not in ('overlap', 'gold')
      group by item_id having count(*) > 1`));
    expect(doubled, 'items with two active exclusive leases').toEqual([]);
    const twice = rows<{ item_id: number; user_id: number }>(await database.db.execute(sql`
      select item_id, user_id from leases where project_id = ${projectId} and state = 'active'
      group by item_id, user_id having count(*) > 1`));
    expect(twice, 'an annotator holding one item twice').toEqual([]);
  }

  it(`keeps every lease invariant under ${TARGET_CLAIMS.toLocaleString('en')} claims of random concurrent interleavings (${dbLabel(kind)})`, async () => {
    let claims = 0;
    let deadlocks = 0;
    const started = Date.now();
    const property = fc.asyncProperty(scenario, async (steps) => {
      const projectId = await freshProject();
      const held = annotators.map(() => new Map<number, { leaseId: number; itemId: number }>());
      const labeled = new Set<number>();
      const dealt = new Set<number>();
      const act = async (a: Action) => {
        if (a.kind === 'expire') {
          await database.db.execute(sql`update leases set expires_at = now() - interval '1 second'
            where id = (select id from leases where project_id = ${projectId} and state = 'active' order by id offset ${a.pick} % greatest(1, (select count(*) from leases where project_id = ${projectId} and state = 'active')) limit 1)`);
          return;
        }
        const p = annotators[a.who];
        const mine = held[a.who];
        if (a.kind === 'claim') {
          const labeledBefore = new Set(labeled);
          let answer: unknown;
          try {
            answer = await services.queue.claim(p, projectId, a.hold);
          } catch (e) {
            if (!(TOLERATE_DEADLOCKS && isDeadlock(e))) throw e;
            deadlocks++;
            return;
          }
          const got = leasesOf(answer);
          claims++;
          if (claims % 10_000 === 0) console.log(`lease property ${kind} progress: ${claims} claims, invariants held, ${deadlocks} deadlocks, ${((Date.now() - started) / 1000).toFixed(1)} s`);
          mine.clear();
          for (const l of got) {
            mine.set(l.leaseId, l);
            // A claim also renews what the annotator already holds: only leases new to this claim were dealt by it.
            if (dealt.has(l.leaseId)) continue;
            dealt.add(l.leaseId);
            if (l.stream !== 'overlap') expect(labeledBefore.has(l.itemId), `item ${l.itemId} dealt again after its label (stream ${l.stream}, ${kind})`).toBe(false);
          }
          return;
        }
        if (a.kind === 'release') {
          const keep = [...mine.keys()].slice(0, a.keep);
          await services.queue.release(p, projectId, keep);
          for (const id of [...mine.keys()]) if (!keep.includes(id)) mine.delete(id);
          return;
        }
        const list = [...mine.values()];
        if (list.length === 0) return;
        const lease = list[a.pick % list.length];
        mine.delete(lease.leaseId);
        try {
          if (a.kind === 'skip') await services.queue.skip(p, projectId, lease.leaseId);
          else {
            await services.labels.submit(p, projectId, { leaseId: lease.leaseId, itemId: lease.itemId, label: 'cat', clientKey: `k-${projectId}-${lease.leaseId}` });
            labeled.add(lease.itemId);
          }
        } catch (e) {
          if (!refused(e)) throw e;
        }
      };
      for (const step of steps) {
        const results = await Promise.allSettled(step.map(act));
        for (const r of results) if (r.status === 'rejected') throw r.reason;
        await invariants(projectId);
      }
    });
    while (claims < TARGET_CLAIMS) {
      await fc.assert(property, { numRuns: 10, seed: SEED, endOnFailure: true });
      if (SEED !== undefined) break;
    }
    const seconds = (Date.now() - started) / 1000;
    const [{ n }] = rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from (
      select item_id from leases where state = 'active' and stream not in ('overlap', 'gold') group by item_id having count(*) > 1) x`));
    // One line for bench:leases (and anyone curious): claims done, double leases, time.
    console.log(`lease property ${kind}: ${claims} claims in ${runs} projects, ${n} double leases, ${seconds.toFixed(1)} s, ${deadlocks} claims aborted by deadlock`);
    expect(n).toBe(0);
  }, TIMEOUT_MS);
});
