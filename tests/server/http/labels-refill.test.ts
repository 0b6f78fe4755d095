import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { createPostgresDatabase, DATABASE_KINDS } from '../../fixtures/database';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

interface Lease { leaseId: number; itemId: number; stream: string }

/**
 * The labeling page's two requests besides the claim: a label that carries the
 * page's refill (`hold`), answered after the commit in the claim route's shape,
 * and the release a closing tab sends as a beacon (text body, cookie session).
 */
describe.each(DATABASE_KINDS)('labels with a refill, and the beacon release, on %s', (kind) => {
  let server: TandemProcess;
  let ann: Client;
  let lead: Client;
  let projectId: number;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let env: Record<string, string> = { TANDEM_DEMO_LIMIT: '60' };
    if (kind === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env = { ...env, DATABASE_URL: pg.url };
    }
    server = await startTandem({ dataDir: path.join(TMP_ROOT, `http-labels-refill-${kind}`), port: await freePort(), env });
    ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    lead = await new Client(server.url).login('lead@tandem.local', DEMO_PASSWORD);
    projectId = (await ann.request('GET', '/api/projects')).json[0].id;
  }, 400_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await dropDatabase?.();
  });

  /** Each case starts from no held items. */
  const releaseAll = () => ann.request('POST', `/api/projects/${projectId}/leases/release`, {});
  const claim = async (hold: number): Promise<Lease[]> => (await ann.request('POST', `/api/projects/${projectId}/leases`, { hold })).json.leases;
  const mine = async (): Promise<number> => (await ann.request('GET', `/api/projects/${projectId}/progress`)).json.mine;
  const label = (l: Lease, extra: Record<string, unknown> = {}) => ann.request('POST', `/api/projects/${projectId}/labels`, {
    leaseId: l.leaseId, itemId: l.itemId, label: '4', clientKey: `refill-${kind}-${l.leaseId}`, ...extra,
  });

  it('a label with hold is committed, then answers the refill: the leases held now, without the labeled item, and the queue state', async () => {
    await releaseAll();
    const [first] = await claim(1);
    const before = await mine();
    const r = await label(first, { hold: 3 });
    expect(r.status).toBe(200);
    expect(r.json.committed).toBe(true);
    expect(r.json.refill.queue).toEqual({ state: 'open', message: null });
    const refill = r.json.refill.leases as Lease[];
    expect(refill).toHaveLength(3);
    expect(refill.map((l) => l.itemId)).not.toContain(first.itemId);
    expect(await mine()).toBe(before + 1);
    // The refill is what a claim now answers (the same leases, renewed).
    expect((await claim(3)).map((l) => l.leaseId).sort()).toEqual(refill.map((l) => l.leaseId).sort());
    // Without hold: the bare acknowledgement, as before.
    const bare = await label(refill[0]);
    expect(bare.status).toBe(200);
    expect(bare.json.refill).toBeUndefined();
  });

  it('a bad hold is refused with a 400 naming it, and the label is not stored', async () => {
    await releaseAll();
    const [l] = await claim(1);
    const before = await mine();
    for (const hold of [0, 9, 'three', 1.5]) {
      const r = await label(l, { hold });
      expect(r.status, String(hold)).toBe(400);
      expect(r.json.error.message).toMatch(/hold/);
    }
    expect(await mine()).toBe(before);
  });

  it('while the project is paused the label is still committed, and the refill says paused with nothing new', async () => {
    await releaseAll();
    const held = await claim(2);
    expect((await lead.request('POST', `/api/projects/${projectId}/queue/pause`, {})).status).toBe(200);
    try {
      const before = await mine();
      const r = await label(held[0], { hold: 5 });
      expect(r.status).toBe(200);
      expect(await mine()).toBe(before + 1);
      expect(r.json.refill.queue.state).toBe('paused');
      expect(r.json.refill.queue.message).toMatch(/paused/);
      expect((r.json.refill.leases as Lease[]).map((l) => l.leaseId)).toEqual([held[1].leaseId]);
    } finally {
      expect((await lead.request('POST', `/api/projects/${projectId}/queue/resume`, {})).status).toBe(200);
    }
  });

  it('the release route takes a beacon: a JSON text body with the cookie session, keeping the listed leases', async () => {
    await releaseAll();
    const held = await claim(4);
    expect(held.length).toBe(4);
    // navigator.sendBeacon(url, string) sends text/plain;charset=UTF-8 with the page's cookies.
    const res = await fetch(`${server.url}/api/projects/${projectId}/leases/release`, {
      method: 'POST', body: JSON.stringify({ except: [held[0].leaseId] }),
      headers: { 'content-type': 'text/plain;charset=UTF-8', cookie: ann.cookieHeader() },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ released: 3 });
    expect((await claim(1)).map((l) => l.leaseId)).toEqual([held[0].leaseId]);
  });
});
