import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

/** The model behind the queue: how many labels behind it is, its holdout metrics, the learning curve, the last job. */
export const GET = route({ params: ProjectParams }, ({ principal, params, rt }) => rt.services.training.status(principal, params.projectId));
