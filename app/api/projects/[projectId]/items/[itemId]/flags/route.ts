import { route } from '@/server/http/route';
import { FlagRequest, ItemPathParams } from '@/lib/protocol/items';

/** An annotator flags the item (`{reason: unclear|broken|no-class, comment?, leaseId?}`); with its lease, the lease is skipped. */
export const POST = route({ params: ItemPathParams, body: FlagRequest }, async ({ principal, params, body, rt }) => rt.services.itemNotes.flag(principal, params.projectId, params.itemId, body));
