'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/server/http/action';
import { addUser, setMember } from './actions';

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
