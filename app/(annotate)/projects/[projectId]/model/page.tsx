import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { can } from '@/lib/roles';
import { hasBuiltinModel, taskType } from '@/lib/tasks';
import { JobStatus } from '@/components/model/JobStatus';
import { LearningCurve } from '@/components/model/LearningCurve';
import { LiveRefresh } from '@/components/model/LiveRefresh';
import { NextItems } from '@/components/model/NextItems';
import { UncertaintyHistogram } from '@/components/model/UncertaintyHistogram';
import { Evidence } from '@/components/model/Evidence';
import { HeadChoice } from '@/components/model/HeadChoice';
import { accuracyRange, fixed, holdoutMetrics, isDiversity, labelsBehind, percent, plural, rangeWords, versionEvidence, versionHead, type HoldoutMetrics, type ModelStatus } from '@/components/model/status';

export const dynamic = 'force-dynamic';

/** The model behind a project's queue, for its leads and admins; annotators see the badge on the labeling page. */
export default async function ModelPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'model');
  const { services, config } = runtime();
  if (!can({ userRole: user.role, projectRole: project.role === 'admin' ? null : project.role }, 'project.review')) notFound();
  const raw = await services.training.status(user.principal, id);
  const status: ModelStatus = { ...raw, ranking: raw.ranking && { ...raw.ranking, at: raw.ranking.at.toISOString() } };
  const { model, ranking, job } = status;
  const metrics = holdoutMetrics(model?.metrics);
  const behind = labelsBehind(status);
  const open = job?.state === 'queued' || job?.state === 'running';
  const kind = taskType(project.task.task);

  if (!hasBuiltinModel(project.task) && (!model || isDiversity(status))) {
    // No model for this task: say how items are ordered instead of showing charts nothing computed.
    const task = kind.title.toLowerCase();
    return (
      <div className="model-page" data-testid="model-page">
        <LiveRefresh projectId={id} poll={open} />
        <ModelHeader name={project.name} id={id} />
        <section className="card" data-testid="model-diversity" data-kind={ranking && isDiversity(status) ? 'diversity' : 'none'}>
          <h2>No {task} model: items are ordered by diversity</h2>
          {ranking && isDiversity(status) ? (
            <p data-testid="diversity-ranking">
              Tandem&apos;s trainer has no {task} model yet, so it orders the open items by how much of the image
              variety they cover: greedy k-center over image embeddings (one item per cluster first while nothing is
              labeled, then each time the item farthest from everything labeled or already picked). Ranking #{ranking.id}
              {' '}orders <b data-testid="diversity-entries">{plural(ranking.entries ?? 0, 'item')}</b> in the embedding
              space <code data-testid="diversity-space">{ranking.embeddingSpace ?? model?.model ?? 'unknown'}</code>, made
              {' '}<time dateTime={ranking.at}>{ranking.at.slice(0, 19).replace('T', ' ')} UTC</time> on {plural(ranking.labelCount, 'label')}
              {' '}({ranking.behind === 0 ? 'up to date' : `${plural(ranking.behind, 'label')} since`}).
            </p>
          ) : (
            <p data-testid="diversity-pending">
              Tandem&apos;s trainer has no {task} model; it orders this project&apos;s items by diversity over image embeddings
              (greedy k-center) as soon as it has embedded them. Until that ranking arrives, items are dealt by the cold
              start: spread over clusters of the image embeddings when there are any, else in a seeded random order.
            </p>
          )}
          <p className="muted">
            No guess, accuracy or uncertainty is shown: nothing computed one. A trainer that predicts {task} (one that
            says so in its job claim, see docs/worker-protocol.md) replaces this ranking with its own. {plural(status.labels, 'item')} labeled so far.
          </p>
        </section>
        <section className="card" data-testid="model-job">
          <h2>Ranking job</h2>
          <JobStatus job={job} trainerBeside={config.trainer} />
        </section>
        {ranking && isDiversity(status) && (
          <section className="card" data-testid="model-next">
            <h2>What is dealt next</h2>
            <NextItems next={status.next} hasRanking />
          </section>
        )}
      </div>
    );
  }

  return (
    <div className="model-page" data-testid="model-page">
      <LiveRefresh projectId={id} poll={open} />
      <ModelHeader name={project.name} id={id} />

      <section className="card" data-testid="model-current">
        <h2>Current model</h2>
        {model ? (
          <dl className="facts">
            <dt>version</dt>
            <dd data-testid="model-version">v{status.curve.length} <span className="muted">({model.model})</span></dd>
            <dt>compute backend</dt>
            <dd data-testid="model-backend">the trainer ran on <b>{model.backend}</b></dd>
            <dt>trained on</dt>
            <dd>{plural(model.labelCount, 'label')}</dd>
            <dt>staleness</dt>
            <dd data-testid="model-behind">
              {behind === 0 ? <span className="ok">up to date</span> : <b>{plural(behind ?? 0, 'label')} behind</b>}
              <span className="muted"> ({status.labels} labeled now)</span>
            </dd>
            <dt>holdout</dt>
            <dd data-testid="model-metrics">
              {metrics
                ? <HoldoutLine metrics={metrics} />
                : <span className="muted">no labeled holdout items yet, so no metrics</span>}
            </dd>
            {ranking && (
              <>
                <dt>ranking</dt>
                <dd>#{ranking.id} by <code>{ranking.strategy}</code>, applied <time dateTime={ranking.at}>{ranking.at.slice(0, 19).replace('T', ' ')} UTC</time></dd>
              </>
            )}
          </dl>
        ) : (
          <p data-testid="model-none">
            {job && (job.state === 'queued' || job.state === 'running')
              ? <>No model yet. The trainer is making the first ranking from the images (job #{job.id}, {job.state}); items are dealt at random until it lands.</>
              : <>No model yet. Items are dealt at random until the first retrain, which is queued after {plural(config.retrainEvery, 'label')}</>}
            {' '}<span className="muted">({status.labels} so far)</span>.
          </p>
        )}
      </section>

      {model && (
        <section className="card" data-testid="model-evidence">
          <h2>Does the model&apos;s uncertainty predict its errors?</h2>
          <Evidence evidence={versionEvidence(model.metrics)} ece={metrics?.ece ?? null} id={`evidence-${id}`} />
        </section>
      )}

      {model && (
        <section className="card" data-testid="model-heads">
          <h2>Which model won</h2>
          <HeadChoice head={versionHead(model.metrics)} labelCount={model.labelCount} />
        </section>
      )}

      <section className="card" data-testid="model-job">
        <h2>Training</h2>
        <JobStatus job={job} trainerBeside={config.trainer} />
      </section>

      <section className="card" data-testid="model-curve">
        <h2>Learning curve</h2>
        <LearningCurve points={status.curve} id={`curve-${id}`} chance={project.classes.length > 1 ? 1 / project.classes.length : undefined} />
      </section>

      <section className="card" data-testid="model-next">
        <h2>What the model asks next</h2>
        <NextItems next={status.next} hasRanking={ranking !== null} />
      </section>

      {status.uncertainty && (
        <section className="card" data-testid="model-uncertainty">
          <h2>How unsure the model is about the open items</h2>
          <UncertaintyHistogram histogram={status.uncertainty} id={`uncertainty-${id}`} untrained={ranking?.labelCount === 0} />
        </section>
      )}
    </div>
  );
}

/** Below this many holdout items the page says the accuracy is a rough guess (its interval is over ±10 points). */
const SMALL_HOLDOUT = 100;

/** The holdout metrics, with how many items they stand on first and the accuracy's 95% interval. */
function HoldoutLine({ metrics }: { metrics: HoldoutMetrics }) {
  const ci = accuracyRange(metrics);
  return (
    <>
      <span className="holdout-size" data-testid="holdout-size">on {plural(metrics.holdoutSize, 'item')}</span>{' '}
      accuracy <b>{percent(metrics.accuracy)}</b>
      {ci && <> <span data-testid="accuracy-interval">(95% interval {rangeWords(ci)})</span></>}
      {' '}· macro-F1 {percent(metrics.macroF1)} · log loss {fixed(metrics.logLoss)} · ECE {fixed(metrics.ece)}
      {metrics.holdoutSize < SMALL_HOLDOUT && (
        <span className="muted small-holdout"><br />A small holdout: the model&apos;s real accuracy is likely anywhere in that interval. Labeling more holdout items narrows it.</span>
      )}
    </>
  );
}

function ModelHeader({ name, id }: { name: string; id: number }) {
  return (
    <header className="page-head">
      <h1>{name}: the model</h1>
      <span>
        <Link href={`/projects/${id}/queue`} className="button" data-testid="queue-link">Queue</Link>{' '}
        <Link href={`/projects/${id}/label`} className="button">Label</Link>
      </span>
    </header>
  );
}
