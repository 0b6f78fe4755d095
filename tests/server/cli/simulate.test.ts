import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { mulberry32 } from '../../../lib/random';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';

const BIN = path.join(ROOT, 'bin/tandem.mjs');
const DIR = path.join(TMP_ROOT, 'simulate-cli');
const DATA = path.join(DIR, 'shapes');
const DATA_DIR = path.join(DIR, 'tandem-data');
const CLASSES = ['bar', 'column', 'diagonal'];

type Run = { code: number | null; out: string; err: string };

function tandem(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: DIR, env: { ...process.env, TANDEM_DATA: DATA_DIR, DATABASE_URL: '' }, encoding: 'utf8', timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A 28×28 grayscale picture of its class's shape (a horizontal bar, a vertical bar, a diagonal) at a jittered place, with noise. */
function shapePng(cls: number, seed: number): Buffer {
  const rng = mulberry32(seed);
  const png = new PNG({ width: 28, height: 28 });
  const shift = Math.floor(rng() * 9) - 4;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const on = cls === 0 ? Math.abs(y - 14 - shift) <= 2 : cls === 1 ? Math.abs(x - 14 - shift) <= 2 : Math.abs(x - y - shift) <= 2;
      const v = Math.min(255, Math.floor((on ? 200 : 20) + rng() * 50));
      png.data.set([v, v, v, 255], (y * 28 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean);

describe('tandem simulate', () => {
  beforeAll(() => {
    fs.rmSync(DIR, { recursive: true, force: true });
    CLASSES.forEach((c, ci) => {
      fs.mkdirSync(path.join(DATA, c), { recursive: true });
      for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(DATA, c, `${c}-${i}.png`), shapePng(ci, ci * 1000 + i + 1));
    });
    // The same pictures through a JSONL manifest, one of them without a label.
    const rows = CLASSES.flatMap((c) => Array.from({ length: 40 }, (_, i) => JSON.stringify({ image: `shapes/${c}/${c}-${i}.png`, ...(c === 'bar' && i === 0 ? {} : { label: c }) })));
    fs.writeFileSync(path.join(DIR, 'manifest.jsonl'), rows.join('\n') + '\n');
  });
  afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

  it('lists the strategies', () => {
    const r = tandem('simulate', '--list-strategies');
    expect(r.code).toBe(0);
    const names = lines(r.out).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(expect.arrayContaining(['random', 'margin', 'entropy', 'bald', 'vote-entropy', 'kcenter', 'badge', 'margin-kcenter', 'auto']));
  });

  it('runs every strategy and seed on a folder per class, writes the JSON and prints the table, the same for the same seeds', () => {
    const args = ['simulate', '--data', 'shapes', '--strategies', 'random,auto,margin,bald', '--seeds', '2', '--batch', '6', '--budget', '30', '--holdout', '0.25', '--json', 'out.json'];
    const r = tandem(...args);
    expect(r.err).not.toMatch(/tandem: /);
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(DIR, 'out.json'), 'utf8'));
    // bald runs too, on MC-dropout passes of the trainer's own tfjs head, and the report names that compute.
    expect(Object.keys(report.strategies)).toEqual(['random', 'auto', 'margin', 'bald']);
    expect(report.compute).toMatch(/^label spreading \(typed arrays\) \+ tfjs .* wasm .* MC-dropout head$/);
    expect(report.target).toBe(0.9);
    expect(report.data).toMatchObject({ items: 120, classes: CLASSES, withLabels: 120 });
    expect(report.settings).toMatchObject({ seeds: [1, 2], batch: 6, budget: 30, holdout: 0.25 });
    for (const s of Object.values(report.strategies) as { seeds: { seed: number; curve: [number, number][]; aulc: number; labelsToTarget: number | null }[]; aulc: { median: number } }[]) {
      expect(s.seeds.map((x) => x.seed)).toEqual([1, 2]);
      for (const seed of s.seeds) {
        expect(seed.curve.map(([labels]) => labels)).toEqual([6, 12, 18, 24, 30]);
        expect(seed.aulc).toBeGreaterThan(0);
        expect(seed.aulc).toBeLessThanOrEqual(1);
      }
      expect(typeof s.aulc.median).toBe('number');
    }
    // Three clean shapes: a cluster-stratified start has them all after one batch.
    expect(report.strategies.auto.seeds[0].curve[0][1]).toBeGreaterThan(0.9);
    // The table on stdout, progress on stderr.
    expect(r.out).toMatch(/\| strategy \| median labels to 90% \|/);
    expect(lines(r.out).filter((l) => /^\| (random|auto|margin|bald) \|/.test(l))).toHaveLength(4);
    expect(r.err).toMatch(/simulate 8\/8 bald seed 2/);
    const again = tandem(...args);
    expect(again.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(DIR, 'out.json'), 'utf8'))).toEqual(report);
  });

  it('reads a JSONL manifest as import does and never picks the image without a label', () => {
    const r = tandem('simulate', '--data', 'manifest.jsonl', '--strategies', 'random', '--seeds', '1', '--batch', '10', '--budget', '200', '--json', 'manifest.json');
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
    expect(report.data).toMatchObject({ items: 120, withLabels: 119 });
    const seed = report.strategies.random.seeds[0];
    // Everything with a label outside the holdout gets labeled: fewer than 119 in all.
    const last = seed.curve[seed.curve.length - 1][0];
    expect(last).toBeLessThan(119);
    expect(last).toBeGreaterThan(60);
  });

  it('runs here even while a server owns the data folder (never forwarded to it)', () => {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    // A live pid (this test process) and a port nothing listens on: a forwarded command would fail to reach it.
    fs.writeFileSync(path.join(DATA_DIR, 'server.json'), JSON.stringify({ pid: process.pid, port: 1, url: 'http://127.0.0.1:1', token: 'x' }));
    try {
      const r = tandem('simulate', '--mnist', '--list-strategies');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^auto /m);
      const run = tandem('simulate', '--data', 'shapes', '--strategies', 'random', '--seeds', '1', '--budget', '10');
      expect(run.code).toBe(0);
    } finally {
      fs.rmSync(path.join(DATA_DIR, 'server.json'), { force: true });
    }
  });

  it.each([
    ['a missing data folder', ['--data', 'nowhere'], /no data at .*nowhere/],
    ['no data at all', [], /give --data/],
    ['an unknown strategy', ['--data', 'shapes', '--strategies', 'random,psychic'], /unknown strategy 'psychic' — use one of random, /],
    ['a budget below the batch', ['--data', 'shapes', '--batch', '20', '--budget', '10'], /--budget \(10\) must be at least --batch \(20\)/],
    ['a holdout of 1', ['--data', 'shapes', '--holdout', '1'], /--holdout must be between 0 and 1/],
    ['a holdout of 0', ['--data', 'shapes', '--holdout', '0'], /--holdout must be between 0 and 1/],
    ['a seed count of 0', ['--data', 'shapes', '--seeds', '0'], /--seeds must be a whole number/],
  ])('refuses %s with one line and exit 2', (_what, args, message) => {
    const r = tandem('simulate', ...args);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^tandem: /);
    expect(r.err).toMatch(message);
  });
});
