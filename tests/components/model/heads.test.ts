import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HeadChoice } from '../../../components/model/HeadChoice';
import { versionHead } from '../../../components/model/status';

/** The model page's "Which model won" section as the server renders it, from a version's metrics. */
const render = (metrics: Record<string, unknown> | null) => renderToStaticMarkup(createElement(HeadChoice, { head: versionHead(metrics) }));

const scores = [
  { head: 'spreading', accuracy: 0.62, standardError: 0.03 },
  { head: 'logistic-embedding', accuracy: 0.7, standardError: 0.02 },
  { head: 'logistic-pixels', accuracy: 0.81, standardError: 0.04 },
];

describe('model page: which model won', () => {
  it('shows every candidate with its CV accuracy and spread, and marks the winner', () => {
    const html = render({ accuracy: 0.8, head: { head: 'logistic-pixels', reason: 'cv', labelCount: 90, folds: 3, scores } });
    expect(html).toContain('data-head="logistic-pixels"');
    expect(html).toContain('Cross-validation on 90 labeled items (3 folds) picked');
    expect(html).toMatch(/data-testid="heads-score-logistic-pixels"[^>]*><td[^>]*><code>logistic-pixels<\/code><\/td><td>81.0%<\/td><td>± 4.0%<\/td><td><b>won<\/b>/);
    expect(html).toMatch(/data-testid="heads-score-spreading"[^>]*><td[^>]*><code>spreading<\/code><\/td><td>62.0%<\/td><td>± 3.0%<\/td><td><\/td>/);
  });

  it('says when the simpler head was kept within one standard error of a better score', () => {
    const close = [{ head: 'spreading', accuracy: 0.8, standardError: 0.03 }, { head: 'logistic-embedding', accuracy: 0.82, standardError: 0.03 }];
    expect(render({ head: { head: 'spreading', reason: 'cv', labelCount: 40, folds: 3, scores: close } })).toContain('within one standard error');
  });

  it('explains a reused pick, the default for too few labels, and an older trainer', () => {
    expect(render({ head: { head: 'spreading', reason: 'reused', labelCount: 40, folds: 3, scores } })).toContain('once the labeled set has grown by 25%');
    const few = render({ head: { head: 'spreading', reason: 'too-few-labels', labelCount: 8, folds: 3, scores: [] } });
    expect(few).toContain('fewer labels than cross-validation folds');
    expect(few).not.toContain('heads-scores');
    expect(render({ accuracy: 0.5 })).toContain('data-testid="heads-none"');
  });
});
