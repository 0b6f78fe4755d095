import { accuracyRange, holdoutMetrics, percent, plural, rangeWords, type CurvePoint, type HoldoutMetrics } from './status';
import { Area, LinePath } from '@visx/shape';
import { ChartFrame, frame } from './ChartFrame';
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
 * trained on, drawn with visx in the app's chart frame (axes, a tooltip per
 * point), with the last versions in a table under it. Renders on the server.
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
        <span className="curve-key curve-band-key"><svg width="22" height="8" aria-hidden="true"><rect x="0" y="0" width="22" height="8" /></svg>95% interval of the accuracy (Wilson; wide on a small holdout)</span>
        {chance !== undefined && <span className="curve-key curve-chance"><svg width="22" height="8" aria-hidden="true"><line x1="0" y1="4" x2="22" y2="4" /></svg>random guess</span>}
      </figcaption>
      {!compact && <VersionTable points={points} />}
    </figure>
  );
}

type Measured = { labels: number } & HoldoutMetrics;

function Chart({ points, id, chance, compact }: { points: Measured[]; id: string; chance?: number; compact: boolean }) {
  const maxLabels = Math.max(...points.map((p) => p.labels), 1);
  const xTicks = niceTicks(maxLabels, compact ? 4 : 6);
  const f = frame(560, compact ? 150 : 240, [0, xTicks[xTicks.length - 1]], [0, 1]);
  const yTicks = compact ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1];
  const last = points[points.length - 1];
  const ranged = points.map((p) => ({ ...p, ci: accuracyRange(p) }));
  const ciWords = (p: (typeof ranged)[number]) => (p.ci ? ` (95% interval ${rangeWords(p.ci)} on ${plural(p.holdoutSize, 'holdout item')})` : '');
  const desc = `${points.length} model version${points.length === 1 ? '' : 's'}; ` + ranged
    .map((p) => `${p.labels} labels: accuracy ${percent(p.accuracy)}${ciWords(p)}, macro-F1 ${percent(p.macroF1)}`).join('; ');
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const banded = ranged.filter((p): p is typeof p & { ci: NonNullable<typeof p.ci> } => p.ci !== null);
  return (
    <ChartFrame f={f} id={id} testId="learning-curve-svg" title={`Learning curve: holdout accuracy ${percent(last.accuracy)} at ${last.labels} labels`} desc={desc}
      xLabel="labels" xTicks={xTicks} yTicks={yTicks} yFormat={(t) => `${Math.round(t * 100)}%`}>
      {/* The accuracy's uncertainty under the lines: a band between versions, a bar at each. */}
      <g className="curve-band" data-testid="accuracy-band">
        {banded.length > 1 && <Area data={banded} x={(p) => f.x(p.labels)} y0={(p) => f.y(p.ci.lo)} y1={(p) => f.y(p.ci.hi)} />}
        {banded.map((p, i) => (
          <line key={i} className="curve-band-bar" x1={f.x(p.labels)} x2={f.x(p.labels)} y1={f.y(p.ci.lo)} y2={f.y(p.ci.hi)}>
            <title>{`${p.labels} labels: accuracy ${percent(p.accuracy)}${ciWords(p)}`}</title>
          </line>
        ))}
      </g>
      {chance !== undefined && <line className="curve-chance" x1={f.x(0)} x2={f.x(xTicks[xTicks.length - 1])} y1={f.y(chance)} y2={f.y(chance)} />}
      {SERIES.map((s) => (
        <g key={s.key} className={s.className}>
          {points.length > 1 && <LinePath data={points} x={(p) => f.x(p.labels)} y={(p) => f.y(clamp(p[s.key]))} fill="none" />}
          {points.map((p, i) => (
            <circle key={i} cx={f.x(p.labels)} cy={f.y(clamp(p[s.key]))} r={(compact ? 2.5 : 3.5) + (s.key === 'accuracy' ? 1 : 0)}>
              <title>{`${p.labels} labels: ${s.name} ${percent(p[s.key])}${s.key === 'accuracy' ? ciWords(ranged[i]) : ''}`}</title>
            </circle>
          ))}
        </g>
      ))}
    </ChartFrame>
  );
}
