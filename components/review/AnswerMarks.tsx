import type { Answer, ProjectTask } from '@/lib/tasks';

/** Colours of answers side by side: one per annotator, in the order their answers came. */
export const ANSWER_COLOURS = ['#2f6fed', '#d9480f', '#2b8a3e', '#ae3ec9', '#f08c00', '#0b7285', '#c2255c', '#5c940d', '#495057'];

/**
 * One answer drawn over its image in an SVG in image pixels (the caller's viewBox): boxes as
 * rectangles, skeletons as their edges and points; a class draws nothing (it is written beside).
 */
export function AnswerMarks({ answer, task, colour, dashed = false }: { answer: Answer; task: ProjectTask; colour: string; dashed?: boolean }) {
  const stroke = { stroke: colour, strokeWidth: 2, fill: 'none', vectorEffect: 'non-scaling-stroke' as const, strokeDasharray: dashed ? '6 4' : undefined };
  switch (answer.task) {
    case 'classification':
      return null;
    case 'boxes':
      return <g data-testid="marks-boxes">{answer.boxes.map((b, i) => <rect key={i} x={b.x} y={b.y} width={b.w} height={b.h} {...stroke}><title>{b.class}</title></rect>)}</g>;
    case 'keypoints': {
      const edges = task.task === 'keypoints' ? task.config.skeleton.edges : [];
      return (
        <g data-testid="marks-keypoints">
          {answer.instances.map((inst, i) => (
            <g key={i}>
              {edges.map(([a, b], k) => {
                const p = inst.points[a];
                const q = inst.points[b];
                return p && q && p.v > 0 && q.v > 0 ? <line key={k} x1={p.x} y1={p.y} x2={q.x} y2={q.y} {...stroke} /> : null;
              })}
              {inst.points.map((p, k) => (p.v > 0 ? <circle key={k} cx={p.x} cy={p.y} r={3} fill={p.v === 2 ? colour : 'white'} stroke={colour} vectorEffect="non-scaling-stroke" /> : null))}
            </g>
          ))}
        </g>
      );
    }
    default: {
      const never: never = answer;
      return never;
    }
  }
}

export { answerSummaryOf as answerSummary } from '@/lib/tasks/summary';
