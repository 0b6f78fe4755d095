'use client';

import { useActionState, useEffect, useState } from 'react';
import type { ActionState } from '@/server/http/action';
import { addUser, createProject, setMember } from './actions';

function Result({ state }: { state: ActionState }) {
  if (state.error) return <span className="error" role="alert">{state.error}</span>;
  if (state.ok) return <span className="ok" role="status">{state.ok}</span>;
  return null;
}

export function AddUserForm() {
  const [state, action, pending] = useActionState(addUser, {});
  return (
    <form action={action} className="inline" data-testid="add-user">
      <input name="email" placeholder="email" required defaultValue={state.values?.email} key={`e${state.values?.email}`} />
      <input name="name" placeholder="name (optional)" defaultValue={state.values?.name} key={`n${state.values?.name}`} />
      <input name="password" type="password" placeholder="password (8+)" required />
      <select name="role" defaultValue={state.values?.role ?? 'user'} key={`r${state.values?.role}`}><option value="user">user</option><option value="admin">admin</option></select>
      <button type="submit" disabled={pending}>Add user</button>
      <Result state={state} />
    </form>
  );
}

export function SetMemberForm({ projectId }: { projectId: number }) {
  const [state, action, pending] = useActionState(setMember, {});
  return (
    <form action={action} className="inline" data-testid={`set-member-${projectId}`}>
      <input type="hidden" name="projectId" value={projectId} />
      <input name="email" placeholder="user email" required defaultValue={state.values?.email} key={`e${state.values?.email}`} />
      <select name="role" defaultValue={state.values?.role ?? 'annotator'} key={`r${state.values?.role}`}>
        <option value="annotator">annotator</option><option value="lead">lead</option><option value="none">remove</option>
      </select>
      <button type="submit" disabled={pending}>Set role</button>
      <Result state={state} />
    </form>
  );
}

/** A new project: what annotators do and its classes or skeleton, how much to hold out, how to choose items. */
export function CreateProjectForm({ strategies }: { strategies: readonly string[] }) {
  const [state, action, pending] = useActionState(createProject, {});
  const [taskType, setTaskType] = useState(state.values?.taskType ?? 'classification');
  // React resets a form's fields after its action: a created project starts the form afresh, a
  // refused one shows what was sent. The select is remounted so the page and the fields agree.
  const [round, setRound] = useState(0);
  useEffect(() => {
    setTaskType(state.ok ? 'classification' : state.values?.taskType ?? 'classification');
    setRound((r) => r + 1);
  }, [state]);
  const v = state.values ?? {};
  return (
    <form action={action} className="create-project" data-testid="create-project">
      <label>Name <input name="name" required maxLength={200} defaultValue={v.name} key={`n${v.name}`} placeholder="Street scenes" /></label>
      <label>Short name <input name="slug" maxLength={60} defaultValue={v.slug} key={`s${v.slug}`} placeholder="from the name" /> <span className="muted">for URLs and the CLI</span></label>
      <label>Annotators
        <select name="taskType" key={round} defaultValue={taskType} onChange={(e) => setTaskType(e.target.value)}>
          <option value="classification">classify each image</option>
          <option value="boxes">draw boxes around objects</option>
          <option value="keypoints">place keypoint skeletons</option>
        </select>
      </label>
      {taskType !== 'keypoints'
        ? <label>{taskType === 'boxes' ? 'Box classes' : 'Classes'} <textarea name="classes" rows={3} defaultValue={v.classes} key={`c${v.classes}`} placeholder="cat, dog, bird (or one per line)" /></label>
        : (
          <>
            <label>What the skeletons are of <input name="classes" defaultValue={v.classes ?? 'person'} key={`c${v.classes}`} /></label>
            <label>Skeleton <textarea name="skeleton" rows={3} defaultValue={v.skeleton ?? 'coco17'} key={`k${v.skeleton}`} /> <span className="muted">coco17 (the 17-point COCO person) or JSON: keypoints, edges, flips, sigmas</span></label>
          </>
        )}
      <label>Holdout share <input name="holdoutShare" type="number" min={0} max={0.5} step={0.01} defaultValue={v.holdoutShare ?? '0.1'} key={`h${v.holdoutShare}`} /> <span className="muted">items set aside to measure the model</span></label>
      <label>Strategy
        <select name="strategy" defaultValue={v.strategy ?? 'auto'} key={`t${v.strategy}`}>{strategies.map((s) => <option key={s} value={s}>{s}</option>)}</select>
      </label>
      <button type="submit" className="primary" disabled={pending}>Create project</button>
      <Result state={state} />
    </form>
  );
}
