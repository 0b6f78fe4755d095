import { route } from '@/server/http/route';
import { CommentRequest, ItemPathParams } from '@/lib/protocol/items';

/** A comment on the item's page (`{body}`): leads, admins, and annotators who hold or answered it. */
export const POST = route({ params: ItemPathParams, body: CommentRequest }, async ({ principal, params, body, rt }) => rt.services.itemNotes.comment(principal, params.projectId, params.itemId, body));
