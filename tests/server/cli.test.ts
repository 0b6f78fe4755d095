import { runTandemCli, TANDEM_BIN, type CliRun } from '../fixtures/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../db/client';
import { mediaDir, readConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { createMediaStore } from '../../server/media';
import type { Runtime } from '../../server/runtime';
import { createServices } from '../../server/services';
import { SYSTEM } from '../../server/services/access';
import { handleCliRequest } from '../../server/cli/endpoint';
import { LockedError, readLiveServerLock, removeServerLock, serverLockFile, writeServerLock } from '../../server/cli/lock';
import { openTestDatabase } from '../fixtures/database';
import { pngBytes, writeClassFolders } from '../fixtures/images';
import { ROOT, TMP_ROOT } from '../fixtures/paths';

const BIN = TANDEM_BIN;
type Run = CliRun;

function tandem(dataDir: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}


const oneLine = (s: string) => s.trim().split('\n');

/** A pid that is surely not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('tandem CLI', () => {
  const dataDir = path.join(TMP_ROOT, 'cli-data');

  it('prints help for the program and for each command', () => {
    expect(tandem(dataDir, '--help')).toMatchObject({ code: 0, out: expect.stringContaining('import [options] <project> <path>') });
    expect(tandem(dataDir, 'import', '--help').out).toMatch(/--holdout <fraction>/);
    expect(tandem(dataDir, 'help', 'export').out).toMatch(/--format <format>/);
  });

  it('runs as `npx tandem` from the project folder', () => {
    const r = spawnSync('npx', ['--no-install', 'tandem', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tandem');
  });

  it('answers bad usage with one line and exit code 2', () => {
    const r = tandem(dataDir, 'frobnicate');
    expect(r.code).toBe(2);
    expect(oneLine(r.err)).toEqual([expect.stringMatching(/^tandem: unknown command 'frobnicate' — see `tandem --help`$/)]);
    const holdout = tandem(dataDir, 'import', 'x', '.', '--holdout', '2');
    expect(holdout).toMatchObject({ code: 2 });
    expect(oneLine(holdout.err)).toEqual([expect.stringMatching(/--holdout must be a number from 0 to 1/)]);
    expect(tandem(dataDir, 'import', 'x', '.', '--labels', 'some')).toMatchObject({ code: 2, err: expect.stringMatching(/annotate/) });
    expect(tandem(dataDir, 'user', 'role', 'a@b', 'king')).toMatchObject({ code: 2, err: expect.stringMatching(/role must be one of/) });
    expect(tandem(dataDir, 'project', 'create', 'x')).toMatchObject({ code: 2, err: expect.stringMatching(/--classes/) });
    expect(tandem(dataDir, 'user').code).toBe(2);
  });

  it('creates a project, imports a folder, lists and exports it against the embedded database', () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    const images = path.join(TMP_ROOT, 'cli-images');
    writeClassFolders(images, ['a', 'b'], 6);
    fs.writeFileSync(path.join(images, 'a', 'broken.png'), pngBytes(77).subarray(0, 50));
    expect(tandem(dataDir, 'project', 'create', 'demo2', '--classes', 'a,b')).toMatchObject({ code: 0, out: expect.stringContaining('created project demo2') });
    expect(tandem(dataDir, 'project', 'create', 'demo2', '--classes', 'a,b')).toMatchObject({ code: 1, err: expect.stringMatching(/exists already/) });

    // Some files failed, the rest imported: exit 1, each failure named on stderr.
    const imp = tandem(dataDir, 'import', 'demo2', images, '--holdout', '0');
    expect(imp).toMatchObject({ code: 1, out: expect.stringContaining('imported 12 new items into demo2 (0 already there, 1 failed)') });
    expect(imp.err).toMatch(/skipped a\/broken\.png: broken or truncated PNG/);
    fs.rmSync(path.join(images, 'a', 'broken.png'));
    expect(tandem(dataDir, 'import', 'demo2', images)).toMatchObject({ code: 0, out: expect.stringContaining('imported 0 new items into demo2 (12 already there, 0 failed)') });

    expect(tandem(dataDir, 'project', 'list').out).toMatch(/demo2\s+items 12\s+labeled 12\s+holdout 0/);
    const csv = tandem(dataDir, 'export', 'demo2', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(oneLine(csv.out)).toHaveLength(13);
    expect(oneLine(csv.out)[0]).toBe('image,label,group,split,annotator,source,labeled_at,answer');
    const out = path.join(TMP_ROOT, 'cli-export.jsonl');
    expect(tandem(dataDir, 'export', 'demo2', '--out', out)).toMatchObject({ code: 0, err: expect.stringContaining('wrote 12 labels') });
    expect(oneLine(fs.readFileSync(out, 'utf8')).map((l) => JSON.parse(l).label).sort().join('')).toBe('aaaaaabbbbbb');
    expect(tandem(dataDir, 'export', 'nope')).toMatchObject({ code: 1, err: expect.stringMatching(/no project "nope"/) });

    expect(tandem(dataDir, 'user', 'add', 'x@y.z', '--password', 'short')).toMatchObject({ code: 2, err: expect.stringMatching(/at least 8/) });
    expect(tandem(dataDir, 'user', 'add', 'lead@y.z', '--name', 'Lee')).toMatchObject({ code: 0, out: expect.stringMatching(/added lead@y\.z .* with password \S{8,}/) });
    expect(tandem(dataDir, 'member', 'set', 'demo2', 'lead@y.z', 'lead')).toMatchObject({ code: 0, out: 'lead@y.z is lead in demo2\n' });
    expect(tandem(dataDir, 'project', 'set', 'demo2', '--strategy', 'margin', '--retrain-every', '5')).toMatchObject({ code: 0, out: 'demo2: strategy margin, retrainEvery 5\n' });
    expect(tandem(dataDir, 'project', 'set', 'demo2', '--retrain-every', 'often')).toMatchObject({ code: 2, err: expect.stringMatching(/whole number/) });
    expect(tandem(dataDir, 'project', 'set', 'demo2', '--strategy', 'nope')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown strategy/) });
    expect(tandem(dataDir, 'project', 'set', 'demo2', '--strategy', 'default')).toMatchObject({ code: 0, out: 'demo2: retrainEvery 5\n' });
    expect(tandem(dataDir, 'user', 'role', 'lead@y.z', 'admin')).toMatchObject({ code: 0 });
    expect(tandem(dataDir, 'user', 'list').out).toMatch(/admin\s+lead@y\.z\s+Lee/);
    expect(tandem(dataDir, 'migrate')).toMatchObject({ code: 0, out: 'database is up to date\n' });
    expect(fs.existsSync(serverLockFile(dataDir))).toBe(false);
  }, 300_000); // fifteen CLI processes, each opening the embedded database: ~20 s alone, more on a busy machine

  it('keeps the last admin and sets a new password', () => {
    const dir = path.join(TMP_ROOT, 'cli-users');
    expect(tandem(dir, 'user', 'add', 'root@y.z', '--role', 'admin', '--password', 'first secret')).toMatchObject({ code: 0 });
    expect(tandem(dir, 'user', 'role', 'root@y.z', 'user')).toMatchObject({ code: 1, err: expect.stringMatching(/last admin: make another user admin first/) });
    expect(tandem(dir, 'user', 'password', 'root@y.z', '--password', 'another secret')).toMatchObject({ code: 0, out: 'root@y.z has a new password; their sessions are ended\n' });
  }, 90_000); // three CLI processes

  it('refuses to open the embedded database while another tandem command holds it', async () => {
    const dir = path.join(TMP_ROOT, 'cli-held');
    fs.mkdirSync(dir, { recursive: true });
    // This test process plays a running `tandem import` that holds the database.
    fs.writeFileSync(serverLockFile(dir), JSON.stringify({ pid: process.pid, port: 0, url: '', token: 't', cli: true }));
    const r = await runTandemCli(dir, ['project', 'list']);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toEqual([expect.stringMatching(/in use by a tandem command \(pid \d+\) — wait for it to finish/)]);
    const start = await runTandemCli(dir, ['start']);
    expect(start.code).toBe(1);
    expect(start.err).toMatch(/in use by a tandem command/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tells how to recover when the server named in the lock does not answer', async () => {
    const dir = path.join(TMP_ROOT, 'cli-silent');
    fs.mkdirSync(dir, { recursive: true });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    fs.writeFileSync(serverLockFile(dir), JSON.stringify({ pid: process.pid, port, url: `http://127.0.0.1:${port}`, token: 't' }));
    const r = await runTandemCli(dir, ['project', 'list']);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toEqual([expect.stringMatching(/does not answer .* — .*delete .*server\.json/)]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('server lock', () => {
  const dir = path.join(TMP_ROOT, 'lock');

  it('is written with mode 600, read back while its process lives, and removed by its owner', () => {
    const token = writeServerLock(dir, { port: 4000, url: 'http://localhost:4000' });
    expect(fs.statSync(serverLockFile(dir)).mode & 0o777).toBe(0o600);
    expect(readLiveServerLock(dir)).toMatchObject({ pid: process.pid, port: 4000, url: 'http://localhost:4000', token });
    removeServerLock(dir);
    expect(readLiveServerLock(dir)).toBeNull();
  });

  it('refuses a second owner while the first lives, and takes over a dead one', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(serverLockFile(dir), JSON.stringify({ pid: process.ppid, port: 3000, url: 'http://localhost:3000', token: 'x' }));
    expect(() => writeServerLock(dir, { port: 1, url: 'u' })).toThrow(LockedError);
    expect(() => writeServerLock(dir, { port: 1, url: 'u' })).toThrow(/server at http:\/\/localhost:3000 .* — stop it first/);
    removeServerLock(dir); // not ours: stays
    expect(readLiveServerLock(dir)).not.toBeNull();

    fs.writeFileSync(serverLockFile(dir), JSON.stringify({ pid: deadPid(), port: 3000, url: 'x', token: 'x' }));
    expect(readLiveServerLock(dir)).toBeNull();
    writeServerLock(dir, { port: 5, url: 'mine' });
    expect(readLiveServerLock(dir)).toMatchObject({ pid: process.pid, url: 'mine' });
    removeServerLock(dir);
  });
});

describe('tandem CLI with a running server', () => {
  const dataDir = path.join(TMP_ROOT, 'cli-remote');
  let database: Database;
  let server: http.Server;
  let rt: Runtime;
  let url: string;
  let token: string;

  beforeAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    database = await openTestDatabase('pglite');
    const config = readConfig({ TANDEM_DATA: dataDir } as unknown as NodeJS.ProcessEnv);
    const media = createMediaStore(mediaDir(config));
    rt = { config, database, media, services: createServices(database.db, { leaseSeconds: 600, media }), log: createLogger('silent'), startedAt: new Date() };
    server = http.createServer((req, res) => void handleCliRequest(req, res, rt));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    url = `http://localhost:${port}`;
    token = writeServerLock(dataDir, { port, url });
  });
  afterAll(async () => {
    removeServerLock(dataDir);
    await new Promise((r) => server.close(r));
    await database.close();
  });

  it('sends commands to the server, which runs them on its own database with paths as typed', async () => {
    const work = path.join(TMP_ROOT, 'cli-remote-work');
    writeClassFolders(path.join(work, 'pics'), ['a', 'b'], 2);
    expect(await runTandemCli(dataDir, ['project', 'create', 'remote', '--classes', 'a,b'])).toMatchObject({ code: 0, out: expect.stringContaining('created project remote') });
    expect(await runTandemCli(dataDir, ['import', '--holdout', '0', 'remote', 'pics'], { cwd: work })).toMatchObject({ code: 0, out: expect.stringContaining('imported 4 new items') });
    expect(await runTandemCli(dataDir, ['export', 'remote', '--format', 'csv', '--out', 'labels.csv'], { cwd: work })).toMatchObject({ code: 0 });
    expect(oneLine(fs.readFileSync(path.join(work, 'labels.csv'), 'utf8'))).toHaveLength(5);
    expect(await runTandemCli(dataDir, ['user', 'add', 'r@x.y', '--password-stdin'], { input: 'a long secret\n' })).toMatchObject({ code: 0, out: 'added r@x.y (id 1, user)\n' });
    expect(await rt.services.users.verify('r@x.y', 'a long secret')).toMatchObject({ email: 'r@x.y' });
    const [p] = await rt.services.projects.listVisible(SYSTEM);
    expect(p).toMatchObject({ slug: 'remote', counts: { items: 4, labeled: 4 } });

    const bad = await runTandemCli(dataDir, ['frobnicate']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.err)).toEqual([expect.stringMatching(/^tandem: unknown command 'frobnicate'/)]);
    expect(await runTandemCli(dataDir, ['start'])).toMatchObject({ code: 1, err: expect.stringContaining(`running already at ${url}`) });
    expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(false); // the CLI never opened the embedded database itself
  });

  it('refuses a wrong token with 401 and a malformed body with 400, in the error shape', async () => {
    const post = async (auth: string, body: string) => {
      const res = await fetch(`${url}/api/cli/v1`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
      return { status: res.status, body: await res.json() };
    };
    expect(await post('Bearer nope', '{"argv":["project","list"]}')).toEqual({ status: 401, body: { error: { code: 'unauthenticated', message: expect.any(String) } } });
    expect(await post(`Bearer ${token}`, '{"argv":"project list"}')).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await post(`Bearer ${token}`, '{"argv":[],"cwd":"relative"}')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/absolute/) } } });
    expect(await post(`Bearer ${token}`, 'not json')).toMatchObject({ status: 400 });
    expect(await post(`Bearer ${token}`, '{"argv":["project","list"]}')).toEqual({ status: 200, body: { stdout: expect.stringContaining('remote'), stderr: '', exitCode: 0 } });
  });
});
