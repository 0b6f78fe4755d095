/**
 * Like `Promise.all(xs.map(fn))` with at most `limit` calls in flight; the
 * results keep the input order. Imports read and write thousands of small
 * files: a few in flight keep the disk busy without opening them all at once.
 */
export async function mapLimit<T, R>(xs: readonly T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, xs.length)) }, worker));
  return out;
}
