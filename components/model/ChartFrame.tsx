import type { ReactNode } from 'react';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';

/**
 * The frame every chart of the app draws in, so they share one look: a fixed viewBox, a light
 * grid at the y ticks, and @visx/axis axes with labels. Renders to plain SVG on the server (visx
 * primitives do; FACTS.md). Tooltips are SVG <title> elements on the marks: the browser shows
 * them on hover without any client code.
 */

export type Linear = ReturnType<typeof scaleLinear<number>>;

export const MARGIN = { left: 50, right: 14, top: 12, bottom: 46 };

export interface Frame {
  width: number;
  height: number;
  x: Linear;
  y: Linear;
}

/** Linear scales over the frame's inner box. */
export function frame(width: number, height: number, xDomain: [number, number], yDomain: [number, number]): Frame {
  return {
    width,
    height,
    x: scaleLinear<number>({ domain: xDomain, range: [MARGIN.left, width - MARGIN.right] }),
    y: scaleLinear<number>({ domain: yDomain, range: [height - MARGIN.bottom, MARGIN.top] }),
  };
}

interface Props {
  f: Frame;
  id: string;
  title: string;
  desc: string;
  testId: string;
  xLabel: string;
  yLabel?: string;
  xTicks?: number[];
  yTicks?: number[];
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  children: ReactNode;
}

export function ChartFrame({ f, id, title, desc, testId, xLabel, yLabel, xTicks, yTicks, xFormat, yFormat, children }: Props) {
  const grid = yTicks ?? f.y.ticks(5);
  const fmt = (g?: (v: number) => string) => (g ? (v: unknown) => g(Number(v)) : undefined);
  return (
    <svg className="curve-chart" viewBox={`0 0 ${f.width} ${f.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid={testId}>
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <g className="curve-grid">
        {grid.map((t) => <line key={t} x1={MARGIN.left} x2={f.width - MARGIN.right} y1={f.y(t)} y2={f.y(t)} />)}
      </g>
      {children}
      <Group className="curve-axis">
        <AxisLeft scale={f.y} left={MARGIN.left} tickValues={yTicks} numTicks={5} tickFormat={fmt(yFormat)} label={yLabel} labelOffset={30}
          tickLabelProps={{ fontSize: 11, fill: 'currentColor', textAnchor: 'end', verticalAnchor: 'middle' }} labelProps={{ fontSize: 11, fill: 'currentColor', textAnchor: 'middle' }} stroke="currentColor" tickStroke="currentColor" />
        <AxisBottom scale={f.x} top={f.height - MARGIN.bottom} tickValues={xTicks} numTicks={6} tickFormat={fmt(xFormat)} label={xLabel} labelOffset={14}
          tickLabelProps={{ fontSize: 11, fill: 'currentColor', textAnchor: 'middle', verticalAnchor: 'start' }} labelProps={{ fontSize: 11, fill: 'currentColor', textAnchor: 'middle' }} stroke="currentColor" tickStroke="currentColor" />
      </Group>
    </svg>
  );
}
