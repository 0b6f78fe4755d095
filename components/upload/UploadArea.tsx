'use client';

import { useCallback, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { UPLOAD_LIMITS, type UploadLabelMode, type UploadPlan } from '@/lib/import/upload';
import type { ProjectTask } from '@/lib/tasks';
import { collectDrop, droppedOf, titleOf, type CollectedFile, type Dropped } from './collect';
import { startUpload, UploadError, type UploadRun } from './run';
import { UploadCard, type UploadPhase, type UploadView } from './UploadCard';
import { xhrSender } from './xhr';

const MiB = 1024 * 1024;

/**
 * Where admins and the project's leads add data: drop image files, a folder (a folder per class
 * is read as tandem import reads one), a .zip, or a .jsonl/.csv manifest with its images. Each
 * drop is one upload with its own progress bar and summary; several may run side by side.
 */
export function UploadArea({ projectId, task }: { projectId: number; task: ProjectTask }) {
  const classification = task.task === 'classification';
  const router = useRouter();
  const [uploads, setUploads] = useState<UploadView[]>([]);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const plans = useRef(new Map<number, UploadPlan<CollectedFile>>());
  const runs = useRef(new Map<number, UploadRun>());
  const nextId = useRef(1);

  const patch = useCallback((id: number, p: Partial<UploadView>) => setUploads((us) => us.map((u) => (u.id === id ? { ...u, ...p } : u))), []);

  const follow = useCallback((id: number, run: UploadRun) => {
    runs.current.set(id, run);
    patch(id, { phase: { kind: 'sending' } });
    run.done.then(() => {
      patch(id, { phase: { kind: 'done' } });
      router.refresh();
    }, (e: unknown) => {
      const err = e instanceof UploadError ? e : new UploadError(String(e), 0);
      const phase: UploadPhase = err.retryable ? { kind: 'paused', reason: err.message } : { kind: 'stopped', reason: err.message };
      patch(id, { phase });
    });
  }, [patch, router]);

  const send = useCallback((id: number, labels: UploadLabelMode) => {
    const plan = plans.current.get(id);
    if (!plan) return;
    const entries = plan.entries.map((e) => ({ entry: e.entry, file: { size: e.file.size, data: e.file.data } }));
    follow(id, startUpload(entries, { labels, send: xhrSender(projectId), onState: (s) => patch(id, { progress: s }) }));
  }, [follow, patch, projectId]);

  const accept = useCallback(async (dropped: Dropped, title: string) => {
    setBusy(true);
    try {
      const plan = await collectDrop(dropped, task);
      const id = nextId.current++;
      plans.current.set(id, plan);
      // Class names mean something only to a classification project; a COCO file's answers only to a spatial one.
      const ask = plan.answersFrom === 'coco' || plan.answersFrom === 'yolo' || (classification && plan.answersFrom !== undefined);
      const phase: UploadPhase = plan.entries.length === 0 ? { kind: 'nothing' } : ask ? { kind: 'asking' } : { kind: 'sending' };
      setUploads((us) => [{ id, title, files: plan.entries.length, classFolders: plan.classFolders, answersFrom: plan.answersFrom, refused: plan.failed, phase, progress: null }, ...us]);
      // Labels on a project without classes mean nothing: they are ignored, never guessed.
      if (phase.kind === 'sending') send(id, 'ignore');
    } finally {
      setBusy(false);
    }
  }, [classification, send, task]);

  return (
    <div className="upload-area" data-testid="upload-area">
      <div
        className={`drop-zone${over ? ' drop-over' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const d = droppedOf(e.dataTransfer.items, e.dataTransfer.files);
          void accept(d, titleOf(d));
        }}
      >
        <p><b>Drop images, a folder, a .zip, or a .jsonl/.csv manifest{classification ? '' : ', a COCO .json with its images, or a YOLO dataset folder'} here</b>, or pick them:</p>
        <p>
          <label className="button">Choose files…
            <input type="file" multiple hidden data-testid="upload-files" accept=".png,.jpg,.jpeg,.zip,.jsonl,.json,.csv,image/png,image/jpeg"
              onChange={(e) => { const d = droppedOf(null, e.target.files); void accept(d, titleOf(d)); e.target.value = ''; }} />
          </label>{' '}
          <label className="button">Choose a folder…
            <input type="file" hidden data-testid="upload-folder" {...{ webkitdirectory: '' }}
              onChange={(e) => { const d = droppedOf(null, e.target.files); void accept(d, titleOf(d)); e.target.value = ''; }} />
          </label>
          {busy && <span className="muted"> Reading what was dropped…</span>}
        </p>
        <p className="muted" data-testid="upload-limits">
          PNG or JPEG, up to {UPLOAD_LIMITS.fileBytes / MiB} MiB per image. A .zip up to {UPLOAD_LIMITS.zipBytes / MiB} MiB,
          {' '}{UPLOAD_LIMITS.zipEntries.toLocaleString('en')} entries and {UPLOAD_LIMITS.zipUnpackedBytes / MiB} MiB unpacked.
          Files go in batches of about {UPLOAD_LIMITS.batchBytes / MiB} MiB: a dropped connection resumes at the batch it was sending,
          and an image the project already has is never imported twice.
          {classification
            ? ' A folder per class is read as the class of its images; you choose whether that is an answer, a prelabel to confirm, or ignored.'
            : ' Folder names are ignored. A COCO file\'s or a YOLO folder\'s answers can be taken as answers, prelabels to correct, or ignored.'}
        </p>
      </div>
      {uploads.length > 0 && (
        <ul className="uploads">
          {uploads.map((u) => (
            <UploadCard key={u.id} view={u} onAnswer={(m) => send(u.id, m)} onResume={() => {
              const run = runs.current.get(u.id);
              if (run) follow(u.id, run.resume());
            }} />
          ))}
        </ul>
      )}
    </div>
  );
}
