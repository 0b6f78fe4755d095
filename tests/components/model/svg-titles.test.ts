import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Evidence } from '../../../components/model/Evidence';
import { LearningCurve } from '../../../components/model/LearningCurve';
import { UncertaintyHistogram } from '../../../components/model/UncertaintyHistogram';
import { versionEvidence } from '../../../components/model/status';

/**
 * React's hydration error #418 on the model and admin pages (issue 13): an SVG <title> whose
 * children were text and expressions (`<title>… {percent(a)} at {n} labels</title>`, the
 * learning curve's until f55abb6). React's server renders such a title EMPTY (it wants one
 * string; it says so on the console), the browser renders the text, the trees differ and
 * React throws the page's tree away. Every chart title must be one non-empty string.
 */
const TITLE_WARNING = /React expects the `children` prop of <title> tags to be a string/;

function titleProblems(el: ReactElement): { titles: string[]; problems: string[] } {
  const problems: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { problems.push(String(args[0])); });
  const html = renderToString(el);
  spy.mockRestore();
  const titles = [...html.matchAll(/<title[^>]*>(.*?)<\/title>/g)].map((m) => m[1]);
  return { titles, problems: [...problems.filter((p) => TITLE_WARNING.test(p)), ...titles.filter((t) => t === '').map(() => 'an empty <title>')] };
}

const point = (labels: number, accuracy: number) => ({ labels, accuracy, macroF1: accuracy, logLoss: 0.4, ece: 0.1, holdoutSize: 8 });
const bins = [{ lo: 0.8, hi: 0.9, count: 4, confidence: 0.85, accuracy: 0.75 }, { lo: 0.9, hi: 1, count: 6, confidence: 0.95, accuracy: 1 }];

describe('chart titles (hydration)', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('sees the pattern that broke hydration', () => {
    const n = 20;
    const broken = createElement('svg', null, createElement('title', null, 'accuracy at ', n, ' labels'));
    const { titles, problems } = titleProblems(broken);
    expect(titles).toEqual(['']);
    expect(problems).toHaveLength(2);
  });

  it('renders every title of the learning curve (full and compact), the evidence and the histogram as one string', () => {
    const charts = [
      createElement(LearningCurve, { points: [point(10, 0.5), point(20, 0.7)], id: 'c', chance: 0.1 }),
      createElement(LearningCurve, { points: [point(10, 0.5)], id: 'a', compact: true }),
      createElement(Evidence, { evidence: versionEvidence({ accuracy: 0.9, uncertaintyAuroc: 0.8, reliability: bins, churn: null }), ece: 0.05, id: 'e' }),
      createElement(UncertaintyHistogram, { histogram: { bins: [1, 2, 3, 4], unknown: 0 }, id: 'u' }),
    ];
    for (const chart of charts) {
      const { titles, problems } = titleProblems(chart);
      expect(titles.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    }
  });
});
