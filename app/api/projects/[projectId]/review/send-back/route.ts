import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { SendBack } from '@/lib/protocol/review';

export const dynamic = 'force-dynamic';

/** Puts an annotator's newest answers back on the review list. */
export const POST = route({ params: ProjectParams, body: SendBack }, ({ principal, params, body, rt }) =>
  rt.services.review.sendBack(principal, params.projectId, body));
