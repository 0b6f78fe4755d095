import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireUser } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { LearningCurve } from '@/components/model/LearningCurve';
import { AddUserForm, CreateProjectForm, SetMemberForm } from './forms';
import { STRATEGY_NAMES } from '@/lib/al/strategies';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const user = await requireUser('/admin');
  if (user.role !== 'admin') notFound();
  const { services } = runtime();
  const [projects, users] = await Promise.all([services.projects.listVisible(user.principal), services.users.list(user.principal)]);
  const [members, models] = await Promise.all([
    Promise.all(projects.map((p) => services.projects.members(user.principal, p.id))),
    Promise.all(projects.map((p) => services.training.status(user.principal, p.id))),
  ]);
  return (
    <>
      <h1>Admin</h1>
      <section className="card">
        <h2>Projects</h2>
        <details className="card-inset" open={projects.length === 0}>
          <summary><b>New project</b></summary>
          <CreateProjectForm strategies={STRATEGY_NAMES} />
        </details>
        {projects.length === 0 && <p className="muted">No projects yet: create one above.</p>}
        {projects.map((p, i) => (
          <div key={p.id} data-testid={`admin-project-${p.slug}`}>
            <h3>{p.name} <span className="muted">({p.slug}, {p.taskType})</span></h3>
            <div className="counts">
              <span><b>{p.counts.items}</b>items</span>
              <span><b>{p.counts.labeled}</b>labeled</span>
              <span><b>{p.counts.holdout}</b>holdout</span>
              <span><b>{p.counts.holdoutLabeled}</b>holdout labeled</span>
            </div>
            <p>Classes: {p.classes.join(', ')}</p>
            <div className="admin-model">
              <LearningCurve points={models[i].curve} id={`admin-curve-${p.id}`} chance={p.classes.length > 1 ? 1 / p.classes.length : undefined} compact />
              <p><Link href={`/projects/${p.id}/model`} data-testid="admin-model-link">Model, training job and learning curve →</Link></p>
            </div>
            <p>Add data: <Link href={`/projects/${p.id}/queue#add-data`} data-testid="admin-add-data">upload from the queue page</Link> <span className="muted">(images, a folder, a .zip or a manifest; or <code>npx tandem import {p.slug} PATH</code>)</span></p>
            <p>Export answers: <Link href={`/projects/${p.id}/queue`}>download from the queue page</Link> <span className="muted">(or <code>npx tandem export {p.slug} --format csv --out labels.csv</code>)</span></p>
            <table>
              <thead><tr><th>member</th><th>role</th></tr></thead>
              <tbody>
                {members[i].map((m) => <tr key={m.userId}><td>{m.email}</td><td>{m.role}</td></tr>)}
                {members[i].length === 0 && <tr><td colSpan={2} className="muted">no members yet</td></tr>}
              </tbody>
            </table>
            <SetMemberForm projectId={p.id} />
            <p><Link href={`/projects/${p.id}/queue#members`} data-testid="admin-members-link">Invite people by link, change roles and guidelines on the project&apos;s page →</Link></p>
          </div>
        ))}
      </section>
      <section className="card">
        <h2>Users</h2>
        <table>
          <thead><tr><th>email</th><th>name</th><th>role</th></tr></thead>
          <tbody>{users.map((u) => <tr key={u.id}><td>{u.email}</td><td>{u.name}</td><td>{u.role}</td></tr>)}</tbody>
        </table>
        <AddUserForm />
      </section>
    </>
  );
}
