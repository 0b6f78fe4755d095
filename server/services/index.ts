import type { Db } from '../../db/client';
import type { MediaStore } from '../media';
import { createMediaAccessService } from './media-access';
import { createLabelService, type LabelEvents } from './labels';
import { createProjectService } from './projects';
import { createQueueService } from './queue';
import { createUserService } from './users';

/**
 * Every operation of Tandem, bound to one database. Route handlers, socket
 * handlers and the CLI all call these; each checks the caller's role itself.
 */
export function createServices(db: Db, opts: { leaseSeconds: number; media: MediaStore; events?: LabelEvents }) {
  return {
    users: createUserService(db),
    projects: createProjectService(db),
    queue: createQueueService(db, { leaseSeconds: opts.leaseSeconds }),
    labels: createLabelService(db, { leaseSeconds: opts.leaseSeconds, events: opts.events }),
    media: createMediaAccessService(db, opts.media),
  };
}

export type Services = ReturnType<typeof createServices>;
