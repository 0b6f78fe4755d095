import { holdoutMetrics, percent, type CurvePoint, type HoldoutMetrics } from './status';
import { niceTicks } from './ticks';
import { VersionTable } from './VersionTable';

interface Props {
  /** Model versions, oldest first (the status API's `curve`). */
  points: CurvePoint[];
  /** Unique per page: the SVG's title and description are referenced by id. */
  id: string;
  /** Accuracy of guessing at random (1 / classes), drawn as a dotted line. */
  chance?: number;
  /** Chart only, smaller (the admin page's project cards). */
  compact?: boolean;
}

const SERIES = [
  { key: 'accuracy', name: 'holdout accuracy', className: 'curve-accuracy' },
  { key: 'macroF1', name: 'macro-F1', className: 'curve-f1' },
] as const;

/**
 * Holdout accuracy and macro-F1 against the labels each model version was
 * trained on: a hand-drawn SVG (axes, ticks, legend) with the last versions
 * in a table under it. Renders on the server; nothing in it is interactive.
 */
export function LearningCurve({ points, id, chance, compact = false }: Props) {
  const measured = points.flatMap((p) => {
    const m = holdoutMetrics(p);
    return m ? [{ labels: p.labels, ...m }] : [];
  });
  if (measured.length === 0) {
    return (
      <div className="curve-empty" data-testid="learning-curve-empty">
        {points.length === 0
          ? <p>No model versions yet: the curve starts with the first retrain.</p>
          : <p>{points.length} model version{points.length === 1 ? '' : 's'}, but no holdout item is labeled yet: metrics appear once some are.</p>}
        {!compact && <VersionTable points={points} />}
      </div>
    );
  }
  return (
    <figure className={`curve${compact ? ' curve-compact' : ''}`} data-testid="learning-curve">
      <Chart points={measured} id={id} chance={chance} compact={compact} />
      <figcaption className="curve-legend">
        {SERIES.map((s) => <span key={s.key} className={`curve-key ${s.className}`}><svg width="22" height="8" aria-hidden="true"><line x1="0" y1="4" x2="22" y2="4" /></svg>{s.name}</span>)}
        {chance !== undefined && <span className="curve-key curve-chance"><svg width="22" height="8" aria-hidden="true"><line x1="0" y1="4" x2="22" y2="4" /></svg>random guess</span>}
      </figcaption>
      {!compact && <VersionTable points={points} />}
    </figure>
  );
}

type Measured = { labels: number } & HoldoutMetrics;

function Chart({ points, id, chance, compact }: { points: Measured[]; id: string; chance?: number; compact: boolean }) {
  const W = 560;
  const H = compact ? 150 : 240;
  const M = { left: 46, right: 14, top: 12, bottom: 34 };
  const maxLabels = Math.max(...points.map((p) => p.labels), 1);
  const xTicks = niceTicks(maxLabels, compact ? 4 : 6);
  const xMax = xTicks[xTicks.length - 1];
  const x = (labels: number) => M.left + (labels / xMax) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - Math.min(1, Math.max(0, v))) * (H - M.top - M.bottom);
  const yTicks = compact ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1];
  const last = points[points.length - 1];
  const desc = `${points.length} model version${points.length === 1 ? '' : 's'}; ` + points
    .map((p) => `${p.labels} labels: accuracy ${percent(p.accuracy)}, macro-F1 ${percent(p.macroF1)}`).join('; ');

  return (
    <svg className="curve-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid="learning-curve-svg">
      <title id={`${id}-title`}>Learning curve: holdout accuracy {percent(last.accuracy)} at {last.labels} labels</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <g className="curve-grid">
        {yTicks.map((t) => <line key={t} x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />)}
      </g>
      <g className="curve-axis">
        <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
        <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        {yTicks.map((t) => <text key={t} x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">{Math.round(t * 100)}%</text>)}
        {xTicks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={H - M.bottom} y2={H - M.bottom + 4} />
            <text x={x(t)} y={H - M.bottom + 16} textAnchor="middle">{t}</text>
          </g>
        ))}
        <text className="curve-axis-title" x={(M.left + W - M.right) / 2} y={H - 3} textAnchor="middle">labels</text>
      </g>
      {chance !== undefined && <line className="curve-chance" x1={M.left} x2={W - M.right} y1={y(chance)} y2={y(chance)} />}
      {SERIES.map((s) => (
        <g key={s.key} className={s.className}>
          {points.length > 1 && <polyline fill="none" points={points.map((p) => `${x(p.labels).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ')} />}
          {points.map((p, i) => (
            <circle key={i} cx={x(p.labels)} cy={y(p[s.key])} r={(compact ? 2.5 : 3.5) + (s.key === 'accuracy' ? 1 : 0)}>
              <title>{`${p.labels} labels: ${s.name} ${percent(p[s.key])}`}</title>
            </circle>
          ))}
        </g>
      ))}
    </svg>
  );
}
