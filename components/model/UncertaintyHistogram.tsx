import { percent, plural, uncertaintyBars, type UncertaintyHistogram as Histogram } from './status';
import { Bar } from '@visx/shape';
import { ChartFrame, frame } from './ChartFrame';
import { niceTicks } from './ticks';

/**
 * How unsure the model behind the ranking in use is about the items still
 * open: a histogram (visx, the app's chart frame) of the per-item uncertainty the trainer
 * uploaded (0 sure, 1 as unsure as it gets). A pool piled up at the right
 * wants labels; one at the left is nearly learned. Renders on the server.
 */
export function UncertaintyHistogram({ histogram, id, untrained }: { histogram: Histogram; id: string; untrained?: boolean }) {
  const h = uncertaintyBars(histogram);
  if (!h) {
    return (
      <p className="muted" data-testid="uncertainty-empty">
        {untrained && histogram.unknown > 0
          ? `No labels yet, so no model to be unsure: the ranking orders its ${plural(histogram.unknown, 'open item')} from the image embeddings alone, typical images of each cluster first.`
          : histogram.unknown > 0
          ? `The trainer behind this ranking sent no per-item uncertainty (an older trainer), so there is nothing to draw for its ${plural(histogram.unknown, 'open item')}.`
          : 'Every item of the current ranking is labeled: the next retrain ranks what is left.'}
      </p>
    );
  }
  const yTicks = niceTicks(Math.max(...h.bars.map((b) => b.count)), 4);
  const f = frame(560, 180, [0, 1], [0, yTicks[yTicks.length - 1]]);
  const desc = h.bars.map((b) => `${b.from}–${b.to}: ${b.count}`).join('; ');
  return (
    <figure className="curve" data-testid="uncertainty-histogram">
      <ChartFrame f={f} id={id} testId="uncertainty-svg" title={`Model uncertainty over ${plural(h.total, 'open item')}: ${percent(h.unsure, 0)} at 0.5 or more`} desc={desc}
        xLabel="uncertainty (0 sure, 1 unsure)" xTicks={[0, 0.2, 0.4, 0.6, 0.8, 1]} yTicks={yTicks}>
        <g className="hist-bars">
          {h.bars.map((b) => (
            <Bar key={b.from} x={f.x(b.from) + 1} width={Math.max(0, f.x(b.to) - f.x(b.from) - 2)} y={f.y(b.count)} height={f.y(0) - f.y(b.count)}>
              <title>{`uncertainty ${b.from}–${b.to}: ${plural(b.count, 'item')} (${percent(b.share)})`}</title>
            </Bar>
          ))}
        </g>
      </ChartFrame>
      <figcaption className="muted">
        {plural(h.total, 'open item')} · <b>{percent(h.unsure, 0)}</b> at 0.5 or more
        {histogram.unknown > 0 && <> · {histogram.unknown} without a value</>}
      </figcaption>
    </figure>
  );
}
