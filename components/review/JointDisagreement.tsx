import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';

/**
 * Which joints people disagree on: per keypoint, how far two annotators' placements are apart as a
 * share of the object's size tolerance (0: the same spot), worst first. Horizontal bars with the
 * joints' names, drawn with visx; renders on the server.
 */
export function JointDisagreement({ joints, id }: { joints: { name: string; value: number }[]; id: string }) {
  const rows = [...joints].sort((a, b) => b.value - a.value);
  const margin = { left: 110, right: 16, top: 8, bottom: 36 };
  const width = 520;
  const height = margin.top + margin.bottom + rows.length * 18;
  const y = scaleBand<string>({ domain: rows.map((r) => r.name), range: [margin.top, height - margin.bottom], padding: 0.2 });
  const x = scaleLinear<number>({ domain: [0, Math.max(0.2, ...rows.map((r) => r.value))], range: [margin.left, width - margin.right], nice: true });
  const worst = rows[0];
  return (
    <figure className="curve">
      <svg className="curve-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid="joint-disagreement">
        <title id={`${id}-title`}>{`Disagreement per joint; the most: ${worst ? worst.name : 'none'}`}</title>
        <desc id={`${id}-desc`}>{rows.map((r) => `${r.name} ${Math.round(r.value * 100)}%`).join('; ')}</desc>
        {rows.map((r) => (
          <Bar key={r.name} x={x(0)} y={y(r.name) ?? 0} width={Math.max(0, x(r.value) - x(0))} height={y.bandwidth()} fill="#d9480f">
            <title>{`${r.name}: ${Math.round(r.value * 100)}%`}</title>
          </Bar>
        ))}
        <Group className="curve-axis">
          <AxisLeft scale={y} left={margin.left} tickLabelProps={{ fontSize: 10, fill: 'currentColor', textAnchor: 'end', verticalAnchor: 'middle' }} stroke="currentColor" tickStroke="currentColor" />
          <AxisBottom scale={x} top={height - margin.bottom} numTicks={5} tickFormat={(v) => `${Math.round(Number(v) * 100)}%`} label="how far apart, as a share of the tolerance" labelOffset={12}
            tickLabelProps={{ fontSize: 10, fill: 'currentColor', textAnchor: 'middle' }} labelProps={{ fontSize: 11, fill: 'currentColor', textAnchor: 'middle' }} stroke="currentColor" tickStroke="currentColor" />
        </Group>
      </svg>
      <figcaption className="curve-legend"><b>Which joints people disagree on</b> <span className="muted">(over matched people two annotators both placed)</span></figcaption>
    </figure>
  );
}
