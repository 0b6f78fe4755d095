import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireUser } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { isTandemError } from '@/lib/errors';
import { parseId } from '@/lib/protocol/ids';
import { FLAG_REASON_TEXT, type FlagReason } from '@/lib/protocol/items';
import { AnswerView, type Layer } from '@/components/items/AnswerView';
import { CommentForm } from '@/components/items/CommentForm';
import { FixAnswerForm } from '@/components/items/FixAnswerForm';
import { DrawFix } from '@/components/items/DrawFix';
import { drawStarts } from '@/components/review/draw-starts';
import { draftSpecOf } from '@/lib/tasks/drafts';
import { colourOf, MODEL_COLOUR } from '@/components/items/colours';

export const dynamic = 'force-dynamic';

const when = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').slice(0, 19);
const pct = (x: number | null) => (x === null ? '' : `${Math.round(x * 100)}%`);

/** One item: its image with every standing answer and the model's drawn, its full history, flags, comments, and the lead's fix. */
export default async function ItemPage({ params }: { params: Promise<{ projectId: string; itemId: string }> }) {
  const { projectId, itemId } = await params;
  const user = await requireUser(`/projects/${projectId}/items/${itemId}`);
  const pid = parseId(projectId, 'serial');
  const iid = parseId(itemId);
  if (pid === null || iid === null) notFound();
  const d = await runtime().services.items.detail(user.principal, pid, iid).catch((e) => {
    if (isTandemError(e) && e.code === 'forbidden') return { refused: e.message } as const;
    if (isTandemError(e)) notFound();
    throw e;
  });
  if ('refused' in d) {
    return (
      <div className="card" data-testid="item-refused">
        <h1>Item {iid}</h1>
        <p>{d.refused}.</p>
        <p><Link href={`/projects/${pid}/mine`}>Your own answers</Link></p>
      </div>
    );
  }
  const people = [...new Set(d.history.filter((h) => h.user && h.action === 'label').map((h) => h.user!.id))];
  const nameOf = (h: (typeof d.history)[number]) => (h.source === 'consensus' ? 'consensus' : h.source === 'import' ? 'import' : h.user?.name ?? 'a removed user');
  const layers: Layer[] = d.history.filter((h) => h.standing && h.answer).map((h) => ({
    key: `v${h.id}`, label: `${nameOf(h)} (#${h.id})${h.resolved ? ' · resolved' : ''}`,
    colour: h.user ? colourOf(people, h.user.id) : colourOf(people, h.source), answer: h.answer!, summary: h.summary!,
  }));
  if (d.prediction?.prelabel) {
    layers.push({ key: 'model', label: d.prediction.prelabel.source === 'model' ? 'model' : 'imported prelabel', colour: MODEL_COLOUR, answer: d.prediction.prelabel.answer, summary: d.prediction.prelabel.summary, dashed: true });
  }
  const byId = new Map(d.history.map((h) => [h.id, h]));
  const standing = d.history.filter((h) => h.standing && h.action === 'label' && h.answer);
  const consensus = standing.filter((h) => h.source === 'consensus').at(-1);
  const starts = draftSpecOf(d.task) === null ? null : drawStarts({
    consensus: consensus ? { annotationId: consensus.id, answer: consensus.answer! } : null,
    answers: standing.filter((h) => h.source !== 'consensus').map((h) => ({ annotationId: h.id, who: `${nameOf(h)} (#${h.id})`, answer: h.answer! })),
    prelabel: d.prediction?.prelabel ? { source: d.prediction.prelabel.source, answer: d.prediction.prelabel.answer } : null,
  });
  const back = d.viewer.lead ? `/projects/${pid}/items` : `/projects/${pid}/mine`;
  return (
    <div className="item-page" data-testid="item-page" data-status={d.item.status}>
      <header className="page-head">
        <h1>{d.project.name}: item {d.item.id}</h1>
        <span><Link href={back} className="button">{d.viewer.lead ? 'All items' : 'Your answers'}</Link></span>
      </header>
      <div className="item-layout">
        <AnswerView itemId={d.item.id} task={d.task} width={d.item.width} height={d.item.height} layers={JSON.parse(JSON.stringify(layers)) as Layer[]} />
        <section className="card item-facts">
          <dl className="facts">
            <dt>state</dt><dd data-testid="item-state"><span className={`state state-${d.item.status}`}>{d.item.status}</span></dd>
            <dt>split</dt><dd>{d.item.split}</dd>
            <dt>file</dt><dd>{d.item.sourceName}</dd>
            {d.item.width !== null && <><dt>size</dt><dd>{d.item.width}×{d.item.height}</dd></>}
            {d.prediction?.ranking && (
              <>
                <dt>model</dt>
                <dd data-testid="item-prediction">
                  {d.prediction.ranking.predicted ?? '—'} {pct(d.prediction.ranking.confidence)}
                  {d.prediction.ranking.uncertainty !== null && <> · uncertainty {d.prediction.ranking.uncertainty.toFixed(2)}</>}
                  {' '}· rank {d.prediction.ranking.position + 1} (model of {d.prediction.ranking.labelCount} labels)
                </dd>
              </>
            )}
            {d.leases.length > 0 && <><dt>dealt</dt><dd>{d.leases.map((l) => `${l.stream} to ${l.user.name ?? l.user.id} (${l.state})`).join('; ')}</dd></>}
          </dl>
          {d.viewer.lead && (
            <>
              <h2>Fix the answer</h2>
              <FixAnswerForm
                projectId={pid} itemId={d.item.id} task={d.task}
                standing={d.history.filter((h) => h.standing && h.action === 'label').map((h) => ({ id: h.id, label: `${nameOf(h)}'s ${h.summary} (#${h.id})` }))}
              />
            </>
          )}
        </section>
      </div>

      {d.viewer.lead && starts && (
        <DrawFix
          projectId={pid} itemId={d.item.id} task={d.task} size={d.item.width && d.item.height ? { width: d.item.width, height: d.item.height } : null}
          starts={JSON.parse(JSON.stringify(starts)) as typeof starts}
        />
      )}

      <section className="card">
        <h2>History</h2>
        <table className="history-table" data-testid="history">
          <thead><tr><th>#</th><th>when</th><th>who</th><th>what</th><th>source</th><th>reason</th><th>replaced</th><th /></tr></thead>
          <tbody>
            {d.history.map((h) => (
              <tr key={h.id} data-testid="history-row" data-source={h.source} data-action={h.action} className={h.standing ? undefined : 'gone'}>
                <td>{h.id}</td>
                <td>{when(h.createdAt)}</td>
                <td>{nameOf(h)}</td>
                <td>{h.action === 'retract' ? <i>took back #{h.replaces}</i> : <b>{h.summary}</b>}</td>
                <td>{h.source}{h.confidence !== null && ` (${pct(h.confidence)})`}</td>
                <td data-testid="history-reason">{h.reason ?? ''}</td>
                <td>{h.replaces !== null && h.action === 'label' ? `#${h.replaces} ${byId.get(h.replaces)?.summary ?? ''}` : ''}</td>
                <td>{h.resolved ? <span className="ok">resolved</span> : h.action === 'label' && !h.standing ? <span className="muted">taken back</span> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" data-testid="flags">
        <h2>Flags</h2>
        {d.flags.length === 0 ? <p className="muted">No flags.</p> : (
          <ul className="notes">
            {d.flags.map((f) => (
              <li key={f.id} data-testid="flag" className={f.resolvedAt ? 'gone' : undefined}>
                <b>{f.kind === 'annotator' ? FLAG_REASON_TEXT[f.reason as FlagReason] ?? f.reason : `${f.kind}: ${f.reason}`}</b>
                {f.user && <> by {f.user.name}</>} <span className="muted">{when(f.createdAt)}{f.resolvedAt ? ` · closed ${when(f.resolvedAt)}` : ' · open'}</span>
                {f.comment && <p>{f.comment}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" data-testid="comments" id="comments">
        <h2>Comments</h2>
        <ul className="notes">
          {d.comments.map((c) => (
            <li key={c.id} data-testid="comment" data-by-lead={c.byLead}><b>{c.user?.name ?? 'a removed user'}</b>{c.byLead && c.user?.id !== d.viewer.userId && <span className="tag"> lead</span>} <span className="muted">{when(c.createdAt)}</span><p>{c.body}</p></li>
          ))}
        </ul>
        <CommentForm projectId={pid} itemId={d.item.id} />
      </section>
    </div>
  );
}
