import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { checkDataFolder, setsUp } from '../../../server/cli/data-folder';
import { readConfig } from '../../../server/config';
import { runTandemCli } from '../../fixtures/cli';
import { TMP_ROOT } from '../../fixtures/paths';

const at = { dataDir: '/home/ann/.tandem', exists: false };

describe('a tandem command where there is no data folder', () => {
  it('goes on as usual where the folder exists', () => {
    expect(checkDataFolder(['project', 'list'], { ...at, exists: true })).toEqual({ kind: 'ready' });
  });

  it('stops a command that reads, naming the folder it looked in and how to point at a running server', () => {
    const r = checkDataFolder(['project', 'list'], at);
    expect(r.kind).toBe('missing');
    const message = (r as { message: string }).message;
    expect(message).toContain('no Tandem data folder at /home/ann/.tandem');
    expect(message).toContain('`project list`');
    expect(message).toMatch(/TANDEM_DATA/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/npx tandem start/);
    for (const argv of [['export', 'demo'], ['queue', 'show', 'demo'], ['user', 'list'], ['member', 'set', 'p', 'a@b', 'lead'], ['worker', 'token', 'list']]) {
      expect(checkDataFolder(argv, at).kind, argv.join(' ')).toBe('missing');
    }
  });

  it('lets a command that sets up make the folder, saying which one and how to use another instead', () => {
    for (const argv of [['start'], ['migrate'], ['user', 'add', 'a@b'], ['project', 'create', 'p', '--classes', 'a,b'], ['import', '--holdout', '0', 'p', 'pics'], ['worker', 'token', 'create', '--name', 'x']]) {
      expect(setsUp(argv), argv.join(' ')).toBe(true);
      const r = checkDataFolder(argv, at);
      expect(r).toMatchObject({ kind: 'create', notice: expect.stringContaining('creating a new, empty one') });
      expect((r as { notice: string }).notice).toContain('/home/ann/.tandem');
      expect((r as { notice: string }).notice).toMatch(/TANDEM_DATA/);
    }
  });

  it('reading the configuration does not create the data folder', () => {
    const dir = path.join(TMP_ROOT, 'config-no-folder');
    fs.rmSync(dir, { recursive: true, force: true });
    const config = readConfig({ TANDEM_DATA: dir } as unknown as NodeJS.ProcessEnv);
    expect(fs.existsSync(dir)).toBe(false);
    // The server asks for the secret: then it is made, once, and kept.
    const secret = config.authSecret;
    expect(secret.length).toBeGreaterThan(20);
    expect(readConfig({ TANDEM_DATA: dir } as unknown as NodeJS.ProcessEnv).authSecret).toBe(secret);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('`tandem project list` in the wrong folder says so and creates nothing; `tandem migrate` says where it creates one', async () => {
    const dir = path.join(TMP_ROOT, 'cli-no-folder', '.tandem');
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    const list = await runTandemCli(dir, ['project', 'list']);
    expect(list.code).toBe(1);
    expect(list.err).toContain(`no Tandem data folder at ${dir}`);
    expect(fs.existsSync(dir)).toBe(false);
    expect((await runTandemCli(dir, ['--help'])).code).toBe(0);
    expect(fs.existsSync(dir)).toBe(false);
    const migrate = await runTandemCli(dir, ['migrate']);
    expect(migrate).toMatchObject({ code: 0, out: 'database is up to date\n' });
    expect(migrate.err).toContain(`no data folder at ${dir} — creating a new, empty one there`);
    expect(fs.existsSync(dir)).toBe(true);
    // Once it exists, nothing more is said.
    expect(await runTandemCli(dir, ['project', 'list'])).toMatchObject({ code: 0, err: '' });
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 120_000);
});
