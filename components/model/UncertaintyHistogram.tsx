import { percent, plural, uncertaintyBars, type UncertaintyHistogram as Histogram } from './status';
import { niceTicks } from './ticks';

/**
 * How unsure the model behind the ranking in use is about the items still
 * open: a hand-drawn SVG histogram of the per-item uncertainty the trainer
 * uploaded (0 sure, 1 as unsure as it gets). A pool piled up at the right
 * wants labels; one at the left is nearly learned. Renders on the server.
 */
export function UncertaintyHistogram({ histogram, id }: { histogram: Histogram; id: string }) {
  const h = uncertaintyBars(histogram);
  if (!h) {
    return (
      <p className="muted" data-testid="uncertainty-empty">
        {histogram.unknown > 0
          ? `The trainer behind this ranking sent no per-item uncertainty (an older trainer), so there is nothing to draw for its ${plural(histogram.unknown, 'open item')}.`
          : 'Every item of the current ranking is labeled: the next retrain ranks what is left.'}
      </p>
    );
  }
  const W = 560;
  const H = 180;
  const M = { left: 46, right: 14, top: 12, bottom: 34 };
  const yTicks = niceTicks(Math.max(...h.bars.map((b) => b.count)), 4);
  const yMax = yTicks[yTicks.length - 1];
  const x = (v: number) => M.left + v * (W - M.left - M.right);
  const y = (count: number) => M.top + (1 - count / yMax) * (H - M.top - M.bottom);
  const desc = h.bars.map((b) => `${b.from}–${b.to}: ${b.count}`).join('; ');
  return (
    <figure className="curve" data-testid="uncertainty-histogram">
      <svg className="curve-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid="uncertainty-svg">
        <title id={`${id}-title`}>{`Model uncertainty over ${plural(h.total, 'open item')}: ${percent(h.unsure, 0)} at 0.5 or more`}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        <g className="curve-grid">
          {yTicks.map((t) => <line key={t} x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />)}
        </g>
        <g className="hist-bars">
          {h.bars.map((b) => (
            <rect key={b.from} x={x(b.from) + 1} width={Math.max(0, x(b.to) - x(b.from) - 2)} y={y(b.count)} height={y(0) - y(b.count)}>
              <title>{`uncertainty ${b.from}–${b.to}: ${plural(b.count, 'item')} (${percent(b.share)})`}</title>
            </rect>
          ))}
        </g>
        <g className="curve-axis">
          <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          {yTicks.map((t) => <text key={t} x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end">{t}</text>)}
          {[0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => <text key={t} x={x(t)} y={H - M.bottom + 16} textAnchor="middle">{t}</text>)}
          <text className="curve-axis-title" x={(M.left + W - M.right) / 2} y={H - 3} textAnchor="middle">uncertainty (0 sure, 1 unsure)</text>
        </g>
      </svg>
      <figcaption className="muted">
        {plural(h.total, 'open item')} · <b>{percent(h.unsure, 0)}</b> at 0.5 or more
        {histogram.unknown > 0 && <> · {histogram.unknown} without a value</>}
      </figcaption>
    </figure>
  );
}
