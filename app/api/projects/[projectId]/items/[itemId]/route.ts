import { route } from '@/server/http/route';
import { ItemPathParams } from '@/lib/protocol/items';

export const dynamic = 'force-dynamic';

/** The item's page data: every version with what it replaced, the model's view, flags, comments (cut to what the caller may see). */
export const GET = route({ params: ItemPathParams }, async ({ principal, params, rt }) => rt.services.items.detail(principal, params.projectId, params.itemId));
