import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

/** Leads and admins: per annotator, the active leases (item, stream, since, expires). */
export const GET = route({ params: ProjectParams }, async ({ principal, params, rt }) => rt.services.queueControls.holds(principal, params.projectId));
