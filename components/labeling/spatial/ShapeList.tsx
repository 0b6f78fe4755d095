'use client';

import type { DraftShape, DraftSpec } from '@/lib/tasks/drafts';
import type { Role } from './scene';

const px = (v: number) => (Math.round(v * 100) / 100).toString();
const VISIBILITY = ['not visible', 'occluded', 'visible'] as const;

/** The draft's objects as text, with their image coordinates (`data-json` holds the exact numbers). */
export function ShapeList({ spec, shapes, selected, fromLabel = 'prelabel' }: { spec: DraftSpec; shapes: readonly DraftShape[]; selected: Role | null; fromLabel?: string }) {
  if (shapes.length === 0) {
    return <p className="muted" data-testid="shape-list">{spec.kind === 'boxes' ? 'No boxes yet: drag on the image to draw one.' : 'No skeletons yet: press N and click the points in order.'}</p>;
  }
  return (
    <ol className="shape-list" data-testid="shape-list">
      {shapes.map((s, i) => (
        <li key={s.id} data-testid={`shape-${i}`} data-json={JSON.stringify(s)} className={selected?.id === s.id ? 'selected' : undefined}>
          {s.kind === 'box'
            ? <><b>{s.class}</b> at {px(s.x)}, {px(s.y)} · {px(s.w)}×{px(s.h)}</>
            : <>skeleton · {s.points.filter((p) => p.v > 0).length} of {s.points.length} points placed</>}
          {s.from !== null && <span className="muted"> ({fromLabel})</span>}
          {s.kind === 'skeleton' && spec.kind === 'skeleton' && selected?.role === 'point' && selected.id === s.id && (
            <div className="muted" data-testid="selected-point">
              {spec.skeleton.keypoints[selected.k].replaceAll('_', ' ')}: {px(s.points[selected.k].x)}, {px(s.points[selected.k].y)} · {VISIBILITY[s.points[selected.k].v]}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
