import { addTally, planBatches, UPLOAD_LIMITS, type UploadEntry, type UploadLabelMode, type UploadTally } from '../../lib/import/upload';

/**
 * Sends a planned upload batch by batch, with no React and no browser API of its own: the page
 * gives it an XMLHttpRequest sender (components/upload/xhr.ts), the upload bench a Node one, so
 * both run the same batching, retries and progress arithmetic.
 *
 * Resuming: a batch is one request, and the server adds nothing twice (content hashes are unique
 * per project), so a batch whose connection dropped is simply sent again. After `retries` failed
 * tries in a row the run pauses at that batch; `resume` continues from there.
 */

export interface UploadFile {
  size: number;
  /** The bytes: a File or Blob on the page, a Buffer in the bench. */
  data: unknown;
}

/** What a sender reports while a request's body leaves: bytes of this request's body sent, of `total`. */
export type OnSent = (loaded: number, total: number) => void;

/** Sends one batch; rejects with an `UploadError` (status 0: no answer reached us). */
export type SendBatch = (meta: { labels: UploadLabelMode; holdout: number; files: UploadEntry[] }, files: UploadFile[], onSent: OnSent) => Promise<UploadTally>;

export class UploadError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
  /** Worth sending again: no answer (a dropped connection, a timeout) or the server briefly unable. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 502;
  }
}

export interface UploadState {
  /** Bytes of the files known to have arrived, plus the share of the batch in flight that has left. */
  sentBytes: number;
  totalBytes: number;
  batchesDone: number;
  batches: number;
  tally: UploadTally;
  /**
   * Duplicates answered for a batch sent again after a dropped connection: most likely this
   * upload's own first try arrived and its answer was lost (the server cannot tell them apart).
   */
  resentDuplicates: number;
  /** Set while waiting to try a batch again. */
  retrying: { attempt: number; reason: string } | null;
}

export interface UploadRun {
  /** Resolves when every batch is answered; rejects with the error that paused or stopped it. */
  done: Promise<UploadTally>;
  /** Continues a paused run from the batch that failed (a new `done`). */
  resume(): UploadRun;
}

export interface RunOptions {
  labels: UploadLabelMode;
  holdout?: number;
  send: SendBatch;
  onState(s: UploadState): void;
  /** Tries of one batch before the run pauses (default 6: about a minute of backoff). */
  retries?: number;
  wait?: (ms: number) => Promise<void>;
  limits?: { batchBytes: number; batchFiles: number };
}

export function startUpload(entries: { file: UploadFile; entry: UploadEntry }[], opts: RunOptions): UploadRun {
  const batches = planBatches(entries.map((e) => e.file.size), opts.limits ?? UPLOAD_LIMITS);
  const totalBytes = entries.reduce((s, e) => s + e.file.size, 0);
  const wait = opts.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = opts.retries ?? 6;
  const state: UploadState = { sentBytes: 0, totalBytes, batchesDone: 0, batches: batches.length, tally: { added: 0, duplicates: 0, failed: [] }, resentDuplicates: 0, retrying: null };
  const emit = () => opts.onState({ ...state });

  const runFrom = (): UploadRun => {
    const done = (async () => {
      emit();
      while (state.batchesDone < batches.length) {
        const batch = batches[state.batchesDone].map((i) => entries[i]);
        const batchBytes = batch.reduce((s, e) => s + e.file.size, 0);
        const before = state.sentBytes;
        for (let attempt = 1; ; attempt++) {
          try {
            const r = await opts.send({ labels: opts.labels, holdout: opts.holdout ?? 0.1, files: batch.map((e) => e.entry) }, batch.map((e) => e.file), (loaded, total) => {
              // The request's share that has left, in file bytes: the multipart framing is spread evenly over them.
              state.sentBytes = before + (total > 0 ? batchBytes * Math.min(1, loaded / total) : 0);
              emit();
            });
            state.tally = addTally(state.tally, r);
            if (attempt > 1) state.resentDuplicates += r.duplicates;
            state.sentBytes = before + batchBytes;
            state.batchesDone++;
            state.retrying = null;
            emit();
            break;
          } catch (e) {
            // What did not arrive is not counted as sent.
            state.sentBytes = before;
            const err = e instanceof UploadError ? e : new UploadError((e as Error).message, 0);
            if (!err.retryable || attempt >= retries) {
              state.retrying = null;
              emit();
              throw err;
            }
            state.retrying = { attempt, reason: err.message };
            emit();
            await wait(Math.min(30_000, 1000 * 2 ** (attempt - 1)));
          }
        }
      }
      return state.tally;
    })();
    return { done, resume: runFrom };
  };
  return runFrom();
}
