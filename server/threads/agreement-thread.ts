import { Worker } from 'node:worker_threads';
import { measureClassAnswers, type ClassAnswerColumns, type ClassMeasure } from '../../lib/agreement/class-measure';

export interface AgreementThread {
  /** `measureClassAnswers` off the server's thread; the input's arrays are moved there, not copied. */
  measure(input: ClassAnswerColumns): Promise<ClassMeasure>;
  close(): Promise<void>;
}

type Pending = { resolve: (m: ClassMeasure) => void; reject: (e: Error) => void };

/**
 * The agreement recompute's CPU on a thread of its own. On the server's thread, a recompute at
 * 100,000 answers held it for 633 ms at once (51 ms now; bench:agreement-recompute,
 * docs/benchmarks.md), and every claim and label that arrived meanwhile waited, every 10 s at the latest.
 * One worker, started on first use; jobs go in order. The worker holds the process open only
 * while a job is out. If it dies, the jobs it had fail and the next one starts a new worker.
 */
export function createAgreementThread(): AgreementThread {
  /** The worker in use and the jobs it has out (a worker that died fails only its own). */
  let current: { worker: Worker; pending: Map<number, Pending> } | null = null;
  let nextId = 0;

  function start(): { worker: Worker; pending: Map<number, Pending> } {
    // tsx's loader is per thread on Node 20: the worker registers it before importing the .ts file.
    // Both are named by URL: an eval'd worker resolves bare names from the working folder, wherever the server was started.
    const file = new URL('./agreement-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`, { eval: true });
    const pending = new Map<number, Pending>();
    const self = { worker, pending };
    worker.unref();
    const failAll = (e: Error) => {
      if (current === self) current = null;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    worker.on('message', (m: { id: number; out?: ClassMeasure; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) worker.unref();
      if (m.out) p.resolve(m.out);
      else p.reject(new Error(`agreement thread: ${m.error}`));
    });
    worker.on('error', (e) => failAll(new Error(`agreement thread failed: ${e.message}`)));
    worker.on('exit', (code) => failAll(new Error(`agreement thread exited (code ${code})`)));
    return self;
  }

  return {
    measure(input) {
      const { worker, pending } = (current ??= start());
      const id = ++nextId;
      return new Promise<ClassMeasure>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, input }, [input.itemIds, input.userIds, input.labels, input.standing.itemIds, input.standing.labels, input.standing.confidences].map((a) => a.buffer as ArrayBuffer));
      });
    },
    async close() {
      const c = current;
      current = null;
      if (!c) return;
      await c.worker.terminate();
      for (const p of c.pending.values()) p.reject(new Error('agreement thread closed'));
      c.pending.clear();
    },
  };
}

/** The same work on the calling thread: for callers that want no thread (a CLI run, a test of the measure itself). */
export const inlineAgreement: AgreementThread = {
  measure: async (input) => measureClassAnswers(input),
  close: async () => {},
};

let shared: AgreementThread | null = null;
/** One agreement thread per process, shared by every service that measures (jobs are pure functions of their input). */
export function sharedAgreementThread(): AgreementThread {
  return (shared ??= createAgreementThread());
}
