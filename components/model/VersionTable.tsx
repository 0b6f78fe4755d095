import { fixed, holdoutMetrics, percent, type CurvePoint } from './status';

/** The last few model versions, newest first, with their holdout metrics. */
export function VersionTable({ points, last = 5 }: { points: CurvePoint[]; last?: number }) {
  const rows = points.map((p, i) => ({
    version: i + 1, labels: p.labels, m: holdoutMetrics(p), auroc: p.uncertaintyAuroc ?? null, overlap: p.churn?.topOverlap ?? null,
  })).slice(-last).reverse();
  if (rows.length === 0) return null;
  return (
    <table className="version-table" data-testid="version-table">
      <caption className="muted">{points.length > last ? `last ${last} of ${points.length} model versions` : `${points.length} model version${points.length === 1 ? '' : 's'}`}</caption>
      <thead>
        <tr><th>version</th><th className="num">labels</th><th className="num">accuracy</th><th className="num">macro-F1</th><th className="num">log loss</th><th className="num">ECE</th><th className="num">AUROC of uncertainty</th><th className="num">top-100 overlap</th><th className="num">holdout</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.version} data-testid="version-row">
            <td>v{r.version}</td>
            <td className="num">{r.labels}</td>
            <td className="num">{percent(r.m?.accuracy)}</td>
            <td className="num">{percent(r.m?.macroF1)}</td>
            <td className="num">{fixed(r.m?.logLoss)}</td>
            <td className="num">{fixed(r.m?.ece)}</td>
            <td className="num">{fixed(r.auroc, 2)}</td>
            <td className="num">{percent(r.overlap, 0)}</td>
            <td className="num">{r.m ? r.m.holdoutSize : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
