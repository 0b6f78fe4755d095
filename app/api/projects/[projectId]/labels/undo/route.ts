import { z } from 'zod';
import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const POST = route({ params: ProjectParams, body: z.object({}).strict() }, async ({ principal, params, rt }) => ({
  lease: await rt.services.labels.undo(principal, params.projectId),
}));
