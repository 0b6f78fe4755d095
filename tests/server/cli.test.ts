import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, TMP_ROOT } from '../fixtures/paths';
import { writeClassFolders } from '../fixtures/images';

const dataDir = path.join(TMP_ROOT, 'cli-data');
function tandem(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), ...args], {
    env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tandem CLI', () => {
  it('prints help for the program and for each command', () => {
    expect(tandem('--help')).toMatchObject({ code: 0, out: expect.stringContaining('import [options] <project> <path>') });
    expect(tandem('import', '--help').out).toMatch(/--holdout <fraction>/);
  });

  it('answers bad usage with one line and exit code 2', () => {
    const r = tandem('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^tandem: unknown command 'frobnicate' — see `tandem --help`$/)]);
    expect(tandem('import', 'x', '.', '--holdout', '2')).toMatchObject({ code: 2, err: expect.stringMatching(/--holdout must be a number from 0 to 1/) });
    expect(tandem('user', 'role', 'a@b', 'king')).toMatchObject({ code: 2, err: expect.stringMatching(/role must be one of/) });
  });

  it('creates a project, imports a folder, lists and exports it', () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    const images = path.join(TMP_ROOT, 'cli-images');
    writeClassFolders(images, ['a', 'b'], 6);
    expect(tandem('project', 'create', 'demo2', '--classes', 'a,b')).toMatchObject({ code: 0, out: expect.stringContaining('created project demo2') });
    expect(tandem('project', 'create', 'demo2', '--classes', 'a,b')).toMatchObject({ code: 1, err: expect.stringMatching(/exists already/) });
    const imp = tandem('import', 'demo2', images, '--holdout', '0');
    expect(imp).toMatchObject({ code: 0, out: expect.stringContaining('imported 12 new items') });
    expect(tandem('project', 'list').out).toMatch(/demo2\s+items 12\s+labeled 12/);
    const csv = tandem('export', 'demo2', '--format', 'csv');
    expect(csv.out.trim().split('\n')).toHaveLength(13);
    expect(tandem('export', 'nope')).toMatchObject({ code: 1, err: expect.stringMatching(/no project "nope"/) });
    expect(tandem('user', 'add', 'x@y.z', '--password', 'short')).toMatchObject({ code: 2, err: expect.stringMatching(/at least 8/) });
  });
});
