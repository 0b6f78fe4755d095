import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { GuidelinesUpdate } from '@/lib/protocol/guidelines';

export const dynamic = 'force-dynamic';

/** The project's labeling instructions (every member); null when none were written. */
export const GET = route({ params: ProjectParams }, async ({ principal, params, rt }) => ({ guidelines: await rt.services.guidelines.get(principal, params.projectId) }));

/** Replaces them (`{markdown, examples: {class: [itemId, …]}}`): leads and admins. */
export const PUT = route({ params: ProjectParams, body: GuidelinesUpdate, sentences: true }, async ({ principal, params, body, rt }) => ({
  guidelines: await rt.services.guidelines.update(principal, params.projectId, body),
}));
