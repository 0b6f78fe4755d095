import Link from 'next/link';
import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { isTandemError } from '@/lib/errors';
import { can } from '@/lib/roles';
import { ItemFilters } from '@/components/items/ItemFilters';
import { ItemGrid, type GridItem } from '@/components/items/ItemGrid';
import { itemsHref, queryFromSearch, type SearchParams } from '@/components/items/query';

export const dynamic = 'force-dynamic';

/** A lead's view of every item of a project: filters in the URL, a grid of thumbnails, keyset pages, bulk queue actions. */
export default async function ItemsPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<SearchParams> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'items');
  const { services } = runtime();
  const actor = { userRole: user.role, projectRole: project.role === 'admin' ? null : project.role };
  if (!can(actor, 'project.review')) {
    return (
      <div className="card" data-testid="leads-only">
        <h1>{project.name}: items</h1>
        <p>Browsing every item is for the project&apos;s leads and admins.</p>
        <p><Link href={`/projects/${id}/mine`}>Your own answers</Link> · <Link href={`/projects/${id}/label`}>Back to labeling</Link></p>
      </div>
    );
  }
  const q = queryFromSearch(await searchParams);
  const [page, members] = await Promise.all([
    services.items.browse(user.principal, id, q).catch((e) => {
      if (isTandemError(e) && e.code === 'bad_request') return { error: e.message } as const;
      throw e;
    }),
    services.projects.members(user.principal, id),
  ]);
  const classes = project.task.task === 'classification' ? project.task.config.classes : [];
  const { after: _after, ...filters } = q;
  return (
    <div className="items-page" data-testid="items-page">
      <header className="page-head">
        <h1>{project.name}: items</h1>
        <span>
          <Link href={`/projects/${id}/queue`} className="button">Queue</Link>{' '}
          <Link href={`/projects/${id}/label`} className="button">Label</Link>
        </span>
      </header>
      <ItemFilters projectId={id} q={q} classes={classes} members={members} />
      {'error' in page ? (
        <p className="notice notice-error" role="alert" data-testid="items-error">
          {page.error} <Link href={`/projects/${id}/items`}>clear filters</Link>
        </p>
      ) : (
        <>
          <p className="muted">
            {page.items.length} item{page.items.length === 1 ? '' : 's'} on this page
            {page.sort === 'newest' && (
              // This order walks the answers, so an item nobody answered (flagged instead of answered, say) is never on it: say where it is.
              <> · answered items, newest answer first; items nobody answered yet, one flagged instead of answered say, are in the <Link href={itemsHref(id, filters, { sort: 'id' })} data-testid="unanswered-link">item id order</Link></>
            )}
            {page.sort === 'id' && !q.sort && ' · by item id, newest first: the filters ask for items nobody may have answered'}
            {page.sort === 'uncertainty' && (page.ranking ? ` · items the newest ranking scored (model of ${page.ranking.labelCount} labels)` : ' · no ranking applied yet: nothing is scored')}
            {page.next && page.items.length < Number(q.limit ?? 60) && ' · few matches in this stretch of the list: the next page looks further'}
          </p>
          <ItemGrid projectId={id} items={JSON.parse(JSON.stringify(page.items)) as GridItem[]} />
          <nav className="pager">
            {q.after && <Link href={itemsHref(id, filters)} data-testid="first-page">first page</Link>}
            {page.next && <Link href={itemsHref(id, filters, { after: page.next })} className="button" data-testid="next-page">next page</Link>}
          </nav>
        </>
      )}
    </div>
  );
}
