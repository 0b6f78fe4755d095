import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

/** Leads and admins: a page of the project's items under filters (lib/protocol/items.ts `ItemsQuery`), by keyset. */
export const GET = route({ params: ProjectParams }, async ({ principal, params, query, rt }) => rt.services.items.browse(principal, params.projectId, query));
