import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Evidence } from '../../../components/model/Evidence';
import { versionEvidence } from '../../../components/model/status';
import { TRUST_ACCURACY } from '../../../lib/al/coldstart';

/** The model page's evidence section as the server renders it, from a version's metrics as the status API sends them. */
const render = (metrics: Record<string, unknown>) =>
  renderToStaticMarkup(createElement(Evidence, { evidence: versionEvidence(metrics), ece: 0.05, id: 't' }));

const bins = [
  { lo: 0.8, hi: 0.9, count: 4, confidence: 0.85, accuracy: 0.75 },
  { lo: 0.9, hi: 1, count: 6, confidence: 0.95, accuracy: 1 },
  { lo: 0.1, hi: 0.2, count: 0, confidence: null, accuracy: null },
];

describe('model page evidence', () => {
  it('says uncertainty predicts errors above AUROC 0.6, with no recommendation', () => {
    const html = render({ accuracy: 0.9, uncertaintyAuroc: 0.83, reliability: bins, churn: { topOverlap: 0.4, rankCorrelation: 0.71, labeledStillUncertain: 0.05 } });
    expect(html).toContain('data-verdict="informative"');
    expect(html).toContain('AUROC 0.83');
    expect(html).not.toContain('evidence-recommendation');
    expect(html).toContain('top 100 shared with the previous version <b>40%</b>');
  });

  it('says so and recommends a low-budget or diversity strategy below 0.6', () => {
    const html = render({ accuracy: 0.9, uncertaintyAuroc: 0.51, reliability: bins, churn: { topOverlap: null, rankCorrelation: null, labeledStillUncertain: 0.3 } });
    expect(html).toContain('data-verdict="uninformative"');
    expect(html).toContain('data-testid="evidence-recommendation"');
    expect(html).toMatch(/typical-cluster/);
    expect(html).toContain('no previous ranking');
    expect(html).toContain('may keep asking');
  });

  it('draws one bar per bin that holds items, with a tooltip, in an SVG with axes', () => {
    const html = render({ uncertaintyAuroc: 0.7, reliability: bins });
    // The whole figure: the axes' tick labels are nested <svg> elements, so the chart's own </svg> is not the first one.
    const svg = html.match(/<figure[^>]*data-testid="reliability-diagram"[\s\S]*?<\/figure>/)?.[0] ?? '';
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('<title>confidence 0.80–0.90 (mean 0.85): 75.0% right, 4 items</title>');
    expect(svg).toContain('visx-axis-bottom');
    expect(svg).toContain('Reliability on 10 holdout items: ECE 0.050');
  });

  it('names auto\'s phase for the version, so the switch point shows', () => {
    expect(render({ uncertaintyAuroc: 0.7, autoPhase: 'cold-start' })).toMatch(/data-testid="evidence-auto-phase">low budget/);
    expect(render({ uncertaintyAuroc: 0.7, autoPhase: 'spaced-margin' })).toMatch(/data-testid="evidence-auto-phase">uncertainty/);
    expect(render({ uncertaintyAuroc: 0.7 })).not.toContain('evidence-auto-phase');
  });

  it('says why auto has not trusted uncertainty yet when it measured the model on its labels, and what it switched with', () => {
    const low = render({ uncertaintyAuroc: 0.7, autoPhase: 'cold-start', labeledAccuracy: 0.62 });
    expect(low).toContain(`predicts 62% of its own labels in cross-validation, under the ${Math.round(TRUST_ACCURACY * 100)}% it takes`);
    expect(render({ uncertaintyAuroc: 0.7, autoPhase: 'cold-start' })).toContain('a class with fewer than 3 labels, or under 20 labels');
    expect(render({ uncertaintyAuroc: 0.7, autoPhase: 'spaced-margin', labeledAccuracy: 0.93 })).toContain('switched with 93% of its labels predicted');
  });

  it('shows nothing to judge for a version from an older trainer', () => {
    expect(render({ accuracy: 0.9 })).toContain('data-testid="evidence-none"');
  });
});
