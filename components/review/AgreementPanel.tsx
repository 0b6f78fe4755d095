import { LinePath } from '@visx/shape';
import type { AgreementSummary } from '@/lib/agreement/project-agreement';
import { ChartFrame, frame } from '../model/ChartFrame';
import { niceTicks } from '../model/ticks';
import { ANSWER_COLOURS } from './AnswerMarks';
import { JointDisagreement } from './JointDisagreement';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`);
const fixed = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));

export interface AgreementPoint { at: string; answers: number; summary: AgreementSummary }

/**
 * The team's agreement for the lead: the coefficients now, each annotator's reliability with the
 * noisy flag and its evidence, and agreement over time per annotator and per class (visx, in the
 * app's chart frame; renders on the server).
 */
export function AgreementPanel({ history, id }: { history: AgreementPoint[]; id: string }) {
  const now = history.at(-1)?.summary;
  if (!now) {
    return <p className="muted" data-testid="agreement-empty">No agreement yet: it is computed once items have answers from two or more annotators (set an overlap share on the queue page).</p>;
  }
  const c = now.coefficients;
  const joints = Object.entries(now.detail ?? {}).filter(([k]) => k.startsWith('joint:')).map(([k, value]) => ({ name: k.slice('joint:'.length), value }));
  return (
    <div data-testid="agreement-panel">
      {now.method === 'fusion' ? (
        <p>
          Mean agreement of two answers to one item <b data-testid="agreement-pairwise">{pct(now.pairwise ?? null)}</b>
          <span className="muted"> over {now.overlappedItems} overlapped item{now.overlappedItems === 1 ? '' : 's'} of {now.items}, {now.answers} answers (each item&apos;s answers fused into its consensus; reliability is agreement with it)</span>
          {now.detail?.meanIoU !== undefined && <> · mean IoU of matched boxes <b data-testid="agreement-mean-iou">{fixed(now.detail.meanIoU)}</b></>}
          {now.detail?.f1At50 !== undefined && <> · F1 at IoU 0.5 <b>{fixed(now.detail.f1At50)}</b></>}
        </p>
      ) : (
      <p>
        Krippendorff&apos;s α <b data-testid="agreement-alpha">{fixed(c.krippendorffAlpha)}</b> · Fleiss&apos; κ {fixed(c.fleissKappa)} · Cohen&apos;s κ {fixed(c.cohenKappa)} · percent agreement {pct(c.percentAgreement)}
        <span className="muted"> over {now.overlappedItems} overlapped item{now.overlappedItems === 1 ? '' : 's'} of {now.items}, {now.answers} answers (consensus by Dawid–Skene)</span>
      </p>
      )}
      {joints.length > 0 && <JointDisagreement joints={joints} id={`${id}-joints`} />}
      <table className="holds-table" data-testid="annotator-table">
        <thead><tr><th>annotator</th><th>answers</th><th>last hour</th><th>agrees with consensus</th><th>estimated accuracy</th><th>gold</th><th>flag</th></tr></thead>
        <tbody>
          {now.annotators.map((a) => (
            <tr key={a.userId} data-testid="annotator-row" data-noisy={a.noisy}>
              <td>{a.name}</td>
              <td>{a.answers} <span className="muted">({a.overlapped} overlapped)</span></td>
              <td>{a.answersLastHour}</td>
              <td>{pct(a.agreement)}</td>
              <td>{pct(a.accuracy)}</td>
              <td>{a.goldAnswers > 0 ? <>{pct(a.goldAccuracy)} <span className="muted">on {a.goldAnswers}</span></> : <span className="muted">none</span>}</td>
              <td>{a.noisy ? <b className="error" title={a.reason}>noisy</b> : <span className="muted">–</span>}{a.noisy && <div className="muted small">{a.reason}</div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {now.method === 'dawid-skene' && now.annotators.length > 0 && (
        <details className="confusions" data-testid="confusions">
          <summary>Confusion matrices (rows: the consensus or a known answer; columns: what the annotator said)</summary>
          <div className="confusion-grid">
            {now.annotators.map((a) => <Confusion key={a.userId} name={a.name} confusion={a.confusion} />)}
          </div>
        </details>
      )}
      {history.length > 1 && (
        <div className="agreement-charts">
          <OverTime id={`${id}-annotators`} title="Agreement with the consensus, per annotator" history={history}
            series={now.annotators.map((a) => ({ key: String(a.userId), name: a.name, value: (s: AgreementSummary) => s.annotators.find((x) => x.userId === a.userId)?.agreement ?? null }))} />
          <OverTime id={`${id}-classes`} title="Agreement per class" history={history}
            series={now.classes.map((k) => ({ key: k.label, name: k.label, value: (s: AgreementSummary) => s.classes.find((x) => x.label === k.label)?.agreement ?? null }))} />
        </div>
      )}
    </div>
  );
}

function OverTime({ id, title, history, series }: {
  id: string; title: string; history: AgreementPoint[];
  series: { key: string; name: string; value: (s: AgreementSummary) => number | null }[];
}) {
  const maxAnswers = Math.max(1, ...history.map((h) => h.answers));
  const xTicks = niceTicks(maxAnswers, 5);
  const f = frame(520, 220, [0, xTicks[xTicks.length - 1]], [0, 1]);
  const lines = series.map((s, k) => ({
    ...s, colour: ANSWER_COLOURS[k % ANSWER_COLOURS.length],
    points: history.flatMap((h) => { const v = s.value(h.summary); return v === null ? [] : [{ x: h.answers, y: v }]; }),
  }));
  return (
    <figure className="curve">
      <ChartFrame f={f} id={id} testId={`${id}-svg`} title={title} desc={lines.map((l) => `${l.name}: ${pct(l.points.at(-1)?.y)} now`).join('; ')}
        xLabel="answers" xTicks={xTicks} yTicks={[0, 0.25, 0.5, 0.75, 1]} yFormat={(t) => `${Math.round(t * 100)}%`}>
        {lines.map((l) => (
          <g key={l.key}>
            {l.points.length > 1 && <LinePath data={l.points} x={(p) => f.x(p.x)} y={(p) => f.y(p.y)} stroke={l.colour} strokeWidth={2} fill="none" />}
            {l.points.map((p, i) => <circle key={i} cx={f.x(p.x)} cy={f.y(p.y)} r={3} fill={l.colour}><title>{`${l.name}: ${pct(p.y)} at ${p.x} answers`}</title></circle>)}
          </g>
        ))}
      </ChartFrame>
      <figcaption className="curve-legend">
        <b>{title}</b>{' '}
        {lines.map((l) => <span key={l.key} className="curve-key"><span className="swatch" style={{ background: l.colour }} /> {l.name}</span>)}
      </figcaption>
    </figure>
  );
}

function Confusion({ name, confusion }: { name: string; confusion: Record<string, Record<string, number>> }) {
  const rows = Object.keys(confusion).sort();
  const cols = [...new Set(rows.flatMap((r) => Object.keys(confusion[r])))].sort();
  if (rows.length === 0) return <p className="muted">{name}: no overlapped answers yet.</p>;
  return (
    <table className="holds-table confusion" data-testid="confusion">
      <caption>{name}</caption>
      <thead><tr><th /> {cols.map((c) => <th key={c}>{c}</th>)}</tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r}>
            <th>{r}</th>
            {cols.map((c) => <td key={c} className={r === c ? 'ok' : (confusion[r][c] ?? 0) > 0 ? 'error' : 'muted'}>{confusion[r][c] ?? 0}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
