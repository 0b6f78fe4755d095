import type { HeldItem } from './api';

/**
 * Merges a claim's answer (every lease the server says this annotator holds
 * now) into the page's queue: the items already queued keep their order, the
 * ones the server no longer lists are dropped (expired, released by a lead,
 * taken back), and new ones go to the end. Leases of labels still waiting in
 * the outbox stay held on the server until their label commits, so they come
 * back in the answer and must not be shown again.
 */
export function mergeClaim(queue: HeldItem[], claimed: HeldItem[], pendingLeaseIds: ReadonlySet<number>): HeldItem[] {
  const stillHeld = new Set(claimed.map((l) => l.leaseId));
  const kept = queue.filter((q) => stillHeld.has(q.leaseId));
  const have = new Set(kept.map((q) => q.leaseId));
  const fresh = claimed.filter((l) => !pendingLeaseIds.has(l.leaseId) && !have.has(l.leaseId));
  return [...kept, ...fresh];
}

/**
 * Runs lease-changing requests (labels, claims, releases, skips, undo) one at
 * a time, in the order asked. On the embedded database a claim in flight next
 * to a label made the label wait behind the claim's transaction; in order, a
 * claim's answer also never describes an older state than a label's refill.
 */
export function createSerial() {
  let tail: Promise<unknown> = Promise.resolve();
  return function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}
