import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { mulberry32 } from '../../../lib/random';
import { TINY_EMBEDDER } from '../../fixtures/make-onnx';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';

const BIN = path.join(ROOT, 'bin/tandem.mjs');
const DIR = path.join(TMP_ROOT, 'simulate-cli');
const DATA = path.join(DIR, 'shapes');
const COLOUR = path.join(DIR, 'colours');
const DATA_DIR = path.join(DIR, 'tandem-data');
const CLASSES = ['bar', 'column', 'diagonal'];

type Run = { code: number | null; out: string; err: string };

function tandem(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: DIR, env: { ...process.env, TANDEM_DATA: DATA_DIR, DATABASE_URL: '' }, encoding: 'utf8', timeout: 300_000,
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

/** A 32×32 colour PNG: its class's hue with seeded noise (colour: the auto rule's cue for the photo CNN). */
function colourPng(rgb: [number, number, number], seed: number): Buffer {
  const rng = mulberry32(seed);
  const png = new PNG({ width: 32, height: 32 });
  for (let p = 0; p < 32 * 32; p++) png.data.set([...rgb.map((v) => Math.max(0, Math.min(255, Math.round(v + (rng() - 0.5) * 60)))), 255], p * 4);
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
    // Five colour images a class, for the photo CNN (kept tiny: ~0.1 s an image on 2 cores).
    const hues: Record<string, [number, number, number]> = { red: [200, 30, 30], green: [30, 180, 40], blue: [30, 40, 200] };
    Object.entries(hues).forEach(([c, rgb], ci) => {
      fs.mkdirSync(path.join(COLOUR, c), { recursive: true });
      for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(COLOUR, c, `${c}-${i}.png`), colourPng(rgb, ci * 100 + i + 1));
    });
    fs.writeFileSync(path.join(DIR, 'broken.onnx'), 'not a model');
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
    // Small gray images: the trainer's auto rule keeps raw pixels.
    expect(report.data).toMatchObject({ embedding: 'builtin:pixels', embeddingChoice: 'auto: small gray images (at most 64 px)', model: 'pca50-knn7-label-spreading' });
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

  it('embeds with the built-in named by --embedding builtin:pixels and records it in the JSON', () => {
    const r = tandem('simulate', '--data', 'shapes', '--strategies', 'random', '--seeds', '1', '--batch', '6', '--budget', '12', '--embedding', 'builtin:pixels', '--json', 'pixels.json');
    expect(r.err).not.toMatch(/tandem: /);
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(DIR, 'pixels.json'), 'utf8'));
    expect(report.data).toMatchObject({ items: 120, embedding: 'builtin:pixels', embeddingChoice: '--embedding builtin:pixels', model: 'pca50-knn7-label-spreading' });
    expect(report.strategies.random.seeds[0].curve.map(([labels]: [number, number]) => labels)).toEqual([6, 12]);
    expect(r.out).toMatch(/embedding builtin:pixels/);
  });

  it('embeds colour images with the built-in photo CNN, by name or by the auto rule', () => {
    const args = ['simulate', '--data', 'colours', '--strategies', 'random,auto', '--seeds', '1', '--batch', '3', '--budget', '6', '--holdout', '0.25'];
    const named = tandem(...args, '--embedding', 'builtin:mobilenet-v2', '--json', 'mobilenet.json');
    expect(named.err).not.toMatch(/tandem: /);
    expect(named.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(DIR, 'mobilenet.json'), 'utf8'));
    expect(report.data).toMatchObject({ items: 15, classes: ['blue', 'green', 'red'], embedding: 'builtin:mobilenet-v2', embeddingChoice: '--embedding builtin:mobilenet-v2' });
    expect(report.data.model).toMatch(/^mobilenet-v2@nsfwjs-[\d.]+-pca50-knn7-label-spreading$/);
    // The CNN runs on the trainer's tfjs, which the report names as the embeddings' compute.
    expect(report.compute).toMatch(/tfjs .* embeddings and MC-dropout head$/);
    expect(Object.keys(report.strategies)).toEqual(['random', 'auto']);
    for (const s of Object.values(report.strategies) as { seeds: { curve: [number, number][] }[] }[]) {
      expect(s.seeds[0].curve.map(([labels]) => labels)).toEqual([3, 6]);
    }
    expect(named.err).toMatch(/simulate: embedding: builtin:mobilenet-v2 .*1280 values an image/);
    // No --embedding: colour images make the trainer's rule pick the photo CNN, and the same run follows.
    const auto = tandem(...args, '--json', 'auto.json');
    expect(auto.code).toBe(0);
    const byRule = JSON.parse(fs.readFileSync(path.join(DIR, 'auto.json'), 'utf8'));
    expect(byRule.data).toMatchObject({ embedding: 'builtin:mobilenet-v2', embeddingChoice: 'auto: colour images' });
    expect(byRule.strategies).toEqual(report.strategies);
  });

  it('embeds with a user\'s ONNX model given as --embedding FILE.onnx', () => {
    const r = tandem('simulate', '--data', 'shapes', '--strategies', 'random,auto', '--seeds', '1', '--batch', '6', '--budget', '12', '--embedding', TINY_EMBEDDER, '--json', 'onnx.json');
    expect(r.err).not.toMatch(/tandem: /);
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(DIR, 'onnx.json'), 'utf8'));
    expect(report.data).toMatchObject({ embedding: 'tiny-embedder.onnx', embeddingChoice: '--embedding tiny-embedder.onnx', model: 'onnx:tiny-embedder-knn7-label-spreading' });
    expect(report.compute).toMatch(/^onnxruntime-node cpu embeddings; /);
  });

  it('names --embedding and its values, and the packaged data sets, in --help and in the README', () => {
    const r = tandem('simulate', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--embedding <name>/);
    for (const v of ['auto', 'builtin:pixels', 'builtin:mobilenet-v2', 'FILE.onnx', '"mnist"', '"fashion-mnist"']) expect(r.out.replace(/\s+/g, ' ')).toContain(v);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => /simulate/.test(l));
    expect(readme.join('\n')).toMatch(/--embedding/);
    expect(readme.join('\n')).toMatch(/builtin:mobilenet-v2/);
    expect(readme.join('\n')).toMatch(/--data fashion-mnist/);
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
    ['an unknown embedding', ['--data', 'shapes', '--embedding', 'resnet'], /unknown --embedding 'resnet' — use auto, builtin:pixels, builtin:mobilenet-v2 or an ONNX model file/],
    ['an unknown built-in embedding', ['--data', 'shapes', '--embedding', 'builtin:clip'], /no built-in embedding 'builtin:clip' — use builtin:pixels or builtin:mobilenet-v2/],
    ['a missing ONNX file', ['--data', 'shapes', '--embedding', 'nowhere.onnx'], /--embedding: no ONNX file at .*nowhere\.onnx/],
    ['a file that is not an ONNX model', ['--data', 'shapes', '--embedding', 'broken.onnx'], /--embedding: broken\.onnx is not an ONNX model onnxruntime can load/],
  ])('refuses %s with one line and exit 2', (_what, args, message) => {
    const r = tandem('simulate', ...args);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^tandem: /);
    expect(r.err).toMatch(message);
  });
});
