import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

export const GET = route({ params: ProjectParams }, ({ principal, params, rt }) => rt.services.labels.progress(principal, params.projectId));
