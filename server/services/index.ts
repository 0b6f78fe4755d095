import type { Db } from '../../db/client';
import type { MediaStore } from '../media';
import { createMediaAccessService } from './media-access';
import { createLabelService } from './labels';
import { createProjectService } from './projects';
import { createProgressCounts } from './progress-counts';
import { createQueueService } from './queue';
import { createClaimsFirst } from './claims-first';
import { createUserService } from './users';
import { importData, type ImportOptions } from './importer';
import { exportProject, type ExportAnswers, type ExportFormat } from './dataset-export';
import { importUpload } from './uploads';
import { importDataset, type DatasetImportOptions } from './dataset-import';
import type { Principal } from './access';
import { createTrainingService, DEFAULT_TRAINING, type TrainingOptions } from './training';
import { createModelService } from './models';
import { createQueueControlService } from './queue-controls';
import { createLifecycle, type Lifecycle } from '../lifecycle';
import { createEmbeddingUploadService } from './embedding-uploads';
import { createItemService } from './items';
import { createItemNoteService } from './item-notes';
import { createMyAnswerService } from './my-answers';
import { createReviewService } from './review';
import { createConsensusService } from './consensus';
import type { AgreementThread } from '../threads/agreement-thread';
import { createAgreementService } from './agreement';
import { createMemberService } from './members';
import { createGuidelineService } from './guidelines';

/**
 * Every operation of Tandem, bound to one database. Route handlers, socket
 * handlers and the CLI all call these; each checks the caller's role itself.
 * What follows an operation (pages told, retrains, stops) is an extension of
 * `lifecycle` (server/lifecycle.ts), added by whoever runs the services.
 */
export function createServices(db: Db, opts: {
  leaseSeconds: number; media: MediaStore; training?: Partial<TrainingOptions>; lifecycle?: Lifecycle; claimsFirstMs?: number;
  /** Where the server keeps its pool views between runs (server/services/view-snapshot.ts); the CLI keeps none. */
  viewSnapshots?: { dir: string; database: string };
  /** Where the agreement recompute's Dawid–Skene runs (default: the process's agreement thread, server/threads/agreement-thread.ts). */
  agreement?: AgreementThread;
}) {
  const lifecycle = opts.lifecycle ?? createLifecycle();
  const hooks = lifecycle.hooks;
  // Claims and labels go before a pool view's background build: one gate for both.
  const first = createClaimsFirst({ maxWaitMs: opts.claimsFirstMs ?? 250 });
  const queue = createQueueService(db, { leaseSeconds: opts.leaseSeconds, hooks, first, views: opts.viewSnapshots ? { snapshots: opts.viewSnapshots } : undefined });
  const progressCounts = createProgressCounts(db);
  // The dealer's pool view follows the ranking it deals from, and the items imported.
  lifecycle.use({ name: 'pool-view', onRankingApplied: (pid) => queue.poolChanged(pid), onItemsImported: (pid) => queue.poolChanged(pid) });
  const projects = createProjectService(db);
  return {
    lifecycle,
    users: createUserService(db),
    projects,
    members: createMemberService(db, { projects }),
    guidelines: createGuidelineService(db),
    queue,
    labels: createLabelService(db, { leaseSeconds: opts.leaseSeconds, counts: progressCounts, hooks, first }),
    /** A project's counts for live progress (the room's broadcasts, a page's subscribe). */
    progressCounts,
    media: createMediaAccessService(db, opts.media),
    imports: {
      run: (p: Principal, projectId: number, source: string, options?: ImportOptions) =>
        importData({ db, media: opts.media }, p, projectId, source, options).then(
          (r) => { if (r.added > 0) hooks.onItemsImported(projectId, { added: r.added }); return r; },
          // Batches before the failure may have committed.
          (e: unknown) => { queue.poolChanged(projectId); throw e; },
        ),
    },
    training: createTrainingService(db, { ...DEFAULT_TRAINING, ...opts.training, hooks }),
    datasets: {
      import: (p: Principal, projectId: number, source: string, options: DatasetImportOptions) =>
        importDataset({ db, media: opts.media }, p, projectId, source, options).then((r) => {
          if (r.added > 0) hooks.onItemsImported(projectId, { added: r.added });
          return r;
        }),
    },
    uploads: {
      /** One request of a browser upload (server/services/uploads.ts). */
      import: (p: Principal, projectId: number, meta: unknown, files: readonly Uint8Array[]) => importUpload({ db, media: opts.media, hooks }, p, projectId, meta, files),
    },
    exports: {
      /** Every standing answer as csv or jsonl text. */
      labels: async (p: Principal, projectId: number, format: 'jsonl' | 'csv') => {
        const r = await exportProject({ db, media: opts.media }, p, projectId, format);
        return r.kind === 'text' ? r.text : '';
      },
      project: (p: Principal, projectId: number, format: ExportFormat, answers?: ExportAnswers) => exportProject({ db, media: opts.media }, p, projectId, format, answers),
    },
    queueControls: createQueueControlService(db, { hooks }),
    review: createReviewService(db, { hooks }),
    consensus: createConsensusService(db, { hooks, agreement: opts.agreement }),
    models: createModelService(db, opts.media, { hooks }),
    embeddings: createEmbeddingUploadService(db),
    agreement: createAgreementService(db),
    items: createItemService(db),
    itemNotes: createItemNoteService(db, { hooks }),
    myAnswers: createMyAnswerService(db, { leaseSeconds: opts.leaseSeconds, hooks }),
  };
}

export type Services = ReturnType<typeof createServices>;
