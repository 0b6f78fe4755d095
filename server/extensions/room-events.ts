import type { Server as SocketServer } from 'socket.io';
import type { ModelEvent, QueueEvent } from '../../lib/protocol/events';
import type { Extension } from '../lifecycle';
import type { Logger } from '../log';
import { projectRoom } from '../realtime/sockets';

/**
 * Tells a project's open pages what happened, as the room events of lib/protocol/events.ts:
 * label counts (through the spaced progress broadcaster), queue changes, the model's jobs, and
 * items settled for their annotators (by whom, never with what answer).
 */
export function roomEvents(io: () => SocketServer | undefined, progress: { changed(projectId: number): void }, log: Pick<Logger, 'info'>): Extension {
  const queue = (projectId: number, e: QueueEvent): void => void io()?.to(projectRoom(projectId)).emit('queue', { projectId, ...e });
  const model = (projectId: number, e: ModelEvent): void => void io()?.to(projectRoom(projectId)).emit('model', { projectId, ...e });
  return {
    name: 'room-events',
    onLabelCommitted: (projectId) => progress.changed(projectId),
    onItemsSettled: (projectId, e) => void io()?.to(projectRoom(projectId)).emit('review', { projectId, ...e }),
    // Names the item only: the flag's reason and comment are for leads, read from the review list.
    onItemFlagged: (projectId, itemId) => void io()?.to(projectRoom(projectId)).emit('flag', { projectId, itemId }),
    onAgreementComputed: (projectId, snapshotId) => void io()?.to(projectRoom(projectId)).emit('agreement', { projectId, snapshotId }),
    onLeaseEnded: (projectId, e) => queue(projectId, { event: 'lease-released', userId: e.userId, leaseId: e.leaseId, itemId: e.itemId }),
    onQueueChanged: (projectId, e) => queue(projectId, e),
    onJobQueued: (projectId) => model(projectId, { event: 'job-queued' }),
    onJobProgress: (projectId, jobId, progress) => model(projectId, { event: 'job-progress', jobId, progress }),
    onJobFailed: (projectId, final) => model(projectId, { event: final ? 'job-failed' : 'job-requeued' }),
    onItemsImported: (projectId, e) => queue(projectId, { event: 'items-added', added: e.added }),
    onRankingApplied: (projectId, rankingId) => {
      log.info({ projectId, rankingId }, 'ranking applied');
      model(projectId, { event: 'ranking-applied', rankingId });
    },
  };
}
