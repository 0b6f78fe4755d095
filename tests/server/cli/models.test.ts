import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../../db/client';
import { models } from '../../../db/schema';
import { runProgram } from '../../../server/cli/commands';
import { createMediaStore } from '../../../server/media';
import { createServices } from '../../../server/services';
import { SYSTEM } from '../../../server/services/access';
import { openTestDatabase } from '../../fixtures/database';
import { vectorModel } from '../../fixtures/onnx';
import { TINY_EMBEDDER } from '../../fixtures/make-onnx';
import { ROOT, TEMPLATE_DIR, TMP_ROOT } from '../../fixtures/paths';

/**
 * `tandem model add|use|list|remove`: the commands in-process against a test
 * database (fast), and once as a real process for the exit code and the one
 * line on stderr a user sees.
 */
describe('tandem model', () => {
  const dir = path.join(TMP_ROOT, 'cli-models');
  let database: Database;
  const media = path.join(dir, 'media');
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const services = createServices(database.db, { leaseSeconds: 600, media: createMediaStore(media) });
    const code = await runProgram(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir }, async () => ({ services }));
    return { code, out, err };
  };

  beforeAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'junk.onnx'), crypto.randomBytes(256));
    fs.writeFileSync(path.join(dir, 'vector.onnx'), vectorModel());
    fs.copyFileSync(TINY_EMBEDDER, path.join(dir, 'tiny.onnx'));
    database = await openTestDatabase('pglite');
    await createServices(database.db, { leaseSeconds: 600, media: createMediaStore(media) }).projects.create(SYSTEM, { slug: 'digits', classes: ['0', '1'] });
  });
  afterAll(async () => { await database?.close(); });

  it('refuses a bad file or bad options with one line and exit 2, storing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['junk.onnx'], /^tandem: junk\.onnx is not an ONNX model onnxruntime can load: .+$/],
      [['vector.onnx'], /^tandem: the model's input "x" has shape \[N,8\]; an image model takes \[N,C,H,W\] or \[N,H,W,C\]$/],
      [['missing.onnx'], /^tandem: cannot read .*missing\.onnx: no such file$/],
      [['tiny.onnx', '--input-size', '64'], /fixed at 28×28; --input-size 64 does not fit/],
      [['tiny.onnx', '--input-size', 'big'], /--input-size must be a whole number/],
      [['tiny.onnx', '--channels', '2'], /--channels.*Allowed choices are 1, 3/],
      [['tiny.onnx', '--mean', '0.5,x'], /--mean takes 1 or 3 numbers/],
      [['tiny.onnx', '--mean', '0.5,0.5,0.5'], /--mean and --std need 1 value, one per channel/],
      [['tiny.onnx', '--name', 'Bad Name'], /bad model options: name: use 1–64 lower-case/],
    ];
    for (const [args, why] of cases) {
      const r = await run('model', 'add', 'digits', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toEqual([expect.stringMatching(why)]);
      expect(r.out).toEqual([]);
    }
    expect(await database.db.select().from(models)).toEqual([]);
    expect(fs.existsSync(media)).toBe(false);
    expect((await run('model', 'add', 'nope', 'tiny.onnx'))).toMatchObject({ code: 1, err: [expect.stringMatching(/no project "nope"/)] });
  });

  it('adds, lists, switches and removes a model', async () => {
    expect((await run('model', 'list')).out).toEqual([
      expect.stringMatching(/^ {3}- {2}builtin:pixels: 28×28 gray pixels → PCA-50; .* {2}projects: none by name$/),
      expect.stringMatching(/^ {3}- {2}builtin:mobilenet-v2: MobileNetV2 .* {2}projects: none by name$/),
      '      projects that name none (auto): mobilenet-v2 for colour images or any larger than 64 px, else raw pixels',
      'no models yet: tandem model add PROJECT FILE.onnx',
    ]);
    const added = await run('model', 'add', 'digits', 'tiny.onnx', '--name', 'tiny');
    expect(added).toMatchObject({ code: 0, err: [] });
    expect(added.out).toEqual([
      expect.stringMatching(/^added model tiny \(id \d+\): input pixels NCHW 1×28×28, output embedding 16-d, 3\.5 KB, sha256 [0-9a-f]{12}…$/),
      'digits now embeds its images with tiny; it takes effect once the project has labels',
    ]);
    expect((await run('model', 'list')).out[3]).toMatch(/^\s+\d+ {2}tiny \(id \d+\): .* {2}projects: digits$/);
    expect((await run('model', 'use', 'digits', 'none')).out).toEqual(['digits now embeds its images with the built-in raw pixels (PCA); it takes effect once the project has labels']);
    expect((await run('model', 'list')).out).toEqual([
      expect.stringMatching(/^ {3}- {2}builtin:pixels: .* {2}projects: digits$/), expect.stringMatching(/builtin:mobilenet-v2: .* {2}projects: none by name$/),
      expect.stringMatching(/auto/), expect.stringMatching(/tiny .* {2}projects: none$/),
    ]);
    expect((await run('model', 'use', 'digits', 'builtin:mobilenet-v2')).out).toEqual(['digits now embeds its images with the built-in mobilenet-v2; it takes effect once the project has labels']);
    expect(await run('model', 'use', 'digits', 'builtin:resnet')).toMatchObject({ code: 2, err: [expect.stringMatching(/no built-in "builtin:resnet": use builtin:pixels or builtin:mobilenet-v2/)] });
    expect((await run('model', 'use', 'digits', 'auto')).out).toEqual([
      'digits now embeds its images with the built-in the server picks from its images (mobilenet-v2 for colour images or any larger than 64 px, else raw pixels); it takes effect once the project has labels',
    ]);
    expect((await run('model', 'use', 'digits', 'tiny')).code).toBe(0);
    expect((await run('model', 'remove', 'tiny')).out).toEqual(['removed model tiny; digits is back on auto (it takes effect once the project has labels)']);
    expect(await run('model', 'remove', 'tiny')).toMatchObject({ code: 1, err: [expect.stringMatching(/no model "tiny"/)] });
  });

  it('as a real process: a bad file is one line on stderr and exit 2', () => {
    const data = path.join(dir, 'data');
    // A copy of the migrated template: no initdb in this test.
    fs.cpSync(TEMPLATE_DIR, path.join(data, 'db'), { recursive: true });
    const tandem = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), ...args], {
      cwd: dir, env: { ...process.env, TANDEM_DATA: data, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
    });
    expect(tandem('project', 'create', 'digits', '--classes', '0,1').status).toBe(0);
    const r = tandem('model', 'add', 'digits', 'junk.onnx');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tandem: junk\.onnx is not an ONNX model onnxruntime can load: /)]);
  }, 300_000);
});
