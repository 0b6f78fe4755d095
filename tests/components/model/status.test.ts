import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { accuracyWords, badgeLine, holdoutMetrics, shortBackend, jobErrors, labelsBehind, summarize, uncertaintyBars, type ModelStatus } from '../../../components/model/status';
import { UncertaintyHistogram } from '../../../components/model/UncertaintyHistogram';
import { niceTicks } from '../../../components/model/ticks';

const metrics = { accuracy: 0.912, macroF1: 0.9, logLoss: 0.31, ece: 0.04, holdoutSize: 120 };

function status(over: Partial<ModelStatus> = {}): ModelStatus {
  return { labels: 0, ranking: null, model: null, job: null, curve: [], next: [], ...over };
}

const trained = (over: Partial<ModelStatus> = {}) => status({
  labels: 47,
  ranking: { id: 7, labelCount: 43, behind: 4, strategy: 'auto', at: '2026-01-01T00:00:00Z' },
  model: { id: 12, backend: 'cpu: typed-array label spreading', model: 'knn', labelCount: 43, metrics },
  job: { id: 3, state: 'done', attempts: 1, progress: null, error: null, worker: 'w' },
  curve: [{ labels: 10, ...metrics }, { labels: 20, ...metrics }, { labels: 43, ...metrics }],
  ...over,
});

describe('model badge line', () => {
  it('says items are dealt at random until the first retrain, with the count so far', () => {
    expect(badgeLine(status({ labels: 3 }), 10)).toEqual({ kind: 'cold', tone: 'info', text: 'No model yet: items dealt at random until 10 labels (3 so far)' });
    expect(badgeLine(status({ labels: 3 }), 10, 'keypoint skeletons').text).toBe('No keypoint skeletons model: items are dealt by the cold start until a trainer orders them by diversity over image embeddings');
  });

  it('says a ranking no model made orders items by diversity, with no accuracy or uncertainty', () => {
    const s = status({
      labels: 5,
      ranking: { id: 9, labelCount: 3, behind: 2, strategy: 'kcenter', at: '2026-01-01T00:00:00Z', entries: 11, kind: 'diversity' },
      model: { id: 4, backend: 'tfjs wasm', model: 'no model: greedy k-center on pca50', labelCount: 3, metrics: {} },
      job: { id: 2, state: 'done', attempts: 1, progress: null, error: null, worker: 'w' },
      curve: [{ labels: 3 }],
    });
    expect(badgeLine(s, 10, 'keypoint skeletons')).toEqual({ kind: 'diversity', tone: 'ok', text: 'No keypoint skeletons model: 11 items ordered by diversity over image embeddings · 2 labels since' });
    expect(badgeLine(s, 10, 'keypoint skeletons').text).not.toMatch(/accuracy|uncertain/);
  });

  it('says a classifier\'s ranking before any label orders the images from their embeddings, typical ones first', () => {
    const s = status({
      labels: 0,
      ranking: { id: 1, labelCount: 0, behind: 0, strategy: 'auto', at: '2026-01-01T00:00:00Z', entries: 8995, kind: 'diversity' },
      model: { id: 1, backend: 'label spreading', model: 'pca50-umap10-knn7', labelCount: 0, metrics: {} },
      job: { id: 1, state: 'done', attempts: 1, progress: null, error: null, worker: 'w' },
      curve: [{ labels: 0 }],
    });
    expect(badgeLine(s, 10)).toEqual({ kind: 'diversity', tone: 'ok', text: 'No model yet: 8995 items ordered from the image embeddings alone, typical images of each cluster first · up to date' });
  });

  it('says a queued first job waits for a trainer', () => {
    const s = status({ labels: 12, job: { id: 1, state: 'queued', attempts: 0, progress: null, error: null, worker: null } });
    expect(badgeLine(s, 10).kind).toBe('waiting');
    expect(badgeLine(s, 10).text).toMatch(/waiting for a trainer/);
  });

  it('names the version within the project, the trained labels, holdout accuracy, staleness and the compute backend', () => {
    expect(badgeLine(trained(), 10).text).toBe('Model v3 (43 labels) · 91.2% holdout accuracy on 120 items (95% interval 84–95%) · 4 labels behind · cpu');
    expect(badgeLine(trained({ ranking: { id: 7, labelCount: 47, behind: 0, strategy: 'auto', at: '' } }), 10).text).toContain('up to date');
    expect(badgeLine(trained({ ranking: { id: 7, labelCount: 46, behind: 1, strategy: 'auto', at: '' } }), 10).text).toContain('1 label behind');
  });

  it('says how few holdout items an accuracy stands on, with its 95% Wilson interval', () => {
    expect(accuracyWords({ accuracy: 0.8, holdoutSize: 5 })).toBe('80.0% holdout accuracy on 5 items (95% interval 38–96%)');
    expect(accuracyWords({ accuracy: 1, holdoutSize: 1 })).toBe('100.0% holdout accuracy on 1 item (95% interval 21–100%)');
    expect(accuracyWords({ accuracy: 0.5, holdoutSize: 0 })).toBe('50.0% holdout accuracy');
    const tiny = trained({ model: { id: 1, backend: 'cpu', model: 'm', labelCount: 43, metrics: { ...metrics, accuracy: 0.8, holdoutSize: 5 } } });
    expect(badgeLine(tiny, 10).text).toContain('80.0% holdout accuracy on 5 items (95% interval 38–96%)');
  });

  it('names the compute in a word or two, whatever the trainer wrote in full', () => {
    expect(shortBackend('label spreading (typed arrays) + tfjs 4.22.0 wasm (cpu, simd) MC-dropout head')).toBe('CPU (tfjs wasm)');
    expect(shortBackend('label spreading (typed arrays) + tfjs-node-gpu 4.22.0 (tensorflow, CUDA) MC-dropout head')).toBe('GPU (tfjs-node-gpu)');
    expect(shortBackend('onnxruntime-node cpu')).toBe('CPU (onnxruntime)');
    expect(shortBackend('cpu: typed-array label spreading')).toBe('cpu');
    expect(shortBackend('a custom PyTorch trainer on an A100 in the basement')).toBe('a custom PyTorch trainer on an …');
  });

  it('says when a version has no holdout metrics yet', () => {
    const s = trained({ model: { id: 1, backend: 'cpu', model: 'm', labelCount: 43, metrics: {} }, curve: [{ labels: 43 }] });
    expect(badgeLine(s, 10).text).toBe('Model v1 (43 labels) · no holdout labels yet · 4 labels behind · cpu');
  });

  it('shows a running job with its phase and progress', () => {
    const s = trained({ job: { id: 4, state: 'running', attempts: 1, progress: { phase: 'scoring', done: 200, total: 300 }, error: null, worker: 'w' } });
    expect(badgeLine(s, 10)).toMatchObject({ kind: 'training', tone: 'busy', text: 'Model v3 · Training… (scoring, 200/300)' });
  });

  it('shows the last failure reason and that labeling goes on', () => {
    const failed = trained({ job: { id: 4, state: 'failed', attempts: 3, progress: null, error: 'claim expired; out of memory; ', worker: 'w' } });
    expect(badgeLine(failed, 10)).toMatchObject({ kind: 'failed', tone: 'error', text: 'Model v3 · Trainer failed: out of memory — labeling goes on with the previous ranking' });
    const first = status({ labels: 12, job: { id: 1, state: 'failed', attempts: 3, progress: null, error: 'boom; ', worker: null } });
    expect(badgeLine(first, 10).text).toBe('Trainer failed: boom — labeling goes on with items dealt at random');
    const retry = trained({ job: { id: 4, state: 'queued', attempts: 1, progress: null, error: 'claim expired; ', worker: null } });
    expect(summarize(retry, 10)).toMatchObject({ kind: 'retrying', error: 'claim expired', attempts: 1 });
  });
});

describe('model status helpers', () => {
  it('reads a job error column into its reasons', () => {
    expect(jobErrors('claim expired; trainer exited (code 1); ')).toEqual(['claim expired', 'trainer exited (code 1)']);
    expect(jobErrors(null)).toEqual([]);
  });

  it('takes staleness from the ranking, else from the model', () => {
    expect(labelsBehind(trained())).toBe(4);
    expect(labelsBehind(trained({ ranking: null }))).toBe(4);
    expect(labelsBehind(status())).toBeNull();
  });

  it('treats a version without accuracy as unmeasured', () => {
    expect(holdoutMetrics({})).toBeNull();
    expect(holdoutMetrics({ seconds: 2 })).toBeNull();
    expect(holdoutMetrics(metrics)).toEqual(metrics);
  });

  it('draws whole-number ticks from 0 past the largest label count', () => {
    expect(niceTicks(10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(43, 6)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(1, 6)).toEqual([0, 1]);
    expect(niceTicks(1234, 4)).toEqual([0, 500, 1000, 1500]);
  });
});

describe('uncertainty histogram', () => {
  it('gives each bin its range, count and share, and the share at 0.5 or more', () => {
    const h = uncertaintyBars({ bins: [4, 0, 0, 0, 0, 2, 0, 0, 0, 2], unknown: 3 })!;
    expect(h.total).toBe(8);
    expect(h.unsure).toBe(0.5);
    expect(h.bars).toHaveLength(10);
    expect(h.bars[0]).toEqual({ from: 0, to: 0.1, count: 4, share: 0.5 });
    expect(h.bars[7]).toMatchObject({ from: 0.7, to: 0.8 });
    expect(h.bars[9]).toEqual({ from: 0.9, to: 1, count: 2, share: 0.25 });
  });

  it('has no bars without a ranking, with every item labeled, or from a trainer that sends no uncertainty', () => {
    expect(uncertaintyBars(null)).toBeNull();
    expect(uncertaintyBars({ bins: new Array(10).fill(0), unknown: 0 })).toBeNull();
    expect(uncertaintyBars({ bins: new Array(10).fill(0), unknown: 12 })).toBeNull();
  });

  it('draws one bar per bin as an SVG that says what it shows, or says why there is nothing to draw', () => {
    const svg = renderToStaticMarkup(createElement(UncertaintyHistogram, { histogram: { bins: [4, 0, 0, 0, 0, 2, 0, 0, 0, 2], unknown: 3 }, id: 'u1' }));
    expect(svg.match(/<rect /g)).toHaveLength(10);
    expect(svg).toContain('Model uncertainty over 8 open items: 50% at 0.5 or more</title>');
    expect(svg).toContain('3 without a value');
    const old = renderToStaticMarkup(createElement(UncertaintyHistogram, { histogram: { bins: new Array(10).fill(0), unknown: 12 }, id: 'u2' }));
    expect(old).toMatch(/sent no per-item uncertainty.*12 open items/);
    expect(old).not.toContain('<svg');
  });
});
