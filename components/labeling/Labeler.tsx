'use client';

import { hasBuiltinModel, taskType, type ProjectTask } from '@/lib/tasks';
import { ProgressBar } from './ProgressBar';
import { QueueEmpty, QueueEnding } from './QueueNotice';
import { StreamTag } from './StreamTag';
import { DecisionNotices } from './DecisionNotices';
import { FlagControl } from './FlagControl';
import { ModelBadge } from '../model/ModelBadge';
import { editorFor } from './editors';
import { useLabelingLoop } from './loop/useLabelingLoop';
import { screenOf, type Screen } from './loop/state';
import { useEffect, useState } from 'react';
import type { Guidelines } from '@/lib/protocol/guidelines';
import { OpenGuidelines } from '../guidelines/context';
import { GuidelinesDialog, guidelinesUnseen, markGuidelinesSeen } from '../guidelines/GuidelinesDialog';

interface Props {
  projectId: number;
  /** The annotator, to tell a lead's release of their own lease from a teammate's. */
  userId: number;
  projectName: string;
  /** The project's task (lib/tasks): picks the editor and what it draws. */
  task: ProjectTask;
  /** Labels before the first retrain, for the model badge's cold-start line. */
  retrainEvery: number;
  /** The model page, for leads and admins. */
  modelHref?: string;
  /** The project shows the model's suggestion (its setting); the server still withholds it where it must. */
  suggestions?: boolean;
  /** The items page, for leads and admins. */
  itemsHref?: string;
  /** The project's labeling instructions: shown on this user's first visit (and after they change), then behind a button and `?`. */
  guidelines?: Guidelines | null;
}

/** The labeling page: the headless loop (leases, outbox) around the project's task editor. */
export function Labeler({ projectId, userId, projectName, task, retrainEvery, modelHref, suggestions = false, itemsHref, guidelines = null }: Props) {
  const { Editor, undoKey, keepsDraft } = editorFor(task);
  const loop = useLabelingLoop({ projectId, userId, keepOnScreen: keepsDraft });
  const { state } = loop;
  const screen = screenOf(state);
  const current = screen.kind === 'item' ? screen.current : null;
  const undoing = state.work.kind === 'undoing';
  const [reading, setReading] = useState(false);
  // After hydration: localStorage is the browser's, so the server renders the page without the dialog.
  useEffect(() => {
    if (guidelines && guidelinesUnseen(projectId, userId, guidelines)) setReading(true);
  }, [guidelines, projectId, userId]);
  const closeGuidelines = () => {
    setReading(false);
    if (guidelines) markGuidelinesSeen(projectId, userId, guidelines);
  };

  return (
    <OpenGuidelines.Provider value={guidelines ? () => setReading(true) : null}>
    <div className="labeler" data-testid="labeler" data-live={state.live} data-task={task.task}>
      <header className="labeler-head">
        <div>
          <h1>{projectName}</h1>
          <ModelBadge
            projectId={projectId} retrainEvery={retrainEvery} socket={loop.socket} href={modelHref}
            untrained={hasBuiltinModel(task) ? undefined : taskType(task.task).title.toLowerCase()}
          />
        </div>
        <ProgressBar progress={state.progress} pending={state.pending} />
      </header>
      {current && <QueueEnding queue={state.queueState} />}
      <DecisionNotices socket={loop.socket} projectId={projectId} userId={userId} />
      <Editor
        projectId={projectId} task={task} current={current} upcoming={screen.kind === 'item' ? screen.upcoming : []}
        placeholder={<Placeholder screen={screen} />} loop={loop} suggestions={suggestions}
      />
      {/* A toast over the page, not a line above the stage: showing or dropping it never moves the image. */}
      {state.notice && (
        <p className={`notice notice-toast notice-${state.notice.kind}`} data-testid="labeler-notice" role={state.notice.kind === 'error' ? 'alert' : 'status'}>
          {state.notice.text} <button type="button" className="link" onClick={loop.dismissNotice}>dismiss</button>
        </p>
      )}
      <footer className="labeler-foot">
        <button type="button" onClick={() => void loop.undo()} disabled={undoing || (state.progress?.mine ?? 0) === 0} title="Takes back your last submitted label">
          Undo last label{undoKey && <> <kbd>{undoKey}</kbd></>}
        </button>
        <button type="button" onClick={() => void loop.skip()} disabled={!current || undoing} title="S">Skip <kbd>S</kbd></button>
        <FlagControl key={current?.leaseId ?? 0} disabled={!current || undoing} onFlag={loop.flag} />
        {state.last && <span className="muted">last: item {state.last.itemId} → <b>{state.last.summary}</b></span>}
        {current && <span className="muted">item {current.itemId}{current.width ? ` · ${current.width}×${current.height}` : ''}</span>}
        {/* Without a model for the task, the ranked stream is ordered by diversity: it is not called uncertain. */}
        {current && <StreamTag stream={current.stream === 'uncertain' && !hasBuiltinModel(task) ? 'diverse' : current.stream} />}
      </footer>
      <nav className="labeler-links">
        <a href={`/projects/${projectId}/mine`} data-testid="mine-link">Your answers</a>
        {itemsHref && <> · <a href={itemsHref} data-testid="items-link">All items</a></>}
        {guidelines && <> · <button type="button" className="link" onClick={() => setReading(true)} data-testid="guidelines-link">Guidelines</button></>}
      </nav>
      {guidelines && <GuidelinesDialog open={reading} onClose={closeGuidelines} guidelines={guidelines} />}
    </div>
    </OpenGuidelines.Provider>
  );
}

function Placeholder({ screen }: { screen: Screen }) {
  switch (screen.kind) {
    case 'first-loading': return <p className="empty">Loading your first item…</p>;
    case 'next-loading': return <p className="empty" data-testid="queue-loading">Loading the next item…</p>;
    case 'empty': return <QueueEmpty queue={screen.queue} />;
    case 'item': return null;
  }
}
