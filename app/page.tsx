import Link from 'next/link';
import { requireUser } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { can } from '@/lib/roles';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const user = await requireUser('/');
  const projects = await runtime().services.projects.listVisible(user.principal);
  return (
    <>
      <h1>Your projects</h1>
      {projects.length === 0 && (
        <div className="card">
          <p>You are not in any project yet.</p>
          <p className="muted">{user.role === 'admin' ? 'Create one with `npx tandem project create` and add members on the Admin page.' : 'Ask an admin to add you to a project.'}</p>
        </div>
      )}
      {projects.map((p) => (
        <div className="card" key={p.id} data-testid={`project-${p.slug}`}>
          <h2>{p.name}</h2>
          <div className="counts">
            <span><b>{p.counts.labeled}</b>labeled</span>
            <span><b>{p.counts.items}</b>items</span>
            <span><b>{p.classes.length}</b>classes</span>
            <span><b>{p.role}</b>your role</span>
          </div>
          <p>
            <Link href={`/projects/${p.id}/label`} className="button primary" data-testid="start-labeling">Start labeling</Link>
            {can({ userRole: user.role, projectRole: p.role === 'admin' ? null : p.role }, 'project.review') && (
              <>
                {' '}<Link href={`/projects/${p.id}/model`} className="button" data-testid="model-link">Model and learning curve</Link>
                {' '}<Link href={`/projects/${p.id}/items`} className="button" data-testid="items-link">Items</Link>
              </>
            )}
            {' '}<Link href={`/projects/${p.id}/mine`} data-testid="mine-link">Your answers</Link>
          </p>
        </div>
      ))}
    </>
  );
}
