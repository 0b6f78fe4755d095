import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { LearningCurve } from '../../../components/model/LearningCurve';

const point = (labels: number, accuracy: number, holdoutSize: number) => ({ labels, accuracy, macroF1: accuracy, logLoss: 0.5, ece: 0.1, holdoutSize });
const render = (points: ReturnType<typeof point>[]) => renderToStaticMarkup(createElement(LearningCurve, { points, id: 'c', chance: 0.1 }));

describe('the learning curve', () => {
  it('draws the accuracy\'s 95% interval as a band between versions and a bar at each, titled with the holdout size', () => {
    const html = render([point(10, 0.8, 5), point(20, 0.9, 50)]);
    const band = /<g class="curve-band"[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect(band).toMatch(/<path[^>]* d="M[^"]+Z?"/);
    expect(band.match(/<line class="curve-band-bar"/g)).toHaveLength(2);
    expect(band).toContain('10 labels: accuracy 80.0% (95% interval 38–96% on 5 holdout items)');
    expect(html).toContain('95% interval of the accuracy');
  });

  it('makes a small holdout\'s band wider than a large one\'s', () => {
    const html = render([point(10, 0.8, 5), point(20, 0.8, 500)]);
    const lengths = [...html.matchAll(/<line class="curve-band-bar" x1="[^"]+" x2="[^"]+" y1="([^"]+)" y2="([^"]+)"/g)].map((m) => Math.abs(Number(m[1]) - Number(m[2])));
    expect(lengths).toHaveLength(2);
    expect(lengths[0]).toBeGreaterThan(4 * lengths[1]);
  });

  it('draws a bar but no band for a single version', () => {
    const html = render([point(10, 0.6, 5)]);
    const band = /<g class="curve-band"[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect(band).not.toContain('<path');
    expect(band.match(/<line class="curve-band-bar"/g)).toHaveLength(1);
  });
});
