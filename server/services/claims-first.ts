/**
 * Claims (and labels: the same gate is shared with the label service) go before a pool view's
 * background build. After a start on a large pool, every
 * annotator's first claim arrives while the view builds from a million rows; the bridge deals them
 * from the database, and each of its few statements queued behind the build's page reads on two
 * cores (first claims answered after ~1.1 s for 50 annotators). The build waits before each page
 * until no claim is in flight — at most `maxWaitMs` per page, so a steady stream of claims slows
 * the build but never stops it.
 */
export interface ClaimsFirst {
  /** Runs a claim counted as in flight. */
  around<T>(claim: () => Promise<T>): Promise<T>;
  /** Resolves once no claim is in flight, or after `maxWaitMs`. */
  pause(): Promise<void>;
  /** Claims in flight now (tests, logs). */
  inFlight(): number;
}

export function createClaimsFirst(opts: { maxWaitMs: number }): ClaimsFirst {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  return {
    async around(claim) {
      inFlight++;
      try {
        return await claim();
      } finally {
        inFlight--;
        if (inFlight === 0) release();
      }
    },
    pause() {
      if (inFlight === 0 || opts.maxWaitMs <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, opts.maxWaitMs);
        timer.unref?.();
        function done() {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }
        waiters.push(done);
      });
    },
    inFlight: () => inFlight,
  };
}
