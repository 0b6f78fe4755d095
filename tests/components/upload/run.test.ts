import { describe, expect, it } from 'vitest';
import { startUpload, UploadError, type SendBatch, type UploadState } from '../../../components/upload/run';

const entries = (sizes: number[]) => sizes.map((size, i) => ({ file: { size, data: i }, entry: { name: `f${i}.png` } }));
const limits = { batchBytes: 100, batchFiles: 2 };
const noWait = () => Promise.resolve();

describe('startUpload', () => {
  it('sends batches in order and sums what each came to', async () => {
    const sent: string[][] = [];
    const send: SendBatch = async (meta, files, onSent) => {
      sent.push(meta.files.map((f) => f.name));
      onSent(50, 100);
      return { added: files.length, duplicates: 0, failed: [] };
    };
    const r = await startUpload(entries([10, 10, 10, 200, 10]), { labels: 'ignore', send, onState: () => {}, limits, wait: noWait }).done;
    expect(sent).toEqual([['f0.png', 'f1.png'], ['f2.png'], ['f3.png'], ['f4.png']]);
    expect(r).toEqual({ added: 5, duplicates: 0, failed: [] });
  });

  it('reports the share of each request that left, and takes back what a dropped request had counted', async () => {
    const seen: number[] = [];
    let calls = 0;
    const send: SendBatch = async (_m, _f, onSent) => {
      calls++;
      onSent(25, 100);
      if (calls === 2) throw new UploadError('the connection dropped', 0);
      onSent(100, 100);
      return { added: 1, duplicates: 0, failed: [] };
    };
    const states: UploadState[] = [];
    const r = await startUpload(entries([80, 40]), { labels: 'ignore', send, onState: (s) => { states.push(s); seen.push(s.sentBytes); }, limits, wait: noWait }).done;
    expect(r.added).toBe(2);
    // 25% of 80, all of it, then 25% of 40 on top, dropped back to 80, and sent again.
    expect(seen.filter((v, i) => v !== seen[i - 1])).toEqual([0, 20, 80, 90, 80, 90, 120]);
    expect(states.some((s) => s.retrying?.reason === 'the connection dropped')).toBe(true);
    expect(states.at(-1)).toMatchObject({ sentBytes: 120, totalBytes: 120, batchesDone: 2, retrying: null, resentDuplicates: 0 });
  });

  it('pauses after the last try and resumes from the batch that failed, not from the start', async () => {
    const sent: string[] = [];
    let down = true;
    const send: SendBatch = async (meta) => {
      if (meta.files[0].name === 'f1.png' && down) throw new UploadError('no answer from the server', 0);
      sent.push(meta.files[0].name);
      return { added: 1, duplicates: 0, failed: [] };
    };
    const run = startUpload(entries([80, 80, 80]), { labels: 'annotate', send, onState: () => {}, limits, wait: noWait, retries: 3 });
    await expect(run.done).rejects.toMatchObject({ message: 'no answer from the server', retryable: true });
    down = false;
    const r = await run.resume().done;
    expect(sent).toEqual(['f0.png', 'f1.png', 'f2.png']);
    expect(r.added).toBe(3);
  });

  it('stops at once on a refusal, which sending again would not change', async () => {
    let calls = 0;
    const send: SendBatch = async () => { calls++; throw new UploadError('an upload request may carry at most 40 MiB', 413); };
    await expect(startUpload(entries([10]), { labels: 'ignore', send, onState: () => {}, limits, wait: noWait }).done).rejects.toMatchObject({ status: 413, retryable: false });
    expect(calls).toBe(1);
  });

  it('counts duplicates of a batch sent again after a dropped connection apart: most likely its own first try', async () => {
    let calls = 0;
    const send: SendBatch = async () => {
      calls++;
      if (calls === 1) throw new UploadError('the connection dropped', 0);
      return { added: 0, duplicates: 2, failed: [] };
    };
    const states: UploadState[] = [];
    await startUpload(entries([10, 10]), { labels: 'ignore', send, onState: (s) => states.push(s), limits, wait: noWait }).done;
    expect(states.at(-1)).toMatchObject({ resentDuplicates: 2, tally: { duplicates: 2 } });
  });
});
