'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import type { ProjectTask } from '@/lib/tasks';
import { DrawDecision } from '../review/DrawDecision';
import type { DrawStart } from '../review/draw-starts';

/** The item page's "fix by drawing": the lead's drawn answer, saved as a decision with a reason. */
export function DrawFix({ projectId, itemId, task, size, starts }: {
  projectId: number;
  itemId: number;
  task: ProjectTask;
  size: { width: number; height: number } | null;
  starts: DrawStart[];
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="card draw-fix" data-testid="draw-fix">
      <header className="page-head">
        <h2>Fix by drawing</h2>
        {!open && <button type="button" className="primary" onClick={() => { setOpen(true); setDone(null); }} data-testid="draw-fix-open">Fix by drawing</button>}
      </header>
      {done && <p className="ok" role="status" data-testid="draw-fix-done">Saved: you {done}. The item now resolves to your answer.</p>}
      {open
        ? (
          <DrawDecision
            projectId={projectId} itemId={itemId} task={task} size={size} starts={starts} title={null}
            onCancel={() => setOpen(false)}
            onDecided={(what) => { setOpen(false); setDone(what); router.refresh(); }}
          />
        )
        : <p className="muted">Drag the boxes or points into place with the annotators&apos; editor, starting from any answer above or the model&apos;s guess; saving needs a reason.</p>}
    </section>
  );
}
