import { parentPort } from 'node:worker_threads';
import { measureClassAnswers, type ClassAnswerColumns } from '../../lib/agreement/class-measure';

/** The agreement thread's side (server/threads/agreement-thread.ts): one job at a time, answered with its id. */
parentPort!.on('message', ({ id, input }: { id: number; input: ClassAnswerColumns }) => {
  try {
    const out = measureClassAnswers(input);
    const o = out.changes;
    parentPort!.postMessage({ id, out }, [o.itemIds, o.labels, o.confidences, o.start, o.annotators].map((a) => a.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
