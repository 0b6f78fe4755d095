import { percent, type ModelStatus } from './status';

/** The head of the ranking in use: the open items the model wants labeled next, with its guess. */
export function NextItems({ next, hasRanking }: { next: ModelStatus['next']; hasRanking: boolean }) {
  if (!hasRanking) return <p className="muted" data-testid="next-empty">No ranking yet: items are dealt at random until the first model is trained.</p>;
  if (next.length === 0) return <p className="muted" data-testid="next-empty">Every item of the current ranking is labeled: the next retrain ranks what is left.</p>;
  return (
    <ol className="next-items" data-testid="next-items">
      {next.map((n) => (
        <li key={n.itemId} data-testid="next-item" data-item-id={n.itemId}>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={`/api/items/${n.itemId}/media`} alt={`item ${n.itemId}`} loading="lazy" width={96} height={96} />
          <span>item {n.itemId}</span>
          {/* A ranking no model made carries no guess: say nothing rather than a dash that reads as "unsure". */}
          {n.predicted != null && <span>guess <b>{n.predicted}</b> · {percent(n.confidence, 0)}</span>}
          <span className="muted" title="acquisition score: higher is asked sooner">score {n.score.toFixed(3)}</span>
          {typeof n.uncertainty === 'number' && <span className="muted" title="the model's uncertainty: 0 sure, 1 unsure">uncertainty {n.uncertainty.toFixed(2)}</span>}
        </li>
      ))}
    </ol>
  );
}
