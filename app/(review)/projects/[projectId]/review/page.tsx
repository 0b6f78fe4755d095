import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { can } from '@/lib/roles';
import { ReviewBoard } from '@/components/review/ReviewBoard';
import { ReviewLive } from '@/components/review/ReviewLive';
import { AgreementPanel } from '@/components/review/AgreementPanel';
import { SendBackForm } from '@/components/review/SendBackForm';

export const dynamic = 'force-dynamic';

/** Where a lead settles what the team disagrees on: disputed and flagged items, decided by keyboard. */
export default async function ReviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'review');
  const { services } = runtime();
  // Annotators never see the others' answers (gold, overlap): the page does not exist for them.
  if (!can({ userRole: user.role, projectRole: project.role === 'admin' ? null : project.role }, 'project.review')) notFound();
  const [review, members, history] = await Promise.all([
    services.review.list(user.principal, id, 20), services.projects.members(user.principal, id), services.consensus.history(user.principal, id, 100),
  ]);
  return (
    <div className="review-page" data-testid="review-page">
      <ReviewLive projectId={id} />
      <header className="page-head">
        <h1>{project.name}: review</h1>
        <span>
          <span className="muted" data-testid="review-waiting">{review.waiting} item{review.waiting === 1 ? '' : 's'} waiting</span>{' '}
          <Link href={`/projects/${id}/queue`} className="button">Queue</Link>{' '}
          <Link href={`/projects/${id}/label`} className="button">Label</Link>
        </span>
      </header>
      <ReviewBoard projectId={id} task={project.task} items={review.items} />
      <section className="card" data-testid="agreement">
        <h2>How well the team agrees</h2>
        <AgreementPanel history={history} id={`agreement-${id}`} />
      </section>
      <section className="card">
        <h2>Send answers back</h2>
        <p className="muted">An annotator&apos;s newest answers go back on this list and leave training until you decide them.</p>
        <SendBackForm projectId={id} annotators={members.filter((m) => m.role === 'annotator').map((m) => ({ userId: m.userId, name: m.name }))} />
      </section>
    </div>
  );
}
