import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { isTandemError } from '@/lib/errors';
import type { AnswerOutcome } from '@/lib/items/outcome';
import { ReopenButton } from '@/components/items/ReopenButton';

export const dynamic = 'force-dynamic';

function OutcomeText({ outcome }: { outcome: AnswerOutcome }) {
  switch (outcome.kind) {
    case 'taken-back': return <span className="muted">taken back</span>;
    case 'waiting': return <span>waiting for other answers</span>;
    case 'disputed': return <span className="warn">disputed: waiting for a lead</span>;
    case 'kept': return <span className="ok">kept</span>;
    case 'decided':
      return outcome.same
        ? <span className="ok">confirmed by {outcome.by === 'lead' ? 'a lead' : 'the consensus'}</span>
        : <span className="warn">replaced by {outcome.by === 'lead' ? 'a lead\'s decision' : 'the consensus'}</span>;
  }
}

/** An annotator's own recent answers: what became of each, the lead's reason when one decided, and reopening one. */
export default async function MinePage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<{ before?: string }> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'mine');
  const { services } = runtime();
  const { before } = await searchParams;
  const list = await services.myAnswers.list(user.principal, id, before ? { before } : {}).catch((e) => {
    if (isTandemError(e) && e.code === 'bad_request') return null;
    throw e;
  });
  if (!list) notFound();
  return (
    <div className="mine-page" data-testid="mine-page">
      <header className="page-head">
        <h1>{project.name}: your answers</h1>
        <Link href={`/projects/${id}/label`} className="button primary">Back to labeling</Link>
      </header>
      <p className="muted">Reopen takes your answer back and deals you the item again, if nobody else is labeling it and no lead has decided it.</p>
      {list.answers.length === 0 ? <p className="card">You have not answered anything here yet.</p> : (
        <table className="mine-table card" data-testid="mine-list">
          <thead><tr><th>item</th><th>when</th><th>your answer</th><th>outcome</th><th>resolved to</th><th>from a lead</th><th /></tr></thead>
          <tbody>
            {list.answers.map((a) => (
              <tr key={a.annotationId} data-testid="mine-row" data-item-id={a.itemId} data-outcome={a.outcome.kind}>
                <td><Link href={`/projects/${id}/items/${a.itemId}`}>
                  {/* eslint-disable-next-line @next/next/no-img-element */}
                  <img src={`/api/items/${a.itemId}/media`} alt={`item ${a.itemId}`} className="mine-thumb" loading="lazy" /> {a.itemId}
                </Link></td>
                <td>{new Date(a.answeredAt).toISOString().replace('T', ' ').slice(0, 16)}</td>
                <td><b>{a.summary}</b></td>
                <td><OutcomeText outcome={a.outcome} /></td>
                <td data-testid="mine-resolved">
                  {a.resolved && (
                    <>
                      <b>{a.resolved.summary}</b> by {a.resolved.by ?? (a.resolved.source === 'consensus' ? 'consensus' : 'a lead')}
                      {a.resolved.confidence !== null && ` (${Math.round(a.resolved.confidence * 100)}%)`}
                      {a.resolved.reason && <>: <q>{a.resolved.reason}</q></>}
                    </>
                  )}
                </td>
                <td data-testid="mine-lead-comment">
                  {a.lastLeadComment && (
                    <a href={`/projects/${id}/items/${a.itemId}#comments`}>
                      <q>{a.lastLeadComment.body.length > 120 ? `${a.lastLeadComment.body.slice(0, 119)}…` : a.lastLeadComment.body}</q>
                      {a.lastLeadComment.by && <> ({a.lastLeadComment.by})</>}
                      {a.leadComments > 1 && <span className="muted"> +{a.leadComments - 1} more</span>}
                    </a>
                  )}
                </td>
                <td>{a.canReopen && <ReopenButton projectId={id} annotationId={a.annotationId} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager">
        {before && <Link href={`/projects/${id}/mine`}>newest</Link>}
        {list.next && <Link href={`/projects/${id}/mine?before=${list.next}`} className="button">older</Link>}
      </nav>
    </div>
  );
}
