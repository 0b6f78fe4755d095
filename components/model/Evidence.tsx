import { Bar, LinePath } from '@visx/shape';
import { MIN_PER_CLASS, TRUST_ACCURACY } from '../../lib/al/coldstart';
import { uncertaintyVerdict } from '../../lib/model/evidence';
import { ChartFrame, frame } from './ChartFrame';
import { fixed, percent, plural, type ReliabilityBin, type VersionEvidence } from './status';

/**
 * Does the model's uncertainty predict its errors? The current version's evidence from the
 * random holdout: the AUROC of the uncertainty for "the model is wrong" in a sentence (with a
 * recommendation when it is not informative), the reliability diagram with its ECE, and how
 * much the ranking moved since the previous version. Renders on the server.
 */
export function Evidence({ evidence, ece, id }: { evidence: VersionEvidence | null; ece: number | null; id: string }) {
  if (!evidence) {
    return <p className="muted" data-testid="evidence-none">The trainer behind this version sent no evidence (an older trainer, or no labeled holdout item yet).</p>;
  }
  const verdict = uncertaintyVerdict(evidence.uncertaintyAuroc);
  const churn = evidence.churn;
  return (
    <div data-testid="evidence">
      <p data-testid="evidence-verdict" data-verdict={verdict.kind}>{verdict.sentence}</p>
      {verdict.kind === 'uninformative' && <p className="warn" data-testid="evidence-recommendation"><b>Recommendation:</b> {verdict.recommendation}</p>}
      {evidence.reliability && evidence.reliability.some((b) => b.count > 0) && (
        <ReliabilityDiagram bins={evidence.reliability} ece={ece} id={`${id}-reliability`} />
      )}
      <dl className="facts" data-testid="evidence-churn">
        {evidence.autoPhase && (
          <>
            <dt>auto&apos;s phase</dt>
            <dd data-testid="evidence-auto-phase">
              {evidence.autoPhase === 'cold-start'
                ? <>low budget: typical items of clusters without a label (uncertainty not trusted yet: {evidence.labeledAccuracy === null
                  ? `a class with fewer than ${MIN_PER_CLASS} labels, or under 20 labels`
                  : <>the model predicts {percent(evidence.labeledAccuracy, 0)} of its own labels in cross-validation, under the {percent(TRUST_ACCURACY, 0)} it takes</>})</>
                : <>uncertainty: smallest margins, near-copies skipped{evidence.labeledAccuracy !== null && <> (switched with {percent(evidence.labeledAccuracy, 0)} of its labels predicted in cross-validation)</>}</>}
            </dd>
          </>
        )}
        <dt>ranking churn</dt>
        <dd>
          {churn && churn.topOverlap !== null
            ? <>top 100 shared with the previous version <b>{percent(churn.topOverlap, 0)}</b> · rank correlation {fixed(churn.rankCorrelation, 2)}</>
            : <span className="muted">no previous ranking from this trainer to compare with</span>}
        </dd>
        <dt>labeled, still uncertain</dt>
        <dd>
          {churn && churn.labeledStillUncertain !== null
            ? <><b>{percent(churn.labeledStillUncertain, 0)}</b> of the labeled items are as uncertain as the open pool&apos;s most uncertain tenth
              {churn.labeledStillUncertain > 0.2 && <> — the strategy may keep asking for a kind of item the model does not learn</>}</>
            : <span className="muted">–</span>}
        </dd>
      </dl>
    </div>
  );
}

/** Share correct against mean confidence per confidence bin, the diagonal as perfect calibration. */
function ReliabilityDiagram({ bins, ece, id }: { bins: ReliabilityBin[]; ece: number | null; id: string }) {
  const f = frame(360, 260, [0, 1], [0, 1]);
  const used = bins.filter((b) => b.count > 0);
  const total = used.reduce((a, b) => a + b.count, 0);
  const desc = used.map((b) => `confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)}: ${percent(b.accuracy)} right of ${b.count}`).join('; ');
  return (
    <figure className="curve reliability" data-testid="reliability-diagram">
      <ChartFrame f={f} id={id} testId="reliability-svg" title={`Reliability on ${plural(total, 'holdout item')}: ECE ${fixed(ece)}`} desc={desc}
        xLabel="confidence of the predicted class" yLabel="share right" xTicks={[0, 0.25, 0.5, 0.75, 1]} yTicks={[0, 0.25, 0.5, 0.75, 1]}
        xFormat={(t) => String(t)} yFormat={(t) => `${Math.round(t * 100)}%`}>
        <LinePath className="curve-chance" data={[0, 1]} x={(v) => f.x(v)} y={(v) => f.y(v)} fill="none" />
        <g className="hist-bars">
          {used.map((b) => (
            <Bar key={b.lo} x={f.x(b.lo) + 1} width={Math.max(0, f.x(b.hi) - f.x(b.lo) - 2)} y={f.y(b.accuracy ?? 0)} height={f.y(0) - f.y(b.accuracy ?? 0)}>
              <title>{`confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)} (mean ${fixed(b.confidence, 2)}): ${percent(b.accuracy)} right, ${plural(b.count, 'item')}`}</title>
            </Bar>
          ))}
        </g>
      </ChartFrame>
      <figcaption className="muted">bars: share right per confidence bin · dotted: perfectly calibrated · ECE {fixed(ece)}</figcaption>
    </figure>
  );
}
