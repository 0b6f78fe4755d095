import type { QueueView } from './types';

/** The labels still needed to reach the metric target, as the fitted learning curve (lib/queue/curve.ts) projects them. */
export function Projection({ projection, target }: { projection: QueueView['projection']; target?: number }) {
  const text = (() => {
    switch (projection.kind) {
      case 'no-target': return <span className="muted">No metric target set, so nothing to project.</span>;
      case 'reached': return <span className="ok">The target {target} is reached.</span>;
      case 'too-few-points': return <span className="muted">Too few model versions to project ({projection.have} of {projection.need} needed).</span>;
      case 'projected': return <>About <b>{projection.labelsNeeded}</b> more labels to reach {target} (at about {projection.atLabels} labels in all).</>;
      case 'unreachable': return <>The curve levels off at about {(1 - projection.floor).toFixed(3)}: the target {target} looks <b>out of reach</b>.</>;
      default: {
        const never: never = projection;
        return String(never);
      }
    }
  })();
  return <p data-testid="queue-projection" data-kind={projection.kind}>{text}</p>;
}
