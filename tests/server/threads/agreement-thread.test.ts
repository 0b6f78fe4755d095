import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { measureClassAnswers, type ClassAnswerColumns } from '../../../lib/agreement/class-measure';
import { createAgreementThread, inlineAgreement } from '../../../server/threads/agreement-thread';
import { mulberry32 } from '../../../lib/random';

const CLASSES = ['a', 'b', 'c', 'd'];

function columns(n: number, seed: number): ClassAnswerColumns {
  const rng = mulberry32(seed);
  const itemIds = new Float64Array(n);
  const userIds = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    itemIds[k] = 1 + Math.floor(k / 2);
    userIds[k] = 1 + Math.floor(rng() * 6);
    labels[k] = rng() < 0.9 ? itemIds[k] % 4 : Math.floor(rng() * 4);
  }
  return {
    itemIds, userIds, labels, labelNames: CLASSES, classes: CLASSES, gold: [], names: [], lastHour: [],
    standing: { itemIds: Float64Array.of(1, 2), labels: Int32Array.of(1, -1), confidences: Float64Array.of(0.5, NaN) }, consensusMin: 0.9,
  };
}

/** A copy: the thread takes the arrays it is given (they are moved, not copied). */
const copy = (c: ClassAnswerColumns): ClassAnswerColumns => ({
  ...c, itemIds: c.itemIds.slice(), userIds: c.userIds.slice(), labels: c.labels.slice(),
  standing: { itemIds: c.standing.itemIds.slice(), labels: c.standing.labels.slice(), confidences: c.standing.confidences.slice() },
});

describe('the agreement thread', () => {
  const thread = createAgreementThread();
  afterAll(() => thread.close());

  it('answers what the measure answers on the calling thread, job after job in order', async () => {
    const inputs = [columns(400, 1), columns(900, 2), columns(60, 3)];
    const expected = inputs.map((c) => measureClassAnswers(copy(c)));
    const got = await Promise.all(inputs.map((c) => thread.measure(copy(c))));
    expect(got).toEqual(expected);
  });

  it('leaves the calling thread free while it measures: a task queued before the job runs before its answer', async () => {
    const order: string[] = [];
    const tick = new Promise<void>((resolve) => setImmediate(() => { order.push('calling thread'); resolve(); }));
    const job = thread.measure(columns(20_000, 4)).then(() => order.push('answer'));
    await Promise.all([tick, job]);
    expect(order).toEqual(['calling thread', 'answer']);
    // On the calling thread the same job holds it: its answer is there before the queued task runs.
    const inlineOrder: string[] = [];
    const inlineTick = new Promise<void>((resolve) => setImmediate(() => { inlineOrder.push('calling thread'); resolve(); }));
    const inlineJob = inlineAgreement.measure(columns(2_000, 4)).then(() => inlineOrder.push('answer'));
    await Promise.all([inlineTick, inlineJob]);
    expect(inlineOrder).toEqual(['answer', 'calling thread']);
  });

  it('fails a job that cannot be measured with the reason, and measures the next', async () => {
    const bad = { ...columns(10, 5), labelNames: null } as unknown as ClassAnswerColumns;
    await expect(thread.measure(bad)).rejects.toThrow(/agreement thread: /);
    const ok = columns(50, 6);
    await expect(thread.measure(copy(ok))).resolves.toEqual(measureClassAnswers(ok));
  });

  it('after close, fails the jobs it had and starts a new worker for the next', async () => {
    const t = createAgreementThread();
    const pending = t.measure(columns(20_000, 7));
    await t.close();
    await expect(pending).rejects.toThrow(/closed|exited/);
    const ok = columns(30, 8);
    await expect(t.measure(copy(ok))).resolves.toEqual(measureClassAnswers(ok));
    await t.close();
  });

  it('starts its worker wherever the server was started from (a working folder without node_modules)', async () => {
    const cwd = process.cwd();
    const t = createAgreementThread();
    process.chdir(os.tmpdir());
    try {
      const ok = columns(30, 9);
      await expect(t.measure(copy(ok))).resolves.toEqual(measureClassAnswers(ok));
    } finally {
      process.chdir(cwd);
      await t.close();
    }
  });
});
