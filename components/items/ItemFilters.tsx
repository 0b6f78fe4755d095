import Link from 'next/link';
import { ITEM_STATES } from '@/lib/agreement/item-state';
import { ITEM_SORTS, LEASE_STREAMS } from '@/lib/protocol/items';

const SORT_TEXT: Record<(typeof ITEM_SORTS)[number], string> = {
  newest: 'newest answer first',
  uncertainty: 'most uncertain first',
  id: 'item id, newest first',
};

/**
 * The filters as a plain GET form: submitting it puts every filter in the page's URL, so a
 * filtered view can be reloaded, shared and stepped back to.
 */
export function ItemFilters({ projectId, q, classes, members }: {
  projectId: number;
  q: Record<string, string>;
  /** The classes a resolved answer and the model's prediction name (classification); none for spatial tasks. */
  classes: string[];
  members: { userId: number; name: string; email: string }[];
}) {
  const states = new Set((q.status ?? '').split(','));
  return (
    <form method="get" action={`/projects/${projectId}/items`} className="item-filters" data-testid="item-filters">
      <fieldset>
        <legend>state</legend>
        {ITEM_STATES.map((s) => (
          <label key={s}><input type="checkbox" name="status" value={s} defaultChecked={states.has(s)} /> {s}</label>
        ))}
      </fieldset>
      <label><span>flagged</span>
        <select name="flagged" defaultValue={q.flagged ?? ''} data-testid="filter-flagged">
          <option value="">any</option><option value="1">flagged</option><option value="0">not flagged</option>
        </select>
      </label>
      <label><span>split</span>
        <select name="split" defaultValue={q.split ?? ''}><option value="">any</option><option value="pool">pool</option><option value="holdout">holdout</option></select>
      </label>
      <label><span>dealt by stream</span>
        <select name="stream" defaultValue={q.stream ?? ''}><option value="">any</option>{LEASE_STREAMS.map((s) => <option key={s} value={s}>{s}</option>)}</select>
      </label>
      {classes.length > 0 && (
        <>
          <label><span>class</span>
            <select name="class" defaultValue={q.class ?? ''} data-testid="filter-class"><option value="">any</option>{classes.map((c) => <option key={c} value={c}>{c}</option>)}</select>
          </label>
          <label><span>model predicts</span>
            <select name="predicted" defaultValue={q.predicted ?? ''}><option value="">any</option>{classes.map((c) => <option key={c} value={c}>{c}</option>)}</select>
          </label>
        </>
      )}
      <label><span>answered by</span>
        <select name="annotator" defaultValue={q.annotator ?? ''}>
          <option value="">anyone</option>
          {members.map((m) => <option key={m.userId} value={m.userId}>{m.name || m.email}</option>)}
        </select>
      </label>
      <label><span>uncertainty from</span><input name="uncertaintyMin" inputMode="decimal" size={5} placeholder="0" defaultValue={q.uncertaintyMin ?? ''} /></label>
      <label><span>to</span><input name="uncertaintyMax" inputMode="decimal" size={5} placeholder="1" defaultValue={q.uncertaintyMax ?? ''} /></label>
      <label><span>answered from</span><input type="date" name="from" defaultValue={q.from ?? ''} /></label>
      <label><span>to</span><input type="date" name="to" defaultValue={q.to ?? ''} /></label>
      <label><span>order</span>
        <select name="sort" defaultValue={q.sort ?? ''} data-testid="filter-sort">
          <option value="">automatic: newest answer first, by item id for flagged or open items</option>
          {ITEM_SORTS.map((s) => <option key={s} value={s}>{SORT_TEXT[s]}</option>)}
        </select>
      </label>
      <div className="item-filters-foot">
        <button type="submit" className="primary" data-testid="apply-filters">Apply</button>
        <Link href={`/projects/${projectId}/items`}>clear filters</Link>
      </div>
    </form>
  );
}
