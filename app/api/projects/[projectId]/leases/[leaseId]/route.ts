import { route } from '@/server/http/route';
import { LeaseParams } from '@/lib/protocol/queue-controls';

/** Leads and admins: take an item back from whoever holds it; it returns to the pool at once. */
export const DELETE = route({ params: LeaseParams }, async ({ principal, params, rt }) => rt.services.queueControls.releaseLease(principal, params.projectId, params.leaseId));
