import { headDescription, HEAD_NAMES, REUSE_GROWTH, type HeadName } from '../../lib/model/heads';
import { percent, plural, type VersionHead } from './status';

/**
 * Which model won: the candidate heads of a version (lib/model/heads.ts), each one's accuracy
 * under cross-validation on the labeled set with its standard error, the winner, and a sentence
 * saying why it won. Renders on the server.
 */
export function HeadChoice({ head, labelCount }: { head: VersionHead | null; labelCount?: number }) {
  if (!head && labelCount === 0) {
    return <p className="muted" data-testid="heads-none">No labels yet, so no head to choose: this version only orders the images, from their embeddings alone.</p>;
  }
  if (!head) return <p className="muted" data-testid="heads-none">The trainer behind this version did not say which head it used (an older trainer: label spreading).</p>;
  const best = head.scores.reduce<VersionHead['scores'][number] | null>((a, b) => (!a || b.accuracy > a.accuracy ? b : a), null);
  return (
    <div data-testid="heads" data-head={head.head} data-reason={head.reason}>
      <p data-testid="heads-sentence">{sentence(head, best)}</p>
      {head.scores.length > 0 && (
        <table data-testid="heads-scores">
          <thead><tr><th>head</th><th>CV accuracy</th><th>± standard error</th><th /></tr></thead>
          <tbody>
            {head.scores.map((s) => (
              <tr key={s.head} data-testid={`heads-score-${s.head}`} className={s.head === head.head ? 'strong' : undefined}>
                <td title={describe(s.head)}><code>{s.head}</code></td>
                <td>{percent(s.accuracy)}</td>
                <td>± {percent(s.standardError)}</td>
                <td>{s.head === head.head ? <b>won</b> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function sentence(h: VersionHead, best: VersionHead['scores'][number] | null) {
  const name = <b><code>{h.head}</code></b>;
  switch (h.reason) {
    case 'cv':
      return best && best.head !== h.head
        ? <>Cross-validation on {plural(h.labelCount, 'labeled item')} ({h.folds} folds) kept {name} ({describe(h.head)}): <code>{best.head}</code> scored higher, but within one standard error, so the simpler head stays.</>
        : <>Cross-validation on {plural(h.labelCount, 'labeled item')} ({h.folds} folds) picked {name} ({describe(h.head)}), the most accurate of the candidates below.</>;
    case 'reused':
      return <>This version keeps {name}, picked by cross-validation on {plural(h.labelCount, 'labeled item')}: it runs again once the labeled set has grown by {Math.round(REUSE_GROWTH * 100)}%.</>;
    case 'too-few-labels':
      return <>Some class has fewer labels than cross-validation folds, too few to cross-validate, so this version uses the default head, {name}.</>;
    case 'forced':
      return <>This version used {name}, as configured (no cross-validation).</>;
  }
}

const describe = (name: string) => ((HEAD_NAMES as readonly string[]).includes(name) ? headDescription(name as HeadName) : 'a head of the trainer\'s own');
