'use client';

import { useState } from 'react';
import type { Answer, ProjectTask } from '@/lib/tasks';

/** One answer drawn over the item: whose it is, in their colour. */
export interface Layer {
  key: string;
  /** Who or what: "ann1 (#12)", "model". */
  label: string;
  colour: string;
  answer: Answer;
  summary: string;
  /** Dashed: a suggestion (the model's), not an answer. */
  dashed?: boolean;
}

/**
 * The item's image with answers drawn over it (an SVG in image pixels, so it scales with the image):
 * boxes and skeletons in each person's colour, each layer switchable. A class is text beside it.
 * Read-only on purpose: a fix goes through the lead's decision form, not by dragging here.
 */
export function AnswerView({ itemId, task, width, height, layers }: { itemId: number; task: ProjectTask; width: number | null; height: number | null; layers: Layer[] }) {
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [size, setSize] = useState<{ w: number; h: number } | null>(width && height ? { w: width, h: height } : null);
  const shown = layers.filter((l) => !hidden.has(l.key));
  return (
    <div className="answer-view">
      <div className="answer-stage" data-testid="item-stage">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={`/api/items/${itemId}/media`} alt={`item ${itemId}`} data-testid="item-image"
          onLoad={(e) => { if (!size) setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight }); }}
        />
        {size && task.task !== 'classification' && (
          <svg viewBox={`0 0 ${size.w} ${size.h}`} preserveAspectRatio="xMidYMid meet" className="answer-overlay" data-testid="answer-overlay">
            {shown.map((l) => <Shapes key={l.key} layer={l} task={task} scale={Math.max(size.w, size.h) / 400} />)}
          </svg>
        )}
      </div>
      <ul className="layer-list" data-testid="layer-list">
        {layers.map((l) => (
          <li key={l.key} data-testid="layer">
            <label>
              <input type="checkbox" checked={!hidden.has(l.key)} onChange={() => setHidden((h) => {
                const next = new Set(h);
                if (next.has(l.key)) next.delete(l.key);
                else next.add(l.key);
                return next;
              })} />
              <span className="swatch" style={{ background: l.colour, borderStyle: l.dashed ? 'dashed' : 'solid' }} />
              {l.label}: <b>{l.summary}</b>
            </label>
          </li>
        ))}
        {layers.length === 0 && <li className="muted">No answer yet.</li>}
      </ul>
    </div>
  );
}

function Shapes({ layer, task, scale }: { layer: Layer; task: ProjectTask; scale: number }) {
  const stroke = 2 * scale;
  const dash = layer.dashed ? `${4 * scale} ${3 * scale}` : undefined;
  const a = layer.answer;
  switch (a.task) {
    case 'classification':
      return null;
    case 'boxes':
      return (
        <g data-layer={layer.key}>
          {a.boxes.map((b, i) => (
            <g key={i}>
              <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="none" stroke={layer.colour} strokeWidth={stroke} strokeDasharray={dash} />
              <text x={b.x + stroke} y={b.y + 11 * scale} fill={layer.colour} fontSize={11 * scale}>{b.class}</text>
            </g>
          ))}
        </g>
      );
    case 'keypoints': {
      const edges = task.task === 'keypoints' ? task.config.skeleton.edges : [];
      return (
        <g data-layer={layer.key}>
          {a.instances.map((inst, i) => (
            <g key={i}>
              {edges.map(([p, q], k) => {
                const s = inst.points[p];
                const t = inst.points[q];
                if (!s || !t || s.v === 0 || t.v === 0) return null;
                return <line key={k} x1={s.x} y1={s.y} x2={t.x} y2={t.y} stroke={layer.colour} strokeWidth={stroke} strokeDasharray={dash} />;
              })}
              {inst.points.map((pt, k) => (pt.v === 0 ? null : (
                <circle key={k} cx={pt.x} cy={pt.y} r={3 * scale} fill={pt.v === 2 ? layer.colour : 'none'} stroke={layer.colour} strokeWidth={stroke / 2} />
              )))}
            </g>
          ))}
        </g>
      );
    }
    default:
      return null;
  }
}
