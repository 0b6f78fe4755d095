import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { createPostgresDatabase, DATABASE_KINDS } from '../../fixtures/database';
import { Client } from '../../fixtures/http-client';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';
import { runWorker } from '../../../workers/trainer/main';
import { createLogger } from '../../../server/log';
import { PROGRESS_MIN_GAP_MS } from '../../../server/realtime/worker-socket';

type ModelEvent = { projectId: number; event: string; jobId?: number; progress?: unknown };

/**
 * The worker protocol's socket.io namespace against a real `tandem start`:
 * a trainer's progress (by hand, and the real trainer's) reaches the lead's
 * page live, as a heartbeat's would, and nothing a worker may not say gets through.
 */
describe.each(DATABASE_KINDS)('the worker socket of a real server on %s', (kind) => {
  let server: TandemProcess;
  let dataDir: string;
  let databaseUrl = '';
  let dropDatabase: (() => Promise<void>) | undefined;
  let lead: Client;
  let projectId: number;
  let jobId: number;
  const tokens = {} as Record<'holder' | 'other', { id: number; token: string }>;
  const sockets: Socket[] = [];
  let page: Socket;
  const seen: ModelEvent[] = [];

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), ...args], {
      env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 180_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split('\n');
  };
  const makeToken = (name: string) => {
    const [head, token] = cli('worker', 'token', 'create', '--name', name, '--projects', 'mnist-demo');
    return { id: Number(/worker token (\d+)/.exec(head)![1]), token };
  };

  /** A worker's socket; resolves once connected, or with the refusal. */
  function workerSocket(auth: Record<string, unknown>): Promise<{ socket: Socket; error?: Error & { data?: unknown } }> {
    const socket = ioClient(`${server.url}/worker`, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false });
    sockets.push(socket);
    return new Promise((resolve) => {
      socket.on('connect', () => resolve({ socket }));
      socket.on('connect_error', (error) => resolve({ socket, error }));
    });
  }

  const progressEvents = () => seen.filter((e) => e.event === 'job-progress');
  const phaseOf = (e: ModelEvent) => (e.progress as { phase: string }).phase;
  /** Polls until `probe` gives a value, at most `ms`: ends as soon as it does. */
  const until = <T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30_000) =>
    vi.waitFor(async () => {
      const v = await probe();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    }, { timeout: ms, interval: 50 });
  /**
   * Everything the server sent the page before now has arrived once this round trip is back: one
   * connection keeps its messages in order, and the server relays progress before it answers the
   * worker. What has not reached the page by then was never sent.
   */
  const pageCaughtUp = async () => expect(await page.emitWithAck('subscribe', { projectId })).toMatchObject({ ok: true });

  beforeAll(async () => {
    let env: Record<string, string> = { TANDEM_DEMO_LIMIT: '30', TANDEM_RETRAIN_EVERY: '2', TANDEM_RETRAIN_SECONDS: '3600' };
    if (kind === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      databaseUrl = pg.url;
      env = { ...env, DATABASE_URL: pg.url };
    }
    dataDir = path.join(TMP_ROOT, `worker-socket-${kind}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env });
    tokens.holder = makeToken('socket-holder');
    tokens.other = makeToken('socket-other');
    lead = await new Client(server.url).login('lead@tandem.local', DEMO_PASSWORD);
    const annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    projectId = (await lead.request('GET', '/api/projects')).json[0].id;

    // The lead's page, in the project's room.
    page = ioClient(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: lead.cookieHeader() }, reconnection: false });
    sockets.push(page);
    page.on('model', (e: ModelEvent) => seen.push(e));
    await new Promise<void>((resolve, reject) => { page.on('connect', () => resolve()); page.on('connect_error', reject); });
    expect(await page.emitWithAck('subscribe', { projectId })).toMatchObject({ ok: true });

    // Two labels queue a job; the holder's token claims it.
    for (let i = 0; i < 2; i++) {
      const { json } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      const r = await annotator.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label: String(i), clientKey: `worker-socket-${lease.itemId}` });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    await until('a queued job', async () => (await lead.request('GET', `/api/projects/${projectId}/model`)).json.job?.state === 'queued');
    const claim = await fetch(`${server.url}/api/worker/v1/jobs/claim`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.holder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ worker: 'socket-test', backends: ['cpu'], protocol: 1 }),
    });
    jobId = ((await claim.json()) as { job: { id: number } }).job.id;
  }, 400_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    expect(await server?.stop()).toBe(0);
    await dropDatabase?.();
  });

  it('refuses a handshake without a token, or with a wrong one, saying why', async () => {
    for (const auth of [{}, { token: 'tdw_nope' }, { token: 42 }]) {
      const { error } = await workerSocket(auth);
      expect(error?.message, JSON.stringify(auth)).toMatch(/^unauthenticated: .*token/);
      expect(error?.data).toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('relays a worker\'s progress to the lead\'s page as the heartbeat does, a few a second at most', async () => {
    const { socket, error } = await workerSocket({ token: tokens.holder.token });
    expect(error).toBeUndefined();
    const started = performance.now();
    const ack = await socket.emitWithAck('progress', { jobId, phase: 'training', done: 1, total: 3 });
    expect(ack).toEqual({ ok: true, data: { relayed: true } });
    // The same phase again at once is taken but not relayed. The server saw the two less than the
    // time measured here apart; on a machine so loaded that this exceeds the gap, only that the
    // answer tells the truth is checked (below). The gap itself: worker-progress-gap.test.ts.
    const again = await socket.emitWithAck('progress', { jobId, phase: 'training', done: 2, total: 3 });
    expect(again).toMatchObject({ ok: true, data: { relayed: expect.any(Boolean) } });
    if (performance.now() - started < PROGRESS_MIN_GAP_MS) expect(again.data.relayed).toBe(false);
    const training = again.data.relayed ? [1, 2] : [1];

    const live = await until('the live progress', () => progressEvents().find((e) => e.jobId === jobId));
    expect(live).toEqual({ projectId, event: 'job-progress', jobId, progress: { phase: 'training', done: 1, total: 3 } });
    // The page's read agrees (it refreshes on the event).
    expect((await lead.request('GET', `/api/projects/${projectId}/model`)).json.job).toMatchObject({ id: jobId, state: 'running', progress: { phase: 'training', done: training.at(-1), total: 3 } });

    // A new phase is relayed at once.
    expect(await socket.emitWithAck('progress', { jobId, phase: 'ranking', done: 0, total: 30 })).toEqual({ ok: true, data: { relayed: true } });

    // A heartbeat's progress reaches the page in the very same shape.
    const beat = await fetch(`${server.url}/api/worker/v1/jobs/${jobId}/heartbeat`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.holder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ progress: { phase: 'uploading', done: 1, total: 2 } }),
    });
    expect(beat.status).toBe(200);
    const viaHeartbeat = await until('the heartbeat progress', () => progressEvents().find((e) => phaseOf(e) === 'uploading'));
    expect(Object.keys(viaHeartbeat).sort()).toEqual(Object.keys(live).sort());
    expect(progressEvents().map((e) => `${phaseOf(e)} ${(e.progress as { done: number }).done}`))
      .toEqual([...training.map((done) => `training ${done}`), 'ranking 0', 'uploading 1']);
  });

  it('refuses progress for a job the worker does not hold, and malformed progress, relaying nothing and serving on', async () => {
    const { socket: holder } = await workerSocket({ token: tokens.holder.token });
    const { socket: other } = await workerSocket({ token: tokens.other.token });
    await pageCaughtUp();
    const before = progressEvents().length;

    expect(await other.emitWithAck('progress', { jobId, phase: 'hijack', done: 1, total: 1 })).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/another worker/) } });
    expect(await holder.emitWithAck('progress', { jobId: 987654, phase: 'training', done: 1, total: 1 })).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/987654/) } });
    const malformed: unknown[] = [
      { jobId: 'x', phase: 'training', done: 1, total: 1 },
      { jobId, phase: '', done: 1, total: 1 },
      { jobId, phase: 'training', done: -1, total: 1 },
      { jobId, phase: 'training', done: 1.5, total: 2 },
      { jobId, phase: 'training', done: 1, total: 1, extra: true },
      { jobId, phase: 'x'.repeat(51), done: 1, total: 1 },
      'progress', null, [jobId], 42,
    ];
    for (const payload of malformed) {
      expect(await holder.emitWithAck('progress', payload), JSON.stringify(payload)).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/bad payload/) } });
    }
    // No ack asked for, nothing that parses: dropped without a word, and the connection stays.
    holder.emit('progress', { jobId: 'x' });
    holder.emit('progress');

    // The server and both sockets serve on. The server takes one socket's events in order, and each
    // answer comes after any disconnect it would have sent: what was refused above had its effect by now.
    expect(await holder.timeout(15_000).emitWithAck('progress', { jobId, phase: 'scoring', done: 5, total: 30 })).toEqual({ ok: true, data: { relayed: true } });
    expect(await other.timeout(15_000).emitWithAck('progress', null)).toMatchObject({ error: { code: 'bad_request' } });
    expect(holder.connected && other.connected).toBe(true);
    await pageCaughtUp();
    // Of all the above, only the valid progress reached the page.
    expect(progressEvents().slice(before).map(phaseOf)).toEqual(['scoring']);
    expect((await lead.request('GET', `/api/projects/${projectId}/model`)).json.job.progress.phase).toBe('scoring');
    expect((await lead.request('GET', '/api/projects')).status).toBe(200);
  });

  it('carries the real trainer\'s phases to the page as they advance, between heartbeats', async () => {
    // The hand-made claim goes back to the queue; the trainer (another token) takes it.
    const failed = await fetch(`${server.url}/api/worker/v1/jobs/${jobId}/fail`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.holder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'handed to the trainer by the test' }),
    });
    expect(failed.status).toBe(200);
    const before = progressEvents().length;
    // Heartbeats an hour apart: all the progress the page sees came over the socket.
    await runWorker({ server: server.url, token: tokens.other.token, maxJobs: 1, idleSeconds: 0.2, heartbeatSeconds: 3600, log: createLogger('silent', 'trainer'), cacheDir: null });
    await until('the ranking', () => seen.some((e) => e.event === 'ranking-applied'));
    // The last phases' relays may land just after the ranking's room event: wait for them, not a snapshot.
    const phases = () => progressEvents().slice(before).filter((e) => e.jobId === jobId).map(phaseOf);
    await until('the training and uploading phases', () => phases().includes('training') && phases().includes('uploading'));
    expect(phases()).toEqual(expect.arrayContaining(['training', 'uploading']));
  }, 300_000);

  it('refuses the next progress of a token revoked since its handshake, and hangs up', async () => {
    const { socket } = await workerSocket({ token: tokens.holder.token });
    const closed = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    cli('worker', 'token', 'revoke', String(tokens.holder.id));
    const before = progressEvents().length;
    expect(await socket.emitWithAck('progress', { jobId, phase: 'revoked', done: 1, total: 1 })).toMatchObject({ error: { code: 'unauthenticated', message: expect.stringMatching(/revoked/) } });
    expect(await closed).toBe('io server disconnect');
    const { error } = await workerSocket({ token: tokens.holder.token });
    expect(error?.message).toMatch(/unknown or revoked worker token/);
    await pageCaughtUp();
    expect(progressEvents().length).toBe(before);
  });
});
