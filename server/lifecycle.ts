import type { JobProgress, QueueEvent, ReviewEvent } from '../lib/protocol/events';
import type { Logger } from './log';

/**
 * The project lifecycle: what happens to a project that something else may care about, declared
 * once. Services report through these hooks after their transaction commits; everything that
 * follows (telling open pages, triggering a retrain, checking the budget and the stopping
 * targets, refreshing the pool view) is an extension registered with `use`, not a callback
 * wired by hand. Agreement, live co-editing and monitoring plug in the same way.
 *
 * Hooks are fire-and-forget: they never delay or fail the operation that fired them. An
 * extension's error (thrown, or a rejected promise) is logged with the extension's name.
 */
export interface LifecycleHooks {
  /** A label, an undo of one, or a lead's decision on an item committed. */
  onLabelCommitted(projectId: number, e: { kind: 'label' | 'undo' | 'decision'; itemId: number }): void;
  /** Items were settled for their annotators: a lead's decision, or a consensus the server computed. */
  onItemsSettled(projectId: number, e: ReviewEvent): void;
  /** An annotator flagged an item for the lead's review. */
  onItemFlagged(projectId: number, itemId: number): void;
  /** The project's agreement and consensus were recomputed (a new snapshot). */
  onAgreementComputed(projectId: number, snapshotId: number): void;
  /** A lease ended before its label (released by its page, ended by a lead). */
  onLeaseEnded(projectId: number, e: { userId: number; leaseId: number; itemId: number; reason: 'released' }): void;
  /** A lead or the server changed how the queue deals (settings, pause, stop, item controls). */
  onQueueChanged(projectId: number, e: QueueEvent): void;
  /** A retrain was queued. */
  onJobQueued(projectId: number): void;
  /** A trainer reported progress (heartbeat or worker socket). */
  onJobProgress(projectId: number, jobId: number, progress: JobProgress): void;
  /** A job failed (final) or went back to the queue. */
  onJobFailed(projectId: number, final: boolean): void;
  /** A new ranking is the one dealt from. */
  onRankingApplied(projectId: number, rankingId: number): void;
  /** A model version with its holdout metrics was stored. */
  onModelVersion(projectId: number, modelVersionId: number): void;
  /** New items committed (an upload's batch, a CLI import): the dealer's pool grew. */
  onItemsImported(projectId: number, e: { added: number }): void;
}

export type HookName = keyof LifecycleHooks;
const HOOK_NAMES: readonly HookName[] = [
  'onLabelCommitted', 'onItemsSettled', 'onItemFlagged', 'onAgreementComputed', 'onLeaseEnded', 'onQueueChanged', 'onJobQueued', 'onJobProgress', 'onJobFailed', 'onRankingApplied', 'onModelVersion', 'onItemsImported',
];

/** Something that plugs into the lifecycle: a name (for logs) and the hooks it cares about. */
export type Extension = {
  name: string;
  /** Stops the extension's own timers when the server shuts down. */
  stop?(): void;
} & { [K in HookName]?: (...args: Parameters<LifecycleHooks[K]>) => void | Promise<unknown> };

export interface Lifecycle {
  /** What services call: each hook runs every extension that has it, in the order they were added. */
  hooks: LifecycleHooks;
  /** Adds an extension; the returned function removes it. */
  use(extension: Extension): () => void;
  /** Stops every extension (server shutdown); hooks fired afterwards reach none. */
  stop(): void;
}

export function createLifecycle(log?: Pick<Logger, 'warn'>): Lifecycle {
  const extensions: Extension[] = [];
  const fail = (ext: Extension, hook: HookName, err: unknown) => log?.warn({ err, extension: ext.name, hook }, 'a lifecycle extension failed');
  const hooks = Object.fromEntries(HOOK_NAMES.map((hook) => [hook, (...args: unknown[]) => {
    for (const ext of [...extensions]) {
      const fn = ext[hook] as ((...a: unknown[]) => void | Promise<unknown>) | undefined;
      if (!fn) continue;
      try {
        const r = fn(...args);
        if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch((err) => fail(ext, hook, err));
      } catch (err) {
        fail(ext, hook, err);
      }
    }
  }])) as unknown as LifecycleHooks;
  return {
    hooks,
    stop() {
      for (const ext of extensions.splice(0)) ext.stop?.();
    },
    use(extension) {
      extensions.push(extension);
      return () => {
        const at = extensions.indexOf(extension);
        if (at >= 0) extensions.splice(at, 1);
      };
    },
  };
}

/** Hooks that do nothing: for a service used on its own (tests, the CLI). */
export const NO_HOOKS: LifecycleHooks = createLifecycle().hooks;
