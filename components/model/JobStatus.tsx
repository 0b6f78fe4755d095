import { jobErrors, plural, type ModelStatus } from './status';

type Job = NonNullable<ModelStatus['job']>;

const STATE_WORDS: Record<Job['state'], string> = {
  queued: 'queued, waiting for a trainer to claim it',
  running: 'running',
  done: 'done',
  failed: 'failed for good',
};

/**
 * The latest training job: its state, progress, the trainer that holds it,
 * and every failure reason it collected (a job keeps one per failed attempt).
 */
export function JobStatus({ job, trainerBeside }: { job: ModelStatus['job']; trainerBeside: boolean }) {
  if (!job) {
    return <p className="muted" data-testid="job-none">No training job yet: the first one is queued once enough labels are in.</p>;
  }
  const errors = jobErrors(job.error);
  const p = job.progress;
  return (
    <div className={`job job-${job.state}`} data-testid="job-status" data-state={job.state}>
      <p>
        Job #{job.id}: <b>{STATE_WORDS[job.state]}</b>
        {job.attempts > 0 && <> · {plural(job.attempts, 'attempt')}</>}
        {job.worker && <> · trainer <code>{job.worker}</code></>}
      </p>
      {job.state === 'running' && (
        p ? (
          <div className="job-progress">
            <progress max={p.total || 1} value={p.done} aria-label={`training ${p.phase}`} />
            <span>{p.phase}: {p.done}/{p.total}</span>
          </div>
        ) : <p className="muted">Started; the trainer reports progress every 10 s.</p>
      )}
      {job.state === 'queued' && !trainerBeside && (
        <p className="muted">No trainer runs beside this server (<code>TANDEM_TRAINER=0</code>). Start one anywhere that reaches it:
          {' '}<code>npx tandem worker token create --name gpu-box</code>, then <code>npx tandem worker --server URL --token TOKEN</code>.</p>
      )}
      {errors.length > 0 && (
        <div className={job.state === 'failed' ? 'notice notice-error' : 'notice notice-info'} role={job.state === 'failed' ? 'alert' : undefined} data-testid="job-errors">
          <p>
            {job.state === 'failed'
              ? 'The trainer gave up on this job. Labeling goes on with the previous ranking (or random items); the next labels queue a new job.'
              : job.state === 'done' ? 'Done after earlier attempts failed:' : 'Earlier attempts failed; it will be tried again:'}
          </p>
          <ol>{errors.map((e, i) => <li key={i}>{e}</li>)}</ol>
        </div>
      )}
    </div>
  );
}
