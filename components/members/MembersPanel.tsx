'use client';

import { useState } from 'react';
import { send, useControl } from '../queue/api';
import type { ProjectRole } from '@/lib/roles';

export interface MemberRow { userId: number; email: string; name: string; role: ProjectRole }
export interface InviteRow { id: number; email: string; role: ProjectRole; expiresAt: string; invitedBy: string | null }

interface Props {
  projectId: number;
  members: MemberRow[];
  invites: InviteRow[];
  /** Admins may make leads and set passwords; leads run annotators only (the server says so too). */
  admin: boolean;
  viewerId: number;
}

const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** The project's people: roles, removal, open invites, and inviting by email. Names are text, never markup. */
export function MembersPanel({ projectId, members, invites, admin, viewerId }: Props) {
  const { busy, error, done, run } = useControl();
  const base = `/api/projects/${projectId}`;
  return (
    <div className="members-panel" data-testid="members-panel">
      <table className="members-table">
        <thead><tr><th>name</th><th>email</th><th>role</th><th /></tr></thead>
        <tbody>
          {members.map((m) => {
            const locked = !admin && (m.role === 'lead' || m.userId === viewerId);
            return (
              <tr key={m.userId} data-testid="member-row" data-email={m.email} data-role={m.role}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>
                  <select
                    aria-label={`role of ${m.email}`} value={m.role} disabled={busy || locked} data-testid="member-role"
                    onChange={(e) => void run(() => send('PUT', `${base}/members`, { userId: m.userId, role: e.target.value }), `${m.email} is now ${e.target.value}.`)}
                  >
                    <option value="annotator">annotator</option>
                    <option value="lead" disabled={!admin}>lead</option>
                  </select>
                </td>
                <td>
                  <button
                    type="button" disabled={busy || locked} data-testid="member-remove"
                    onClick={() => { if (window.confirm(`Remove ${m.email} from this project? Their open pages stop at once.`)) void run(() => send('PUT', `${base}/members`, { userId: m.userId, role: null }), `Removed ${m.email}.`); }}
                  >Remove</button>
                </td>
              </tr>
            );
          })}
          {members.length === 0 && <tr><td colSpan={4} className="muted">Nobody yet: invite people below.</td></tr>}
        </tbody>
      </table>
      {invites.length > 0 && (
        <>
          <h3>Invites not yet used</h3>
          <ul className="notes" data-testid="invite-list">
            {invites.map((i) => (
              <li key={i.id} data-testid="invite-row" data-email={i.email}>
                {i.email} as {i.role} <span className="muted">· until {day(i.expiresAt)}{i.invitedBy ? ` · by ${i.invitedBy}` : ''}</span>{' '}
                <button type="button" className="link" disabled={busy} onClick={() => void run(() => send('DELETE', `${base}/invites/${i.id}`), `Withdrew the invite for ${i.email}.`)}>withdraw</button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <p className="error" role="alert" data-testid="members-error">{error}</p>}
      {done && <p className="ok" role="status" data-testid="members-done">{done}</p>}
      <InviteForm projectId={projectId} admin={admin} />
    </div>
  );
}

/** Invite by email: a one-time link to hand over, or (admins) an account made now with a password. */
function InviteForm({ projectId, admin }: { projectId: number; admin: boolean }) {
  const { busy, error, done, run } = useControl();
  const [method, setMethod] = useState<'link' | 'password'>('link');
  const [link, setLink] = useState<string | null>(null);
  return (
    <form
      className="invite-form" data-testid="invite-form"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const text = (k: string) => String(f.get(k) ?? '');
        const body: Record<string, string> = { email: text('email'), role: text('role'), method };
        if (method === 'password') {
          body.password = text('password');
          if (text('name').trim() !== '') body.name = text('name');
        }
        const form = e.currentTarget;
        setLink(null);
        void run(async () => {
          const r = await send('POST', `/api/projects/${projectId}/invites`, body) as { kind: 'link'; token: string } | { kind: 'member'; created: boolean; member: { email: string; role: string } };
          form.reset();
          setMethod('link');
          if (r.kind === 'link') setLink(`${window.location.origin}/invite/${r.token}`);
        }, 'Done.');
      }}
    >
      <h3>Invite someone</h3>
      <label>Email <input name="email" type="text" autoComplete="off" data-testid="invite-email" /></label>{' '}
      <label>Role{' '}
        <select name="role" defaultValue="annotator" data-testid="invite-role">
          <option value="annotator">annotator</option>
          {admin && <option value="lead">lead</option>}
        </select>
      </label>{' '}
      {admin && (
        <label>How{' '}
          <select value={method} onChange={(e) => setMethod(e.target.value as 'link' | 'password')} data-testid="invite-method">
            <option value="link">a one-time link they open</option>
            <option value="password">a password I set now</option>
          </select>
        </label>
      )}
      {method === 'password' && (
        <>
          {' '}<label>Name <input name="name" type="text" autoComplete="off" data-testid="invite-name" /></label>
          {' '}<label>Password <input name="password" type="password" autoComplete="new-password" data-testid="invite-password" /></label>
        </>
      )}
      {' '}<button type="submit" className="primary" disabled={busy} data-testid="invite-send">{method === 'link' ? 'Make a link' : 'Add them'}</button>
      {error && <p className="error" role="alert" data-testid="invite-error">{error}</p>}
      {link && (
        <p className="ok" data-testid="invite-link-box">
          Send this link to them; it works once, for 7 days, and is not shown again:{' '}
          <input readOnly value={link} data-testid="invite-link" size={60} onFocus={(e) => e.currentTarget.select()} />{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(link)}>Copy</button>
        </p>
      )}
      {done && !link && !error && <p className="ok" role="status" data-testid="invite-done">Added: they can log in now.</p>}
    </form>
  );
}
