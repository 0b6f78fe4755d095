import { route } from '@/server/http/route';
import { parseInput } from '@/lib/errors';
import { ProjectParams } from '@/lib/protocol/labeling';
import { ReviewQuery } from '@/lib/protocol/review';

export const dynamic = 'force-dynamic';

/** The lead's review list: disputed and flagged items with every answer, the consensus and the model's guess. */
export const GET = route({ params: ProjectParams }, ({ principal, params, req, rt }) => {
  const query = parseInput(ReviewQuery, Object.fromEntries(new URL(req?.url ?? 'http://x/').searchParams), 'query');
  return rt.services.review.list(principal, params.projectId, query.limit);
});
