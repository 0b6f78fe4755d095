'use client';

import type { UploadFailure, UploadLabelMode } from '@/lib/import/upload';
import type { UploadState } from './run';

export type UploadPhase =
  | { kind: 'asking' }
  | { kind: 'sending' }
  | { kind: 'paused'; reason: string }
  | { kind: 'stopped'; reason: string }
  | { kind: 'done' }
  | { kind: 'nothing' };

export interface UploadView {
  id: number;
  title: string;
  files: number;
  classFolders: string[];
  answersFrom?: 'folders' | 'manifest' | 'coco' | 'yolo';
  /** Refused before sending (not an image, empty, too large, a manifest row without its image). */
  refused: UploadFailure[];
  phase: UploadPhase;
  progress: UploadState | null;
}

const MODE_TEXT: Record<UploadLabelMode, string> = {
  annotate: 'labels: the items arrive labeled with their folder\'s name',
  prelabel: 'prelabels to confirm: annotators see the folder\'s name as a suggestion and confirm or change it',
  ignore: 'ignored: the items arrive unlabeled',
};

const COCO_TEXT: Record<UploadLabelMode, string> = {
  annotate: 'answers: the items arrive labeled with the file\'s boxes or skeletons',
  prelabel: 'prelabels to correct: annotators start from the file\'s boxes or skeletons',
  ignore: 'ignored: the items arrive unlabeled',
};

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** One upload: the question about folder names, then an honest progress bar, then what it came to. */
export function UploadCard({ view, onAnswer, onResume }: { view: UploadView; onAnswer(mode: UploadLabelMode): void; onResume(): void }) {
  const { phase, progress } = view;
  const pct = progress && progress.totalBytes > 0 ? (100 * progress.sentBytes) / progress.totalBytes : 0;
  const skipped = [...view.refused, ...(progress?.tally.failed ?? [])];
  return (
    <li className="upload-card" data-testid="upload" data-phase={phase.kind}>
      <div className="upload-title">
        <b>{view.title}</b>{phase.kind !== 'nothing' && <span className="muted"> · {view.files} file{view.files === 1 ? '' : 's'} to send</span>}
      </div>

      {phase.kind === 'asking' && (
        <fieldset className="upload-question" data-testid="upload-question">
          <legend>
            {view.answersFrom === 'coco' || view.answersFrom === 'yolo'
              ? <>These images come with answers from the {view.answersFrom === 'coco' ? 'COCO file' : 'YOLO labels'}{view.classFolders.length ? <> (boxes of {view.classFolders.slice(0, 8).join(', ')}{view.classFolders.length > 8 ? ', …' : ''})</> : null}. What are they?</>
              : <>These images come with {view.classFolders.length} class name{view.classFolders.length === 1 ? '' : 's'} from their {view.answersFrom === 'manifest' ? 'manifest' : 'folders'}
                {' '}({view.classFolders.slice(0, 8).join(', ')}{view.classFolders.length > 8 ? ', …' : ''}). What are they?</>}
          </legend>
          {(Object.keys(MODE_TEXT) as UploadLabelMode[]).map((m) => (
            <button key={m} type="button" data-testid={`upload-mode-${m}`} onClick={() => onAnswer(m)}>{(view.answersFrom === 'coco' || view.answersFrom === 'yolo' ? COCO_TEXT : MODE_TEXT)[m]}</button>
          ))}
        </fieldset>
      )}

      {progress && phase.kind !== 'asking' && phase.kind !== 'nothing' && (
        <div className="progress">
          <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} data-testid="upload-progress">
            <div style={{ width: `${pct.toFixed(1)}%` }} />
          </div>
          <span className="muted">
            {mib(progress.sentBytes)} of {mib(progress.totalBytes)} sent · batch {Math.min(progress.batchesDone + (phase.kind === 'sending' ? 1 : 0), progress.batches)} of {progress.batches}
            {progress.retrying && <> · connection lost ({progress.retrying.reason}), trying again (try {progress.retrying.attempt + 1})…</>}
          </span>
        </div>
      )}

      {phase.kind === 'paused' && (
        <p className="notice notice-error" role="alert" data-testid="upload-paused">
          Paused: {phase.reason}. What arrived is kept; <button type="button" onClick={onResume} data-testid="upload-resume">Resume</button> sends the rest (nothing is imported twice).
        </p>
      )}
      {phase.kind === 'stopped' && <p className="notice notice-error" role="alert" data-testid="upload-error">The server refused this upload: {phase.reason}</p>}
      {phase.kind === 'nothing' && <p className="notice notice-error" role="alert" data-testid="upload-error">Nothing here can be imported{view.refused.length ? ' (the list below says why)' : ''}. Tandem takes PNG and JPEG images, a folder of them, a .zip, or a .jsonl/.csv manifest with its images.</p>}

      {(phase.kind === 'done' || phase.kind === 'paused' || phase.kind === 'stopped') && progress && (
        <p data-testid="upload-summary">
          <b data-testid="upload-added">{progress.tally.added}</b> imported · <span data-testid="upload-duplicates">{progress.tally.duplicates}</span> already in the project (duplicates{progress.resentDuplicates > 0
            ? <span data-testid="upload-resent">; {progress.resentDuplicates} of them after a dropped connection, most likely this upload&apos;s own first try</span>
            : null}) · <span data-testid="upload-skipped">{skipped.length}</span> skipped
        </p>
      )}
      {skipped.length > 0 && phase.kind !== 'asking' && (
        <details open={skipped.length <= 20}>
          <summary>{skipped.length} file{skipped.length === 1 ? '' : 's'} not imported, and why</summary>
          <ul className="upload-failed" data-testid="upload-failed">
            {skipped.slice(0, 500).map((f, i) => <li key={i}><code>{f.file}</code>: {f.reason}</li>)}
            {skipped.length > 500 && <li>… and {skipped.length - 500} more</li>}
          </ul>
        </details>
      )}
    </li>
  );
}
